import Negotiator from 'negotiator';
import { createRegistry, type Registry } from '../plugin/registry.js';
import type { ContractFragment } from '../contract/compose.js';
import type { RequestContext } from '../request/context.js';
import type { Reply } from '../response/reply.js';
import type { ErrorFamily } from './burrow-error.js';
import { CORE_ERRORS, type ErrorSpec } from './codes.js';
import { catalogAnchor } from './problem.js';

/**
 * The error codes of a kernel: Burrow's own, then those plugins and the app
 * register. The error catalogue (`/errors`) documents exactly these.
 */
export interface ErrorRegistry extends Registry<ErrorSpec> {
  /** Registers every code of a {@link ErrorFamily} (made with `defineErrors`). */
  addFamily(family: ErrorFamily, owner?: string): void;
}

/** Creates the error registry of a kernel, holding the core codes. */
export function createErrorRegistry(): ErrorRegistry {
  const registry = createRegistry<ErrorSpec>('error code');
  for (const [code, spec] of Object.entries(CORE_ERRORS)) registry.add(code, spec, 'burrow');
  return Object.assign(registry, {
    addFamily(family: ErrorFamily, owner?: string) {
      for (const [code, spec] of Object.entries(family.specs)) registry.add(code, spec, owner);
    },
  });
}

/** The operationId of the catalogue. */
export const CATALOG_OPERATION_ID = 'burrowErrorCatalog';

/** The catalogue as a contract contribution: public, HTML for people and JSON for programs. */
export function catalogFragment(path: string): ContractFragment {
  return {
    paths: {
      [path]: {
        get: {
          operationId: CATALOG_OPERATION_ID,
          tags: ['burrow'],
          summary: 'The error catalogue',
          description:
            'Every error code this API can answer with: its status, what it means and what to do. ' +
            'The `type` of each problem response links to the anchor of its code here.',
          security: [],
          responses: {
            '200': {
              description: 'The catalogue: an HTML page with one anchor per code, or the same as JSON.',
              content: {
                'text/html': { schema: { type: 'string' } },
                'application/json': {
                  schema: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['code', 'status', 'title'],
                      properties: {
                        code: { type: 'string' },
                        status: { type: 'integer' },
                        title: { type: 'string' },
                        means: { type: 'string' },
                        do: { type: 'string' },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    tags: [{ name: 'burrow', description: 'Served by Burrow itself.' }],
  };
}

/** One entry of the catalogue. */
export interface CatalogEntry {
  code: string;
  status: number;
  title: string;
  means?: string;
  do?: string;
}

/** The catalogue entries of codes and their specs (a registry's `entries()`: core codes first, each group in registration order). */
export function catalogEntries(specs: [string, ErrorSpec][]): CatalogEntry[] {
  return specs.map(([code, spec]) => ({
    code,
    status: spec.status,
    title: spec.title,
    ...(spec.means ? { means: spec.means } : {}),
    ...(spec.do ? { do: spec.do } : {}),
  }));
}

/** The handler of the catalogue; the page is rendered once, on first use. */
export function createCatalogHandler(errors: Registry<ErrorSpec>, title: () => string) {
  let html: string | undefined;
  let json: CatalogEntry[] | undefined;
  return (ctx: RequestContext): Reply => {
    const type = new Negotiator({ headers: { accept: ctx.headers.accept ?? 'text/html' } }).mediaType(['text/html', 'application/json']);
    json ??= catalogEntries(errors.entries());
    // The Content-Type is set here: the reply would otherwise take the first media type of the 200 (text/html).
    if (type === 'application/json') return { status: 200, body: json, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' } };
    html ??= renderCatalogPage(title(), json);
    return { status: 200, body: html, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' } };
  };
}

/** The catalogue as a self-contained HTML page (no script, no external resource). */
function renderCatalogPage(title: string, entries: CatalogEntry[]): string {
  const rows = entries
    .map(
      (e) =>
        `<section id="${catalogAnchor(e.code)}"><h2><a href="#${catalogAnchor(e.code)}">${escape(e.code)}</a> <small>${e.status}</small></h2>` +
        `<p><strong>${escape(e.title)}.</strong>${e.means ? ' ' + inline(e.means) : ''}</p>` +
        (e.do ? `<p><em>What to do:</em> ${inline(e.do)}</p>` : '') +
        '</section>',
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} — error catalogue</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}h2{font-size:1.05rem;font-family:ui-monospace,monospace;margin-bottom:.2rem}small{color:#666}section{border-top:1px solid #ddd;padding:.4rem 0}section:target{background:#fff8d6}code{background:#f3f3f3;padding:0 .2rem}</style>
</head><body>
<h1>${escape(title)} — error catalogue</h1>
<p>Every error is answered as <code>application/problem+json</code> (RFC 9457). Its <code>code</code> is stable; its <code>type</code> links here.</p>
${rows}
</body></html>
`;
}

/** ERRORS.md: the core registry, then one table per built-in plugin that registers codes (`npm run errors:doc`). */
export function renderErrorsMarkdown(intro: string, plugins: { name: string; entries: CatalogEntry[] }[] = []): string {
  const table = (entries: CatalogEntry[]) =>
    `| code | status | means | what to do |\n| --- | --- | --- | --- |\n${entries.map((e) => `| \`${e.code}\` | ${e.status} | ${e.means ?? e.title} | ${e.do ?? ''} |`).join('\n')}\n`;
  const core = catalogEntries(Object.entries(CORE_ERRORS));
  const sections = plugins
    .filter((p) => p.entries.length)
    .map((p) => `\n### Plugin \`${p.name}\`\n\n${table(p.entries)}`)
    .join('');
  const none = plugins.some((p) => p.entries.length) ? '' : '\nNo built-in plugin registers codes of its own yet.\n';
  return `${intro.trimEnd()}\n\n### Core\n\n${table(core)}${sections}${none}`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Escapes, then renders `code` spans as in Markdown. */
function inline(text: string): string {
  return escape(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}
