import type { OpenApiDocument, RequestContext } from 'burrowjs';

/**
 * One path segment of a server URL: RFC 3986 `pchar`s only (no `/`, no `\`, no
 * `?`/`#`, `%` only as a valid escape). Empty segments are refused elsewhere, so
 * the URL can never start with `//` (a host of the client's choosing).
 */
const SEGMENT = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+$/;
/** `.` and `..`, also escaped: a browser resolves them away, so the URL would not name the mount path. */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/**
 * The path where the kernel is mounted, as a path-absolute server URL (`/api/v1`,
 * or `/` at the root), or `undefined` when it cannot be told safely.
 *
 * It is the part of the path the client sent (`ctx.instance`) before the path the
 * kernel routed (`ctx.path`): what Express's `app.use('/api/v1', …)` stripped, `''`
 * from node:http. Nothing else of the request is used (no `Host`, no
 * `X-Forwarded-*`): the URL stays relative to wherever the browser loaded the
 * document from.
 *
 * @example
 * mountServerUrl(ctx) // '/api/v1' for GET /api/v1/openapi.json under app.use('/api/v1', …)
 */
export function mountServerUrl(ctx: Pick<RequestContext, 'instance' | 'path'>): string | undefined {
  const { instance, path } = ctx;
  if (!instance.endsWith(path)) return undefined;
  const prefix = instance.slice(0, instance.length - path.length);
  if (prefix === '') return '/';
  if (!prefix.startsWith('/')) return undefined;
  const segments = prefix.slice(1).split('/');
  return segments.every((s) => SEGMENT.test(s) && !DOT_SEGMENT.test(s)) ? prefix : undefined;
}

/** True when the document declares at least one root server (an empty list declares none). */
export function declaresServers(document: OpenApiDocument): boolean {
  const servers = (document as { servers?: unknown }).servers;
  return Array.isArray(servers) && servers.length > 0;
}

/** A shallow copy of the document with `servers` set, placed after `info` as OpenAPI documents usually have it. */
export function withServer(document: OpenApiDocument, url: string): OpenApiDocument {
  const { openapi, info, ...rest } = document as OpenApiDocument & { servers?: unknown };
  delete rest.servers;
  return { openapi, info, servers: [{ url }], ...rest } as OpenApiDocument;
}

/**
 * A small map that forgets its least recently used entry beyond `max`. Keys come
 * from request paths (a mount with a parameter, or Express's case-insensitive
 * matching, gives several), so the number of entries must stay bounded.
 */
export class BoundedCache<K, V> {
  readonly #entries = new Map<K, V>();
  constructor(readonly max: number) {}

  get size(): number {
    return this.#entries.size;
  }

  /** The value of `key`, made with `make` when missing. */
  get(key: K, make: () => V): V {
    const found = this.#entries.get(key);
    if (found !== undefined) {
      // Most recently used last: the first key is the one to forget.
      this.#entries.delete(key);
      this.#entries.set(key, found);
      return found;
    }
    const value = make();
    this.#entries.set(key, value);
    if (this.#entries.size > this.max) this.#entries.delete(this.#entries.keys().next().value as K);
    return value;
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }
}
