import { parse as parseQueryString } from 'node:querystring';
import type { RequestContext } from './context.js';
import type { CompiledOperation } from './operation.js';
import { BurrowError } from './errors/burrow-error.js';
import { mediaTypeOf, matchesMediaType, isJsonMediaType } from './media-type.js';

/**
 * Reads and parses the request body for an operation, enforcing the contract's
 * media types (415) and the size limit (413), and translating parse failures
 * (400) at this one boundary.
 */
export async function readBody(ctx: RequestContext, op: CompiledOperation, limit: number, timeout: number): Promise<void> {
  const { req } = ctx;
  const length = req.headers['content-length'];
  const hasBody = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
  // A host app's body parser (express.json()) may have consumed the stream already.
  const preParsed = (req as { body?: unknown }).body !== undefined || req.readableEnded;
  if (!hasBody) return;

  const mediaType = mediaTypeOf(req.headers['content-type']);
  if (!op.body) {
    throw new BurrowError('BURROW_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE', { detail: `operation ${op.id} takes no request body` });
  }
  if (!mediaType || !op.body.mediaTypes.some((declared) => matchesMediaType(declared, mediaType))) {
    throw new BurrowError('BURROW_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE', {
      detail: `Content-Type ${mediaType ? `"${mediaType}"` : 'is missing'}; operation ${op.id} accepts ${op.body.mediaTypes.join(', ')}`,
      headers: { 'accept-post': op.body.mediaTypes.join(', ') },
    });
  }
  if (preParsed) {
    // Mounted behind a body parser of the host app: take what it parsed.
    ctx.body = (req as { body?: unknown }).body;
    return;
  }
  if (length !== undefined && Number(length) > limit) throw tooLarge(limit, ctx);
  const raw = await collect(ctx, limit, timeout);
  ctx.body = parse(raw, mediaType);
}

function tooLarge(limit: number, ctx: RequestContext): BurrowError {
  // Stop reading, but drain what the client still sends so it can read the answer.
  ctx.req.resume();
  return new BurrowError('BURROW_ERR_REQUEST_BODY_TOO_LARGE', {
    detail: `the body exceeds the limit of ${limit} bytes`,
    headers: { connection: 'close' },
  });
}

function collect(ctx: RequestContext, limit: number, timeout: number): Promise<Buffer> {
  const { req } = ctx;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // A client that stops sending mid-body must not hold the request (and its memory) forever.
    const timer = setTimeout(() => {
      cleanup();
      ctx.req.resume();
      reject(new BurrowError('BURROW_ERR_REQUEST_TIMEOUT', { detail: `the body did not arrive within ${timeout} ms`, headers: { connection: 'close' } }));
    }, timeout);
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(tooLarge(limit, ctx));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new BurrowError('BURROW_ERR_REQUEST_MALFORMED_BODY', { detail: 'the request body could not be read', cause: error }));
    };
    const cleanup = () => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function parse(raw: Buffer, mediaType: string): unknown {
  if (isJsonMediaType(mediaType)) {
    if (raw.length === 0) return undefined;
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch (error) {
      throw new BurrowError('BURROW_ERR_REQUEST_MALFORMED_BODY', {
        detail: `the body is not valid JSON: ${(error as Error).message}`,
      });
    }
  }
  if (mediaType === 'application/x-www-form-urlencoded') return { ...parseQueryString(raw.toString('utf8')) };
  if (mediaType.startsWith('text/')) return raw.toString('utf8');
  return raw;
}
