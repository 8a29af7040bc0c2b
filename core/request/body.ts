import type { IncomingMessage } from 'node:http';
import type { RequestContext } from './context.js';
import type { CompiledOperation } from './operation.js';
import { coreError, type BurrowError } from '../errors/burrow-error.js';
import { mediaTypeOf, matchesMediaType, isJsonMediaType } from './media-type.js';
import { parseFormBody } from './form-body.js';

/**
 * Reads and parses the request body for an operation, enforcing the contract's
 * media types (415) and the size limit (413, once the oversized body has been
 * drained: see {@link DRAIN_FLOOR}), and translating parse failures
 * (400) at this one boundary. Returns `undefined` when there is nothing to wait
 * for (no body), so the common GET pays no promise.
 */
export function readBody(ctx: RequestContext, op: CompiledOperation, limit: number, timeout: number): Promise<void> | undefined {
  const { req } = ctx;
  const length = req.headers['content-length'];
  const hasBody = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return undefined;

  const mediaType = mediaTypeOf(req.headers['content-type']);
  if (!op.body) {
    throw coreError('BURROW_ERR_REQUEST_BODY_UNEXPECTED', { operationId: op.id });
  }
  const matched = mediaType === undefined ? -1 : op.body.mediaTypes.findIndex((declared) => matchesMediaType(declared, mediaType));
  if (mediaType === undefined || matched === -1) {
    throw coreError(
      'BURROW_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE',
      { mediaType: mediaType ? `"${mediaType}"` : 'missing', operationId: op.id, accepted: op.body.mediaTypes.join(', ') },
      { headers: { 'accept-post': op.body.mediaTypes.join(', ') } },
    );
  }
  ctx.bodyContentKey = op.body.contentKeys[matched];
  // A host app's body parser (express.json()) may have consumed the stream already: take what it parsed.
  if ((req as { body?: unknown }).body !== undefined || req.readableEnded) {
    ctx.body = (req as { body?: unknown }).body;
    return undefined;
  }
  let draining = false;
  if (length !== undefined) {
    const declared = Number(length);
    // Too much to drain: answer at once and close (the client may see a reset instead of the answer).
    if (declared > drainCap(limit)) throw tooLarge(limit, true);
    draining = declared > limit;
  }
  return collect(ctx, limit, timeout, draining).then((raw) => {
    ctx.body = parse(raw, mediaType, op);
  });
}

/**
 * The floor of the drain cap: an oversized body is read (and discarded) up to
 * `max(DRAIN_FLOOR, 2 × bodyLimit)` bytes before the 413 is sent.
 *
 * Why drain at all: a server that answers and closes while the client is still
 * uploading resets the connection under it, and the client reports the reset
 * instead of the 413 (always for Python's http.client, which writes the whole
 * body before it reads; often for fetch from another process). So
 * the rest of an oversized body is read and thrown away, never buffered, and the
 * 413 is sent once it has all arrived, on a connection that stays open.
 *
 * Why a cap: draining costs bandwidth and a connection's time, not memory, but a
 * client sending gigabytes must not occupy the server for it. 8 MiB covers the
 * common mistake against the default 1 MiB limit (a file a few times too large);
 * twice the limit keeps that margin when an operator raises `bodyLimit` for
 * uploads. Past the cap (or `bodyTimeout`), the 413 is sent and the connection closed.
 */
export const DRAIN_FLOOR = 8 * 1024 * 1024;

/** How many bytes of a body over `limit` are drained before the connection is closed instead. */
export function drainCap(limit: number): number {
  return Math.max(DRAIN_FLOOR, 2 * limit);
}

/** The 413; `close` when the body was not read to its end, so the connection cannot serve another request. */
function tooLarge(limit: number, close: boolean): BurrowError {
  return coreError('BURROW_ERR_REQUEST_BODY_TOO_LARGE', { limit }, close ? { headers: { connection: 'close' } } : undefined);
}

/** What one body collection needs; kept on the request so the listeners are made once, not per request. */
interface Collection {
  ctx: RequestContext;
  chunks: Buffer[];
  size: number;
  limit: number;
  /** Over the limit (declared so, or counted): chunks are counted and dropped, up to `cap` bytes in all. */
  draining: boolean;
  cap: number;
  timeout: number;
  timer: NodeJS.Timeout;
  resolve(raw: Buffer): void;
  reject(error: BurrowError): void;
}

const COLLECTION = Symbol('burrow.collection');
type CollectingRequest = IncomingMessage & { [COLLECTION]?: Collection };

/**
 * Reads the body; or, `draining` (its declared length is over the limit), reads and
 * discards it to answer 413 once it has arrived. A chunked body starts to drain when
 * its running total passes the limit.
 */
function collect(ctx: RequestContext, limit: number, timeout: number, draining: boolean): Promise<Buffer> {
  const req = ctx.req as CollectingRequest;
  return new Promise((resolve, reject) => {
    // A client that stops sending mid-body must not hold the request (and its memory) forever.
    const timer = setTimeout(onTimeout, timeout, req);
    req[COLLECTION] = { ctx, chunks: [], size: 0, limit, draining, cap: drainCap(limit), timeout, timer, resolve, reject };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function finish(req: CollectingRequest): Collection {
  const collection = req[COLLECTION]!;
  req[COLLECTION] = undefined;
  clearTimeout(collection.timer);
  req.off('data', onData);
  req.off('end', onEnd);
  req.off('error', onError);
  return collection;
}

function onData(this: CollectingRequest, chunk: Buffer): void {
  const collection = this[COLLECTION]!;
  collection.size += chunk.length;
  if (!collection.draining) {
    if (collection.size <= collection.limit) {
      collection.chunks.push(chunk);
      return;
    }
    // Past the limit: from here on, bytes are counted and dropped.
    collection.draining = true;
    collection.chunks.length = 0;
  }
  if (collection.size > collection.cap) {
    // Stop reading (the socket is paused by backpressure) and close once answered.
    finish(this);
    this.pause();
    collection.reject(tooLarge(collection.limit, true));
  }
}

function onEnd(this: CollectingRequest): void {
  const { chunks, size, draining, limit, resolve, reject } = finish(this);
  // Drained to its end: the connection can serve the next request.
  if (draining) reject(tooLarge(limit, false));
  else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
}

function onError(this: CollectingRequest, error: Error): void {
  finish(this).reject(coreError('BURROW_ERR_REQUEST_BODY_UNREADABLE', {}, { cause: error }));
}

function onTimeout(req: CollectingRequest): void {
  if (!req[COLLECTION]) return;
  const { timeout, draining, limit, reject } = finish(req);
  if (draining) {
    // The body was too large anyway: say so, and close rather than wait for the rest.
    req.pause();
    reject(tooLarge(limit, true));
    return;
  }
  req.resume();
  reject(coreError('BURROW_ERR_REQUEST_TIMEOUT', { timeout }, { headers: { connection: 'close' } }));
}

function parse(raw: Buffer, mediaType: string, op: CompiledOperation): unknown {
  if (isJsonMediaType(mediaType)) {
    if (raw.length === 0) return undefined;
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch (error) {
      throw coreError('BURROW_ERR_REQUEST_MALFORMED_BODY', { format: 'JSON', reason: (error as Error).message });
    }
  }
  if (mediaType === 'application/x-www-form-urlencoded') return parseFormBody(raw, op);
  if (mediaType.startsWith('text/')) return raw.toString('utf8');
  return raw;
}
