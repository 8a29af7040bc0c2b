import { stringify } from 'yaml';
import type { Kernel, Reply, RequestContext } from '../../../core/index.js';
import { PAGE_CACHE, type DocsAsset } from './swagger-ui.js';

/** Serves the composed document: read from the kernel on first use (it exists only after boot). */
export function createSpecHandlers(kernel: Kernel) {
  let yaml: string | undefined;
  return {
    json: (): Reply => ({ status: 200, body: kernel.document, headers: { 'cache-control': 'no-cache' } }),
    yaml: (): Reply => {
      // No anchors and aliases: a schema used twice is written twice, as every OpenAPI tool expects.
      yaml ??= stringify(kernel.document, { aliasDuplicateObjects: false });
      return { status: 200, body: yaml, headers: { 'content-type': 'application/yaml; charset=utf-8', 'cache-control': 'no-cache' } };
    },
  };
}

/** Serves Swagger UI: the page, the redirect to it, and its files. */
export function createUiHandlers(ui: { page: () => string; asset: (name: string) => DocsAsset | undefined; redirect: string }) {
  return {
    page: (ctx: RequestContext): Reply => {
      // The router maps `/docs` and `/docs/` to this operation. Only `/docs/` serves the page:
      // there, `./swagger-ui.css` resolves under the docs path, wherever the kernel is mounted.
      if (!ctx.path.endsWith('/')) return { status: 301, headers: { location: ui.redirect } };
      return { status: 200, body: ui.page(), headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': PAGE_CACHE } };
    },
    asset: (ctx: RequestContext): Reply => {
      // The contract's enum has already refused any other name.
      const asset = ui.asset(ctx.params.asset as string)!;
      const headers = { etag: asset.etag, 'cache-control': asset.cacheControl };
      if (matchesEtag(ctx.headers['if-none-match'], asset.etag)) return { status: 304, headers };
      return { status: 200, body: asset.body, headers: { ...headers, 'content-type': asset.contentType } };
    },
  };
}

/** `If-None-Match` compares weakly (RFC 9110 §13.1.2): `W/"x"` matches `"x"`. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
