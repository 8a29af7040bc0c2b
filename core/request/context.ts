import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'winston';
import proxyaddr from 'proxy-addr';
import type { CompiledOperation } from './operation.js';
import type { UploadedFile } from './multipart.js';

/**
 * Request-scoped state that plugins add. The core declares it empty; a plugin
 * extends it by declaration merging, and `ctx.state` is typed accordingly.
 *
 * @example
 * declare module 'burrowjs' {
 *   interface RequestState { session: { id: string } }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface RequestState {}

const NO_FIELDS: Readonly<Record<string, unknown>> = Object.freeze({});

/** What the handler answered, as the pipeline sends it. */
export interface SentResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * The context of one request, shared by every phase and the handler. Handlers see
 * a typed view of it (`HandlerContext`), hooks see this one.
 */
export class RequestContext {
  /** Request id: the incoming `X-Request-Id` when well-formed, else a new UUID. */
  readonly id: string;
  readonly method: string;
  /** The path relative to where the kernel is mounted, without the query string. */
  readonly path: string;
  /** The raw query string (without `?`), or `''`. */
  readonly rawQuery: string;
  /** Request headers (lower-case names); declared header parameters are coerced after validation. */
  headers: IncomingHttpHeaders;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** `process.hrtime.bigint()` when the request entered the kernel. */
  readonly startedAt: bigint;
  /** The operation, once routed. */
  operation: CompiledOperation | undefined = undefined;
  /** Path parameters: strings after routing, coerced to their schema types after validation. */
  params: Record<string, unknown> = {};
  query: Record<string, unknown> = {};
  cookies: Record<string, string | undefined> = {};
  body: unknown = undefined;
  /**
   * The bytes of a buffered request body as they arrived, before parsing and
   * validation (for checks over the exact bytes: a signed body digest, a webhook
   * signature). Undefined without a body, and for multipart bodies (streamed).
   */
  rawBody: Buffer | undefined = undefined;
  /** The content key of the contract the request body matched (`application/json`), once read. */
  bodyContentKey: string | undefined = undefined;
  /** The file parts of a `multipart/form-data` body, in the order they arrived (their bytes are in `body`). */
  files: UploadedFile[] | undefined = undefined;
  /** The principal of the first security scheme that authenticated the request. */
  principal: unknown = undefined;
  /** Principals by security scheme name, for requirements that AND several schemes. */
  auth: Record<string, unknown> = {};
  /** State added by plugins (typed by declaration merging on {@link RequestState}). */
  state = {} as RequestState;
  /** The response, once the handler answered (available to onResponse hooks). */
  response: SentResponse | undefined = undefined;
  /** The error answered, if any (available to onResponse hooks). */
  error: Error | undefined = undefined;
  /** True when no operation matched and the request was passed on to the host app (`notFound: 'next'`). */
  passedOn = false;
  /**
   * The response body's bytes as written, set by a plugin that transforms the body after
   * its `Content-Length` is known (compression: the compressed size) once the response
   * ends. Undefined otherwise: `Content-Length` tells.
   */
  bytesOut: number | undefined = undefined;

  #baseLogger: Logger;
  #log: Logger | undefined;
  #logFields: Readonly<Record<string, unknown>> = NO_FIELDS;
  #abort: AbortController | undefined;
  #trust: ((address: string, hop: number) => boolean) | undefined;
  #ip: string | undefined;

  /**
   * @param trust the kernel's `trustProxy`, compiled: which hops of `X-Forwarded-For` are believed.
   */
  constructor(req: IncomingMessage, res: ServerResponse, id: string, logger: Logger, trust?: (address: string, hop: number) => boolean) {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    this.req = req;
    this.res = res;
    this.id = id;
    this.method = (req.method ?? 'GET').toLowerCase();
    this.path = q === -1 ? url : url.slice(0, q);
    this.rawQuery = q === -1 ? '' : url.slice(q + 1);
    this.headers = req.headers;
    this.startedAt = process.hrtime.bigint();
    this.#baseLogger = logger;
    this.#trust = trust;
  }

  /**
   * The client's address: the socket's peer, or — when the kernel's `trustProxy` trusts
   * that peer — the nearest untrusted address of `X-Forwarded-For` (never a value an
   * untrusted client wrote). `'unknown'` when the socket is gone.
   */
  get ip(): string {
    if (this.#ip !== undefined) return this.#ip;
    const peer = this.req.socket?.remoteAddress;
    if (!this.#trust || peer === undefined) return (this.#ip = peer ?? 'unknown');
    return (this.#ip = proxyaddr(this.req, this.#trust));
  }

  /** The operationId, once routed. */
  get operationId(): string | undefined {
    return this.operation?.id;
  }

  /**
   * A logger whose every line carries the request id, the operationId once routed,
   * and the fields plugins add with {@link logWith} (the principal's id).
   */
  get log(): Logger {
    return (this.#log ??= this.#baseLogger.child({ requestId: this.id, operationId: this.operation?.id, ...this.#logFields }));
  }

  /**
   * Adds fields to every later log line of this request (`{ principalId }` from the
   * auth plugin). Never pass a secret: log lines are not redacted by name here.
   */
  logWith(fields: Record<string, unknown>): void {
    this.#logFields = Object.freeze({ ...this.#logFields, ...fields });
    this.#log = undefined;
  }

  /**
   * The fields added with {@link logWith} so far (frozen; empty when none). The access
   * line (`request`, written once the response is sent) carries them too.
   */
  get logFields(): Readonly<Record<string, unknown>> {
    return this.#logFields;
  }

  /**
   * Aborted when the client goes away before the response is complete, or when the
   * handler's timeout elapses (`x-burrow-timeout`, `handlerTimeout`; the reason is the
   * `BURROW_ERR_HANDLER_TIMEOUT` error). Pass it on to what the handler waits for.
   */
  get signal(): AbortSignal {
    if (!this.#abort) {
      const abort = (this.#abort = new AbortController());
      const onClose = () => {
        if (!this.res.writableFinished) abort.abort(new Error('client closed the connection'));
      };
      this.res.once('close', onClose);
    }
    return this.#abort.signal;
  }

  /** Aborts {@link signal} with `reason` (the pipeline does, when the handler's timeout elapses); later calls do nothing. */
  abort(reason: Error): void {
    (this.#abort ??= new AbortController()).abort(reason);
  }

  /**
   * The path the kernel is mounted at (`/api/v1` under `app.use('/api/v1', …)`, `''`
   * at the root): what the host framework stripped from the request's path.
   */
  get mountPath(): string {
    const instance = this.instance;
    if (instance.length > this.path.length && instance.endsWith(this.path)) return instance.slice(0, instance.length - this.path.length);
    // Express hands a request for the mount point itself (`/api/v1`, no trailing slash) on as `/`.
    return this.path === '/' && instance !== '/' ? instance : '';
  }

  /** The path as the client sent it, mount point included (for problem `instance`). */
  get instance(): string {
    const original = (this.req as { originalUrl?: string }).originalUrl ?? this.req.url ?? '/';
    const q = original.indexOf('?');
    return q === -1 ? original : original.slice(0, q);
  }
}
