import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Request, Response } from 'express';
import swaggerUi from 'swagger-ui-express';

/** One file under the docs path, held in memory. */
export interface DocsAsset {
  body: Buffer;
  contentType: string;
  cacheControl: string;
  etag: string;
}

/** The files of swagger-ui-dist the page loads (the stylesheet, scripts, favicons, the OAuth2 redirect page). */
const DIST_FILES = [
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
  'oauth2-redirect.html',
  'oauth2-redirect.js',
] as const;

/** The script swagger-ui-express generates with the page: it starts Swagger UI with our options. */
export const INIT_SCRIPT = 'swagger-ui-init.js';

/** Every file served under the docs path, in the order of the contract's `asset` enum. */
export const ASSET_NAMES: readonly string[] = [...DIST_FILES, INIT_SCRIPT];

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
  '.html': 'text/html; charset=utf-8',
};

/** The media types of the assets, as the contract declares them. */
export const ASSET_MEDIA_TYPES = [...new Set(Object.values(CONTENT_TYPES).map((t) => t.split(';')[0]))];

// The dist files change only with the package version, but their URLs do not carry
// it: a short max-age with an ETag keeps an upgrade visible within the hour.
const DIST_CACHE = 'public, max-age=3600';
// The page and the init script depend on the plugin's options: always revalidate.
export const PAGE_CACHE = 'no-cache';

/**
 * Reads swagger-ui-dist's files into memory. swagger-ui-dist is resolved from
 * swagger-ui-express, so the files always match the version its HTML was written for.
 */
export async function readDistAssets(): Promise<Map<string, DocsAsset>> {
  const fromHere = createRequire(import.meta.url);
  const fromExpress = createRequire(fromHere.resolve('swagger-ui-express'));
  const dist = path.dirname(fromExpress.resolve('swagger-ui-dist/package.json'));
  const assets = new Map<string, DocsAsset>();
  for (const name of DIST_FILES) {
    let body = await readFile(path.join(dist, name));
    // The stylesheet names a source map that is not served: a browser with its
    // developer tools open would request an undeclared file and log a 400.
    if (name.endsWith('.css')) body = Buffer.from(body.toString('utf8').replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, ''));
    assets.set(name, toAsset(name, body, DIST_CACHE));
  }
  return assets;
}

/**
 * Renders the Swagger UI page and its init script with swagger-ui-express. The
 * page loads everything with relative URLs (`./swagger-ui.css`) and fetches the
 * document from `specUrl`, relative to the page, so it works wherever the kernel is
 * mounted.
 */
export function renderPage(options: { title: string; specUrl: string }): { html: string; init: DocsAsset } {
  const html = swaggerUi.generateHTML(undefined, {
    customSiteTitle: escapeHtml(options.title),
    customCss: '',
    swaggerUrl: options.specUrl,
    // Otherwise the page sends the document to validator.swagger.io for a badge.
    swaggerOptions: { validatorUrl: null },
  });
  return { html, init: toAsset(INIT_SCRIPT, Buffer.from(generatedInitScript()), PAGE_CACHE) };
}

/**
 * generateHTML() keeps the init script it generated in swagger-ui-express's module
 * state, and only its `serve` middleware hands it out: ask that middleware for it,
 * right after generating (synchronously, so no other page can be generated in between).
 */
function generatedInitScript(): string {
  let script: unknown;
  const request = { url: '/swagger-ui-init.js' } as Request;
  const response = {
    set: () => response,
    send: (body: unknown) => {
      script = body;
      return response;
    },
  } as unknown as Response;
  swaggerUi.serve[0](request, response, () => undefined);
  if (typeof script !== 'string' || !script.includes('SwaggerUIBundle')) {
    throw new Error('swagger-ui-express did not hand out swagger-ui-init.js: has its API changed?');
  }
  return script;
}

function toAsset(name: string, body: Buffer, cacheControl: string): DocsAsset {
  const contentType = CONTENT_TYPES[path.extname(name)];
  if (!contentType) throw new Error(`no content type known for ${name}`);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { body, contentType, cacheControl, etag };
}

function escapeHtml(text: string): string {
  // `$` too: swagger-ui-express inserts the title with String#replace, where `$&` and `$'` are patterns.
  return text.replace(/[&<>"'$]/g, (c) => `&#${c.charCodeAt(0)};`);
}
