import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { RequestContext } from '../request/context.js';
import type { CompiledOperation } from '../request/operation.js';
import { coreError, isBurrowError, type BurrowError, type ValidationIssue } from '../errors/burrow-error.js';
import { toProblem } from '../errors/problem.js';
import { toIssue } from '../validation/issues.js';
import { compareSpecificity, contentTypeHeader, contentTypeOf, rangeMatches, type MediaRange } from '../request/media-type.js';
import { chooseReplyMediaType, sendsJson } from '../request/negotiate.js';
import type { ResponseContent } from '../request/content.js';
import { errorFields } from '../kernel/logger.js';
import type { SendHook } from '../plugin/hooks.js';

const NO_HOOKS: readonly SendHook[] = [];

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

/** Where a reply's media type comes from: the request's `Accept`, and a `content-type` the handler set on the response. */
export interface ReplyRequest {
  headers: IncomingHttpHeaders;
  res?: ServerResponse;
}

/**
 * Checks a reply against the operation's declared responses and returns the
 * problems found (empty when it conforms). The body is checked against the schema of
 * the content key it is sent under: the one its `content-type` falls under when the
 * handler set one, else the one `Accept` and the declared keys agree on (see
 * {@link chooseReplyMediaType}) — JSON (and `+json`) values, and strings where the
 * schema describes a string; bytes are not checked.
 */
export function checkReply(op: CompiledOperation, reply: Reply, request?: ReplyRequest): ValidationIssue[] {
  const key = declaredStatusKey(op, reply.status);
  if (key === undefined) {
    return [{ in: 'response', pointer: '', message: `status ${reply.status} is not declared for ${op.id}` }];
  }
  const contents = op.responses.get(key)!;
  if (contents.length === 0) {
    return reply.body === undefined || reply.body === null ? [] : [{ in: 'response', pointer: '', message: `status ${key} of ${op.id} declares no body` }];
  }
  const explicit = contentTypeSet(reply, request?.res);
  let content: ResponseContent | undefined;
  let type: MediaRange | undefined;
  if (explicit !== undefined) {
    type = contentTypeOf(explicit);
    content = type && mostSpecific(contents, type);
    if (!content) {
      const declared = contents.map((c) => c.key).join(', ');
      return [{ in: 'response', pointer: '', message: `content-type ${explicit} is not declared for status ${key} of ${op.id} (declared: ${declared})` }];
    }
  } else {
    ({ key: content, type } = chooseReplyMediaType(contents, request?.headers.accept, reply.body));
    if (!type) {
      return [{ in: 'response', pointer: '', message: `status ${key} of ${op.id} declares the range ${content.key}: set a content-type header naming the media type sent` }];
    }
  }
  const body = reply.body;
  if (Buffer.isBuffer(body) || isStream(body)) return [];
  const json = sendsJson(type);
  if (!json && !(typeof body === 'string' && content.checksText)) return [];
  const validate = op.responseValidators()[key]?.[content.key];
  if (!validate || validate(body)) return [];
  return validate.errors!.map((e) => ({ ...toIssue({ ...e, instancePath: '/requestBody' + e.instancePath }), in: 'response' as const }));
}

/** The declared content key a media type falls under: the most specific that matches it. */
function mostSpecific(contents: readonly ResponseContent[], type: MediaRange): ResponseContent | undefined {
  let best: ResponseContent | undefined;
  for (const content of contents) {
    if (!rangeMatches(content.range, type)) continue;
    if (!best || compareSpecificity(content.range, best.range) < 0) best = content;
  }
  return best;
}

/** The `content-type` the handler chose: in its reply's headers, or set on the response. */
function contentTypeSet(reply: Reply, res: ServerResponse | undefined): string | undefined {
  if (reply.headers) for (const name in reply.headers) if (name.toLowerCase() === 'content-type') return reply.headers[name];
  const set = res?.getHeader('content-type');
  return set === undefined ? undefined : String(set);
}

function isStream(value: unknown): boolean {
  return value !== null && typeof value === 'object' && typeof (value as { pipe?: unknown }).pipe === 'function';
}

const JSON_HEADER = 'application/json; charset=utf-8';

/**
 * Sends a reply. Its media type is the `content-type` the handler set, else the one its
 * status declares that `Accept` prefers (a range such as `*\/*` narrowed to a type the
 * client accepts); a JSON type is sent as `JSON.stringify(body)`, a string under any
 * other type as it is, bytes as they are.
 */
export function sendReply(ctx: RequestContext, op: CompiledOperation, reply: Reply, onSend: readonly SendHook[] = NO_HOOKS): void {
  const { res } = ctx;
  res.statusCode = reply.status;
  if (reply.headers) for (const name in reply.headers) res.setHeader(name, reply.headers[name]);
  ctx.response = { status: reply.status, headers: reply.headers ?? {}, body: reply.body };
  if (reply.body === undefined || reply.status === 204 || reply.status === 304) {
    if (onSend.length) for (const hook of onSend) hook(ctx, undefined);
    res.end();
    return;
  }
  const set = res.getHeader('content-type');
  let json: boolean;
  if (set !== undefined) json = sendsJson(contentTypeOf(String(set)));
  else {
    const key = declaredStatusKey(op, reply.status);
    const contents = key === undefined ? undefined : op.responses.get(key);
    let header = JSON_HEADER;
    json = true;
    if (contents?.length) {
      const { key: content, type } = chooseReplyMediaType(contents, ctx.headers.accept, reply.body);
      json = sendsJson(type);
      header = type === content.range ? content.header : type ? contentTypeHeader(type) : 'application/octet-stream';
    }
    res.setHeader('content-type', header);
  }
  let payload: string | Buffer;
  if (Buffer.isBuffer(reply.body)) payload = reply.body;
  else if (typeof reply.body === 'string' && !json) payload = reply.body;
  else payload = JSON.stringify(reply.body);
  res.setHeader('content-length', typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length);
  if (onSend.length) for (const hook of onSend) hook(ctx, payload);
  res.end(payload);
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
export function sendProblem(ctx: RequestContext, error: BurrowError, typeBase?: string, onSend: readonly SendHook[] = NO_HOOKS): void {
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
  if (onSend.length) {
    // A send hook that throws must not leave the request unanswered: it is logged, the problem sent.
    try {
      for (const hook of onSend) hook(ctx, payload);
    } catch (hookError) {
      ctx.log.error('onSend hook failed', { error: errorFields(hookError) });
    }
  }
  res.end(payload);
}
