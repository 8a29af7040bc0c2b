import type { IncomingMessage } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import type { RequestContext } from './context.js';
import type { CompiledOperation } from './operation.js';
import { coreError, type BurrowError } from '../errors/burrow-error.js';
import { mediaTypeOf, matchesMediaType, isJsonMediaType } from './media-type.js';

/**
 * Reads and parses the request body for an operation, enforcing the contract's
 * media types (415) and the size limit (413), and translating parse failures
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
  if (!mediaType || !op.body.mediaTypes.some((declared) => matchesMediaType(declared, mediaType))) {
    throw coreError(
      'BURROW_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE',
      { mediaType: mediaType ? `"${mediaType}"` : 'missing', operationId: op.id, accepted: op.body.mediaTypes.join(', ') },
      { headers: { 'accept-post': op.body.mediaTypes.join(', ') } },
    );
  }
  // A host app's body parser (express.json()) may have consumed the stream already: take what it parsed.
  if ((req as { body?: unknown }).body !== undefined || req.readableEnded) {
    ctx.body = (req as { body?: unknown }).body;
    return undefined;
  }
  if (length !== undefined && Number(length) > limit) throw tooLarge(limit, ctx);
  return collect(ctx, limit, timeout).then((raw) => {
    ctx.body = parse(raw, mediaType);
  });
}

function tooLarge(limit: number, ctx: RequestContext): BurrowError {
  // Stop reading, but drain what the client still sends so it can read the answer.
  ctx.req.resume();
  return coreError('BURROW_ERR_REQUEST_BODY_TOO_LARGE', { limit }, { headers: { connection: 'close' } });
}

/** What one body collection needs; kept on the request so the listeners are made once, not per request. */
interface Collection {
  ctx: RequestContext;
  chunks: Buffer[];
  size: number;
  limit: number;
  timeout: number;
  timer: NodeJS.Timeout;
  resolve(raw: Buffer): void;
  reject(error: BurrowError): void;
}

const COLLECTION = Symbol('burrow.collection');
type CollectingRequest = IncomingMessage & { [COLLECTION]?: Collection };

function collect(ctx: RequestContext, limit: number, timeout: number): Promise<Buffer> {
  const req = ctx.req as CollectingRequest;
  return new Promise((resolve, reject) => {
    // A client that stops sending mid-body must not hold the request (and its memory) forever.
    const timer = setTimeout(onTimeout, timeout, req);
    req[COLLECTION] = { ctx, chunks: [], size: 0, limit, timeout, timer, resolve, reject };
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
  if (collection.size > collection.limit) {
    finish(this);
    collection.reject(tooLarge(collection.limit, collection.ctx));
    return;
  }
  collection.chunks.push(chunk);
}

function onEnd(this: CollectingRequest): void {
  const { chunks, size, resolve } = finish(this);
  resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
}

function onError(this: CollectingRequest, error: Error): void {
  finish(this).reject(coreError('BURROW_ERR_REQUEST_BODY_UNREADABLE', {}, { cause: error }));
}

function onTimeout(req: CollectingRequest): void {
  if (!req[COLLECTION]) return;
  const { timeout, reject } = finish(req);
  req.resume();
  reject(coreError('BURROW_ERR_REQUEST_TIMEOUT', { timeout }, { headers: { connection: 'close' } }));
}

function parse(raw: Buffer, mediaType: string): unknown {
  if (isJsonMediaType(mediaType)) {
    if (raw.length === 0) return undefined;
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch (error) {
      throw coreError('BURROW_ERR_REQUEST_MALFORMED_BODY', { format: 'JSON', reason: (error as Error).message });
    }
  }
  if (mediaType === 'application/x-www-form-urlencoded') return { ...parseQueryString(raw.toString('utf8')) };
  if (mediaType.startsWith('text/')) return raw.toString('utf8');
  return raw;
}
