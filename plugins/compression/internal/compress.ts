/**
 * The `onSend` hook. Compressing is the `compression` package's middleware on node's
 * req/res: it patches `res.write`/`res.end`, decides when the headers are written (the
 * type through our filter, `Cache-Control: no-transform`, an existing `Content-Encoding`,
 * HEAD, the threshold against `Content-Length`), and when it compresses it drops
 * `Content-Length` and streams through zlib with back-pressure. Burrow negotiates the
 * coding itself (its `encodings` and their order) and hands the middleware a view of the
 * request naming only that coding.
 *
 * The hook runs right before Burrow's single `res.end(payload)`, with the payload and its
 * `Content-Length` known: a response below the threshold only gets `Vary: Accept-Encoding`
 * (when the middleware would have added it); the middleware is attached only to a response
 * worth compressing. Patching every response's methods up front (the middleware's way, or
 * a lazy variant of it) changes the shape of each `ServerResponse` and measured ~30 µs per
 * request on the plugins bench; this costs a header lookup and a comparison.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { constants } from 'node:zlib';
import compressionMiddleware from 'compression';
import { appendVary, type RequestContext } from 'burrowjs';
import type { CompressionFilter, ResolvedCompressionOptions } from '../options.js';
import { encodingNegotiator } from './negotiate.js';

/** The view of the request the middleware reads: its method, the negotiated coding, and the request itself for filters. */
interface RequestView {
  method: string | undefined;
  headers: { 'accept-encoding': string };
  original: IncomingMessage;
}

type Middleware = (req: RequestView, res: ServerResponse, next: () => void) => void;

const noop = () => {};
const CACHE_SIZE = 256;
const EVENT_STREAM = /^\s*text\/event-stream\s*(;|$)/i;
const NO_TRANSFORM = /(?:^|,)\s*?no-transform\s*?(?:,|$)/i;

/**
 * The default filter: a type the mime database marks compressible (text, JSON, XML,
 * JavaScript, SVG…; not images, video, audio, archives, fonts already compressed).
 */
export const compressibleType: CompressionFilter = (req, res) => compressionMiddleware.filter(req as never, res as never);

/** {@link compressibleType}, remembered per `Content-Type` value (an app sends a handful). */
function cachedCompressibleType(): CompressionFilter {
  const types = new Map<string, boolean>();
  return (req, res) => {
    const type = res.getHeader('content-type');
    if (typeof type !== 'string') return compressibleType(req, res);
    let compressible = types.get(type);
    if (compressible === undefined) {
      compressible = compressibleType(req, res);
      if (types.size >= CACHE_SIZE) types.clear();
      types.set(type, compressible);
    }
    return compressible;
  };
}

/** Responses never compressed, whatever the filter says. */
function never(res: ServerResponse): boolean {
  const status = res.statusCode;
  if (status === 204 || status === 304 || (status >= 100 && status < 200)) return true;
  const type = res.getHeader('content-type');
  return typeof type === 'string' && EVENT_STREAM.test(type);
}

/** The hook of one plugin instance. */
export function compressionHook(options: ResolvedCompressionOptions) {
  const filter = options.filter ?? cachedCompressibleType();
  const consider = (req: IncomingMessage, res: ServerResponse) => !never(res) && filter(req, res);
  const middleware = compressionMiddleware({
    threshold: options.threshold,
    level: options.level,
    brotli: { params: { [constants.BROTLI_PARAM_QUALITY]: options.brotliQuality } },
    filter: (view, res) => consider((view as unknown as RequestView).original, res as unknown as ServerResponse),
  }) as unknown as Middleware;
  const negotiate = encodingNegotiator(options.encodings);
  const { threshold } = options;
  return (ctx: RequestContext, payload: string | Buffer | undefined): void => {
    const { req, res } = ctx;
    if (payload === undefined || res.headersSent) return;
    const declared = res.getHeader('content-length');
    const size = declared === undefined ? Buffer.byteLength(payload) : Number(declared);
    if (size < threshold) {
      vary(req, res, consider);
      return;
    }
    const accepted = req.headers['accept-encoding'];
    const encoding = negotiate(typeof accepted === 'string' ? accepted : undefined) ?? 'identity';
    if (encoding !== 'identity') count(ctx);
    attach(req, res, encoding, middleware);
  };
}

function attach(req: IncomingMessage, res: ServerResponse, encoding: string, middleware: Middleware): void {
  const view: RequestView = { method: req.method, headers: { 'accept-encoding': encoding }, original: req };
  middleware(view, res, noop);
}

type Write = (chunk?: unknown, ...rest: unknown[]) => unknown;
const sizeOf = (chunk: unknown) => (typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk instanceof Uint8Array ? chunk.byteLength : 0);

/**
 * Counts the bytes the middleware writes (the compressed body) into `ctx.bytesOut`, for
 * statistics: wraps `write`/`end` before the middleware patches them over, so these see
 * what leaves for the socket. Only on a response that may be compressed (the rest have
 * their `Content-Length`).
 */
function count(ctx: RequestContext): void {
  const res = ctx.res as unknown as { write: Write; end: Write };
  const { write, end } = res;
  let bytes = 0;
  res.write = function (this: unknown, chunk, ...rest) {
    bytes += sizeOf(chunk);
    return write.call(this, chunk, ...rest);
  };
  res.end = function (this: unknown, chunk, ...rest) {
    if (typeof chunk !== 'function') bytes += sizeOf(chunk);
    ctx.bytesOut = bytes;
    return end.call(this, chunk, ...rest);
  };
}

/** `Vary: Accept-Encoding` on a response the middleware would have considered (its type, no `no-transform`). */
function vary(req: IncomingMessage, res: ServerResponse, consider: (req: IncomingMessage, res: ServerResponse) => boolean): void {
  if (!consider(req, res)) return;
  const control = res.getHeader('cache-control');
  if (typeof control === 'string' && NO_TRANSFORM.test(control)) return;
  appendVary(res, 'Accept-Encoding');
}
