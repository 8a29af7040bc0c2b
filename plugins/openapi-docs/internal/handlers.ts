import { stringify } from 'yaml';
import type { Kernel, OpenApiDocument, Reply, RequestContext } from 'burrowjs';
import { BoundedCache, declaresServers, mountServerUrl, withServer } from './servers.js';
import { PAGE_CACHE, type DocsAsset } from './swagger-ui.js';

/** How many mount paths the served documents are kept for (each holds the JSON copy and, once asked for, the YAML). */
const MOUNT_CACHE_SIZE = 8;

interface ServedDocument {
  json: OpenApiDocument;
  yaml?: string;
}

/**
 * Serves the composed document: read from the kernel on first use (it exists only
 * after boot). When the contract declares no `servers`, the document served names
 * the path the kernel is mounted at (`servers: [{ url: '/api/v1' }]`), so that
 * Swagger UI's *Try it out* sends requests where the API is; one copy per mount path,
 * in a small bounded cache. Servers the contract declares are served as they are.
 */
export function createSpecHandlers(kernel: Kernel) {
  const served = new BoundedCache<string, ServedDocument>(MOUNT_CACHE_SIZE);
  const documentFor = (ctx: RequestContext): ServedDocument => {
    const document = kernel.document;
    const url = declaresServers(document) ? undefined : mountServerUrl(ctx);
    // Server URLs start with `/`: the empty key is the document as composed.
    return served.get(url ?? '', () => ({ json: url === undefined ? document : withServer(document, url) }));
  };
  return {
    json: (ctx: RequestContext): Reply => ({ status: 200, body: documentFor(ctx).json, headers: { 'cache-control': 'no-cache' } }),
    yaml: (ctx: RequestContext): Reply => {
      const entry = documentFor(ctx);
      // No anchors and aliases: a schema used twice is written twice, as every OpenAPI tool expects.
      entry.yaml ??= stringify(entry.json, { aliasDuplicateObjects: false });
      return { status: 200, body: entry.yaml, headers: { 'content-type': 'application/yaml; charset=utf-8', 'cache-control': 'no-cache' } };
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
