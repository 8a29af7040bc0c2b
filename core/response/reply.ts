import type { RequestContext } from '../request/context.js';
import type { CompiledOperation } from '../request/operation.js';
import { coreError, isBurrowError, type BurrowError, type ValidationIssue } from '../errors/burrow-error.js';
import { toProblem } from '../errors/problem.js';
import { toIssue } from '../validation/issues.js';
import { isJsonMediaType } from '../request/media-type.js';
import { errorFields } from '../kernel/logger.js';

/** What a handler returns: a declared status, its body, and optional headers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** How responses are checked against the contract. */
export interface ResponseValidationOptions {
  /** Share of responses checked, 0..1. Default: 1 in development and test, 0.05 in production. */
  rate: number;
  /** `reject` answers a violation with a 500; `log` logs it and sends the response. Default: `reject`, `log` in production. */
  onViolation: 'reject' | 'log';
}

/** Finds the declared response key for a status: exact, then `4XX`, then `default`. */
export function declaredStatusKey(op: CompiledOperation, status: number): string | undefined {
  const exact = String(status);
  if (op.responses.has(exact)) return exact;
  const range = `${exact[0]}XX`;
  if (op.responses.has(range)) return range;
  return op.responses.has('default') ? 'default' : undefined;
}

/**
 * Checks a reply against the operation's declared responses and returns the
 * problems found (empty when it conforms).
 */
export function checkReply(op: CompiledOperation, reply: Reply): ValidationIssue[] {
  const key = declaredStatusKey(op, reply.status);
  if (key === undefined) {
    return [{ in: 'response', pointer: '', message: `status ${reply.status} is not declared for ${op.id}` }];
  }
  const mediaType = op.responses.get(key);
  if (mediaType === undefined) {
    return reply.body === undefined || reply.body === null ? [] : [{ in: 'response', pointer: '', message: `status ${key} of ${op.id} declares no body` }];
  }
  if (!isJsonMediaType(mediaType)) return [];
  const validate = op.responseValidators()[key];
  if (!validate || validate(reply.body)) return [];
  return validate.errors!.map((e) => ({ ...toIssue({ ...e, instancePath: '/requestBody' + e.instancePath }), in: 'response' as const }));
}

/** Sends a reply; the body is serialised after the declared media type of its status. */
export function sendReply(ctx: RequestContext, op: CompiledOperation, reply: Reply): void {
  const { res } = ctx;
  const key = declaredStatusKey(op, reply.status);
  const mediaType = (key && op.responses.get(key)) || 'application/json';
  res.statusCode = reply.status;
  if (reply.headers) for (const name in reply.headers) res.setHeader(name, reply.headers[name]);
  ctx.response = { status: reply.status, headers: reply.headers ?? {}, body: reply.body };
  if (reply.body === undefined || reply.status === 204 || reply.status === 304) {
    res.end();
    return;
  }
  let payload: string | Buffer;
  if (Buffer.isBuffer(reply.body)) payload = reply.body;
  else if (typeof reply.body === 'string' && !isJsonMediaType(mediaType)) payload = reply.body;
  else payload = JSON.stringify(reply.body);
  if (!reply.headers || !res.hasHeader('content-type')) res.setHeader('content-type', contentTypeOf(mediaType));
  res.setHeader('content-length', typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length);
  res.end(payload);
}

const contentTypes = new Map<string, string>();
/** The Content-Type header of a media type (with a charset for text and JSON), computed once per type. */
function contentTypeOf(mediaType: string): string {
  let header = contentTypes.get(mediaType);
  if (header === undefined) {
    header = isJsonMediaType(mediaType) || mediaType.startsWith('text/') ? `${mediaType}; charset=utf-8` : mediaType;
    contentTypes.set(mediaType, header);
  }
  return header;
}

/**
 * Turns anything thrown into a problem+json response. A {@link BurrowError} keeps its
 * status and code; anything else becomes a 500 whose body reveals nothing, while
 * the log line keeps everything.
 */
export function toBurrowError(ctx: RequestContext, error: unknown): BurrowError {
  if (isBurrowError(error)) return error;
  ctx.log.error('unhandled error', { error: errorFields(error) });
  return coreError('BURROW_ERR_SERVER_INTERNAL', {}, { cause: error });
}

/** Sends the problem body of an error. */
export function sendProblem(ctx: RequestContext, error: BurrowError, typeBase?: string): void {
  const { res } = ctx;
  ctx.error = error;
  if (res.headersSent) {
    res.destroy(error);
    return;
  }
  const payload = JSON.stringify(toProblem(error, ctx.instance, ctx.id, typeBase));
  res.statusCode = error.status;
  if (error.headers) for (const name in error.headers) res.setHeader(name, error.headers[name]);
  res.setHeader('content-type', 'application/problem+json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(payload));
  ctx.response = { status: error.status, headers: error.headers ?? {}, body: undefined };
  res.end(payload);
}
