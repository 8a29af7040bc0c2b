import type { IncomingMessage } from 'node:http';
import type { RequestContext } from './context.js';
import type { CompiledOperation } from './operation.js';
import type { BodyContent } from './content.js';
import { coreError, type BurrowError } from '../errors/burrow-error.js';
import { bodyKindOf, contentTypeOf, rangeMatches, type BodyKind, type MediaRange } from './media-type.js';
import { parseFormBody } from './form-body.js';
import { createMultipartReader, type ResolvedMultipartOptions } from './multipart.js';

/**
 * Reads and parses the request body for an operation, enforcing the contract's
 * media types (415) and the size limit (413, once the oversized body has been
 * drained: see {@link DRAIN_FLOOR}), and translating parse failures
 * (400) at this one boundary. Returns `undefined` when there is nothing to wait
 * for (no body), so the common GET pays no promise.
 *
 * The body is read under the most specific content key its media type matches, and
 * parsed as its media type says: JSON (`+json` types included), a form, multipart
 * (see `multipart.ts`), text as a string, anything else — or a schema that describes
 * bytes, or a content key marked `x-burrow-raw-body` — as a Buffer.
 */
export function readBody(
  ctx: RequestContext,
  op: CompiledOperation,
  limit: number,
  timeout: number,
  multipart: ResolvedMultipartOptions,
): Promise<void> | undefined {
  const { req } = ctx;
  const length = req.headers['content-length'];
  const hasBody = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return undefined;

  if (!op.body) {
    throw coreError('BURROW_ERR_REQUEST_BODY_UNEXPECTED', { operationId: op.id });
  }
  const header = req.headers['content-type'];
  const type = contentTypeOf(header);
  const content = type && matchContent(op.body.contents, type);
  if (!content) {
    const accepted = op.body.contentKeys.join(', ');
    throw coreError(
      'BURROW_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE',
      { mediaType: header ? JSON.stringify(type ? describe(type) : header.trim().slice(0, 100)) : 'missing', operationId: op.id, accepted },
      { headers: { 'accept-post': accepted } },
    );
  }
  ctx.bodyContentKey = content.key;
  // A host app's body parser (express.json()) may have consumed the stream already: take what it parsed.
  if ((req as { body?: unknown }).body !== undefined || req.readableEnded) {
    const taken = (req as { body?: unknown }).body;
    // A raw body stays bytes (unvalidated) even when the host parsed it: re-encoded as the JSON it was.
    ctx.body = content.raw && taken !== undefined && !Buffer.isBuffer(taken) && typeof taken !== 'string' ? Buffer.from(JSON.stringify(taken)) : taken;
    return undefined;
  }
  const kind: BodyKind = content.bytes ? 'bytes' : bodyKindOf(type);
  const max = kind === 'multipart' ? multipart.limit : limit;
  let draining = false;
  if (length !== undefined) {
    const declared = Number(length);
    // Too much to drain: answer at once and close (the client may see a reset instead of the answer).
    if (declared > drainCap(max)) throw tooLarge(max, true);
    draining = declared > max;
  }
  if (kind === 'multipart') {
    const reader = createMultipartReader(ctx, content.multipart, multipart, (error) => failCollection(req, error));
    return reader.body(collect(ctx, max, timeout, draining, reader.sink)).then((body) => {
      ctx.body = body;
    });
  }
  return collect(ctx, max, timeout, draining).then((raw) => {
    ctx.rawBody = raw;
    ctx.body = parse(raw!, type, kind, content);
  });
}

/**
 * The content key a request body falls under: the first, most specific first, whose
 * range and parameters match its media type ("For requests that match multiple keys,
 * only the most specific key is applicable. e.g. text/plain overrides text/*").
 */
export function matchContent(contents: readonly BodyContent[], type: MediaRange): BodyContent | undefined {
  for (const content of contents) if (rangeMatches(content.range, type)) return content;
  return undefined;
}

/** A media type as the 415 detail quotes it: its essence and parameters. */
function describe(type: MediaRange): string {
  let text = type.essence;
  for (const name in type.params) text += `; ${name}=${type.params[name]}`;
  return text;
}

/**
 * Where the bytes of a body go when they are not buffered whole (a multipart body,
 * parsed as it arrives). `write` returning false pauses the request until `onDrain`.
 */
export interface BodySink {
  write(chunk: Buffer): boolean;
  onDrain(resume: () => void): void;
  /** The body has arrived whole. */
  end(): void;
  /** Reading the body failed (too large, too slow, the connection broke): release everything. */
  abort(error: BurrowError): void;
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
  /** Where the chunks go instead of `chunks`, while the body is not draining. */
  sink: BodySink | undefined;
  /** Why the rest of the body is being drained, when not for its size (a sink that failed). */
  failure: BurrowError | undefined;
  chunks: Buffer[];
  size: number;
  limit: number;
  /** Over the limit (declared so, or counted): chunks are counted and dropped, up to `cap` bytes in all. */
  draining: boolean;
  cap: number;
  timeout: number;
  timer: NodeJS.Timeout;
  resolve(raw: Buffer | undefined): void;
  reject(error: BurrowError): void;
}

const COLLECTION = Symbol('burrow.collection');
type CollectingRequest = IncomingMessage & { [COLLECTION]?: Collection };

/**
 * Reads the body; or, `draining` (its declared length is over the limit), reads and
 * discards it to answer 413 once it has arrived. A chunked body starts to drain when
 * its running total passes the limit.
 */
function collect(ctx: RequestContext, limit: number, timeout: number, draining: boolean, sink?: BodySink): Promise<Buffer | undefined> {
  const req = ctx.req as CollectingRequest;
  return new Promise((resolve, reject) => {
    // A client that stops sending mid-body must not hold the request (and its memory) forever.
    const timer = setTimeout(onTimeout, timeout, req);
    req[COLLECTION] = { ctx, sink, failure: undefined, chunks: [], size: 0, limit, draining, cap: drainCap(limit), timeout, timer, resolve, reject };
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
      const { sink } = collection;
      if (!sink) collection.chunks.push(chunk);
      // (A sink that failed on this chunk is detached already: the body drains, unpaused.)
      else if (!sink.write(chunk) && collection.sink === sink) {
        this.pause();
        sink.onDrain(() => this[COLLECTION] === collection && !collection.draining && this.resume());
      }
      return;
    }
    // Past the limit: from here on, bytes are counted and dropped.
    collection.draining = true;
    collection.chunks.length = 0;
    collection.sink?.abort(tooLarge(collection.limit, false));
    collection.sink = undefined;
  }
  if (collection.size > collection.cap) {
    // Stop reading (the socket is paused by backpressure) and close once answered.
    finish(this);
    this.pause();
    collection.reject(tooLarge(collection.limit, true));
  }
}

function onEnd(this: CollectingRequest): void {
  const { chunks, size, draining, failure, sink, limit, resolve, reject } = finish(this);
  // Drained to its end: the connection can serve the next request.
  if (failure) reject(failure);
  else if (draining) reject(tooLarge(limit, false));
  else if (sink) {
    sink.end();
    resolve(undefined);
  } else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
}

function onError(this: CollectingRequest, error: Error): void {
  const collection = finish(this);
  const failure = coreError('BURROW_ERR_REQUEST_BODY_UNREADABLE', {}, { cause: error });
  collection.sink?.abort(failure);
  collection.reject(failure);
}

/**
 * Stops feeding a body to its sink, which failed (a malformed multipart body, a part too
 * large): the rest is drained, and the collection fails with `error` once it has arrived.
 * Returns false when the body is no longer being collected.
 */
export function failCollection(req: IncomingMessage, error: BurrowError): boolean {
  const collection = (req as CollectingRequest)[COLLECTION];
  if (!collection) return false;
  collection.failure ??= error;
  collection.draining = true;
  collection.chunks.length = 0;
  collection.sink = undefined;
  // It may have been paused for a sink that was not keeping up.
  req.resume();
  return true;
}

function onTimeout(req: CollectingRequest): void {
  if (!req[COLLECTION]) return;
  const { timeout, draining, failure, sink, limit, reject } = finish(req);
  if (draining && !failure) {
    // The body was too large anyway: say so, and close rather than wait for the rest.
    req.pause();
    reject(tooLarge(limit, true));
    return;
  }
  req.resume();
  const error = coreError('BURROW_ERR_REQUEST_TIMEOUT', { timeout }, { headers: { connection: 'close' } });
  sink?.abort(error);
  reject(error);
}

function parse(raw: Buffer, type: MediaRange, kind: BodyKind, content: BodyContent): unknown {
  switch (kind) {
    case 'json':
      if (raw.length === 0) return undefined;
      try {
        return JSON.parse(raw.toString('utf8'));
      } catch (error) {
        throw coreError('BURROW_ERR_REQUEST_MALFORMED_BODY', { format: 'JSON', reason: (error as Error).message });
      }
    case 'form':
      return parseFormBody(raw, content.form);
    case 'text':
      return decodeText(raw, type.params.charset);
    default:
      return raw;
  }
}

const decoders = new Map<string, TextDecoder | null>();

/** Text in its declared charset (UTF-8 when it names none, or one Node does not know). */
function decodeText(raw: Buffer, charset: string | undefined): string {
  if (charset === undefined || charset === 'utf-8' || charset === 'utf8' || charset === 'us-ascii') return raw.toString('utf8');
  let decoder = decoders.get(charset);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(charset);
    } catch {
      decoder = null;
    }
    if (decoders.size < 64) decoders.set(charset, decoder);
  }
  return decoder ? decoder.decode(raw) : raw.toString('utf8');
}
