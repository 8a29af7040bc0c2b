import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'winston';
import { RequestContext } from './context.js';
import { errorFields } from '../kernel/logger.js';
import type { CompiledOperation } from './operation.js';
import type { Hooks } from '../plugin/hooks.js';
import type { SecuritySchemeObject, Verifier } from './security.js';
import { checkSecurity } from './security.js';
import { coreError } from '../errors/burrow-error.js';
import { readBody } from './body.js';
import type { ResolvedMultipartOptions } from './multipart.js';
import { validateRequest } from './input.js';
import { checkAcceptable } from './negotiate.js';
import { checkReply, sendProblem, sendReply, toBurrowError, type Reply, type ResponseValidationOptions } from '../response/reply.js';
import type { createRouter } from './router.js';

/** What the pipeline needs from the booted kernel; built once, read on every request. */
export interface PipelineState {
  router: ReturnType<typeof createRouter<CompiledOperation>>;
  hooks: Hooks;
  verifiers: ReadonlyMap<string, Verifier>;
  schemes: Record<string, SecuritySchemeObject>;
  logger: Logger;
  bodyLimit: number;
  bodyTimeout: number;
  /** The kernel's `handlerTimeout` (ms), for operations whose contract sets none; `undefined`: none. */
  handlerTimeout: number | undefined;
  multipart: ResolvedMultipartOptions;
  /** The multipart options under an operation's own body limit (`x-burrow-body-limit`). */
  multipartFor(limit: number): ResolvedMultipartOptions;
  responseValidation: ResponseValidationOptions;
  /** Counts requests in flight, for graceful close. */
  inflight: { count: number; closing: boolean; drained?: () => void };
  stats: { responseViolations: number };
  /** The base of problem `type` URIs for a request (the error catalogue), or `undefined` for `about:blank`. */
  typeBase: ((ctx: RequestContext) => string) | undefined;
  /** The kernel's `trustProxy`, compiled (read by `ctx.ip`). */
  trustProxy: ((address: string, hop: number) => boolean) | undefined;
}

const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/**
 * The handler's pending answer, or the 503 `BURROW_ERR_HANDLER_TIMEOUT` once `timeout` ms
 * have passed: then `ctx.signal` is aborted with that error, and whatever the handler
 * answers later is dropped (its rejection too: it is handled here, never unhandled).
 */
function withTimeout(ctx: RequestContext, op: CompiledOperation, pending: PromiseLike<Reply>, timeout: number): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = coreError('BURROW_ERR_HANDLER_TIMEOUT', { operationId: op.id, timeout }, { headers: { 'retry-after': '1' } });
      ctx.log.warn('handler timed out', { timeout });
      ctx.abort(error);
      reject(error);
    }, timeout);
    pending.then(
      (reply) => {
        clearTimeout(timer);
        resolve(reply);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Creates the request handler: route → security → negotiate → body → validate →
 * handler → response check → send, with the hooks of each phase in between. Every
 * error, wherever it is thrown, ends as one problem+json response.
 */
export function createPipeline(state: PipelineState) {
  const { router, hooks, logger } = state;
  const onRequest = hooks.list('onRequest');
  const postRouting = hooks.list('postRouting');
  const postSecurity = hooks.list('postSecurity');
  const preHandler = hooks.list('preHandler');
  const onSend = hooks.list('onSend');
  const onResponse = hooks.list('onResponse');
  const onError = hooks.list('onError');
  const around = hooks.list('aroundRequest');
  const { rate, onViolation } = state.responseValidation;
  // Multipart options by operation body limit: the few limits a contract names, made on first use.
  const multipartByLimit = new Map<number, ResolvedMultipartOptions>();
  const multipartFor = (limit: number) => {
    let options = multipartByLimit.get(limit);
    if (!options) multipartByLimit.set(limit, (options = state.multipartFor(limit)));
    return options;
  };

  async function run(ctx: RequestContext, notFound: (() => void) | undefined): Promise<void> {
    if (state.inflight.closing) throw coreError('BURROW_ERR_UNAVAILABLE_SHUTTING_DOWN', {}, { headers: { connection: 'close', 'retry-after': '1' } });
    if (onRequest.length) {
      // A hook that answered (a CORS preflight, a refusal) ends the request: later hooks do not run.
      for (const hook of onRequest) {
        const done = hook(ctx);
        if (done) await done;
        if (ctx.res.writableEnded) return;
      }
    }

    const found = router.find(ctx.method, ctx.path);
    if (found.kind !== 'found') {
      if (found.kind === 'method') {
        const allowed = found.allowed.join(', ');
        throw coreError('BURROW_ERR_ROUTE_METHOD_NOT_ALLOWED', { method: ctx.method.toUpperCase(), path: ctx.path, allowed }, { headers: { allow: allowed } });
      }
      if (notFound) {
        ctx.res.removeHeader('x-request-id');
        ctx.passedOn = true;
        notFound();
        return;
      }
      throw coreError('BURROW_ERR_ROUTE_NOT_FOUND', { path: ctx.path });
    }
    const op = found.match.value;
    ctx.operation = op;
    ctx.params = found.match.params;
    // Phases without hooks cost a length check: no loop, no await; a hook that returns nothing is not awaited.
    if (postRouting.length) for (const hook of postRouting) {
      const done = hook(ctx);
      if (done) await done;
    }

    if (op.security.length) {
      const checked = checkSecurity(ctx, op, state.verifiers, state.schemes);
      if (checked) await checked;
    }
    if (postSecurity.length) for (const hook of postSecurity) {
      const done = hook(ctx);
      if (done) await done;
    }

    checkAcceptable(ctx, op);
    const body =
      op.bodyLimit === undefined
        ? readBody(ctx, op, state.bodyLimit, state.bodyTimeout, state.multipart)
        : readBody(ctx, op, op.bodyLimit, state.bodyTimeout, multipartFor(op.bodyLimit));
    if (body) await body;
    validateRequest(ctx, op);
    if (preHandler.length) {
      for (const hook of preHandler) {
        const done = hook(ctx);
        if (done) await done;
        if (ctx.res.writableEnded) return;
      }
    }

    let reply = op.handler(ctx) as Reply | PromiseLike<Reply>;
    if (reply !== null && typeof (reply as PromiseLike<Reply>).then === 'function') {
      // A synchronous handler cannot be interrupted: only a pending answer is raced against the timeout.
      const timeout = op.timeout ?? state.handlerTimeout;
      reply = await (timeout === undefined ? reply : withTimeout(ctx, op, reply as PromiseLike<Reply>, timeout));
    }
    if (reply === null || typeof reply !== 'object' || typeof (reply as Reply).status !== 'number') {
      throw coreError('BURROW_ERR_RESPONSE_NOT_A_REPLY', { operationId: op.id });
    }
    if (rate >= 1 || (rate > 0 && Math.random() < rate)) {
      const issues = checkReply(op, reply as Reply, ctx);
      if (issues.length) {
        state.stats.responseViolations++;
        ctx.log.warn('response does not match the contract', { status: (reply as Reply).status, errors: issues });
        if (onViolation === 'reject') {
          throw coreError('BURROW_ERR_RESPONSE_INVALID', { operationId: op.id }, { errors: issues });
        }
      }
    }
    sendReply(ctx, op, reply as Reply, onSend);
  }

  async function fail(ctx: RequestContext, thrown: unknown): Promise<void> {
    const error = toBurrowError(ctx, thrown);
    for (const hook of onError) {
      try {
        await hook(ctx, error);
      } catch (hookError) {
        ctx.log.error('onError hook failed', { error: errorFields(hookError) });
      }
    }
    sendProblem(ctx, error, state.typeBase?.(ctx), onSend);
  }

  /**
   * Runs the request inside the aroundRequest hooks, the first registered outermost.
   * Resolves once the request is answered; never rejects (a hook's failure is answered
   * as a problem if the response is not sent yet, else logged).
   */
  async function serveAround(ctx: RequestContext, notFound: (() => void) | undefined): Promise<void> {
    let served: Promise<void> | undefined;
    let settled = false;
    // A second call of next() gets the same promise, a call after the hooks settled nothing: the request runs once.
    const enter = () => (settled ? Promise.resolve() : (served ??= serve(ctx, notFound)));
    const call = async (i: number): Promise<void> => {
      if (i === around.length) return enter();
      await around[i]!(ctx, () => call(i + 1));
    };
    let failure: { error: unknown } | undefined;
    try {
      await call(0);
    } catch (error) {
      failure = { error };
    }
    settled = true;
    // A hook may have called next() without waiting for it: the request is over only once it is.
    if (served) await served;
    if (failure) {
      if (ctx.res.writableEnded || ctx.passedOn) ctx.log.error('aroundRequest hook failed', { error: errorFields(failure.error) });
      else await fail(ctx, failure.error);
    } else if (!served) {
      await fail(ctx, new Error('an aroundRequest hook returned without calling next(): the request was not served'));
    }
  }

  async function serve(ctx: RequestContext, notFound: (() => void) | undefined): Promise<void> {
    try {
      await run(ctx, notFound);
    } catch (error) {
      await fail(ctx, error);
    }
  }

  function finish(ctx: RequestContext): void {
    // A path passed on to the host app's routes was not served by Burrow: no access line, no hooks.
    if (ctx.passedOn) return;
    // A body still on its way through a stream (compressed by a plugin): the access line and the
    // hooks wait for its end, so that durations and byte counts cover the whole response.
    if (!ctx.res.writableEnded && !ctx.res.destroyed) {
      ctx.res.once('close', () => finished(ctx));
      return;
    }
    finished(ctx);
  }

  function finished(ctx: RequestContext): void {
    if (logger.isInfoEnabled()) {
      // The fields plugins added with ctx.logWith() (principalId, traceId) first: the line's own win.
      logger.info('request', {
        ...ctx.logFields,
        requestId: ctx.id,
        operationId: ctx.operation?.id,
        method: ctx.method.toUpperCase(),
        path: ctx.path,
        status: ctx.res.statusCode,
        durationMs: Number(process.hrtime.bigint() - ctx.startedAt) / 1e6,
      });
    }
    // The response is sent: hooks run now, each on its own (one that throws or rejects is logged, the others still run).
    for (const hook of onResponse) {
      try {
        const done = hook(ctx);
        if (done) done.catch((error) => ctx.log.error('onResponse hook failed', { error: errorFields(error) }));
      } catch (error) {
        ctx.log.error('onResponse hook failed', { error: errorFields(error) });
      }
    }
  }

  /** Serves one request. Never rejects: every failure is answered. */
  return async function handle(req: IncomingMessage, res: ServerResponse, notFound?: () => void): Promise<void> {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', id);
    const ctx = new RequestContext(req, res, id, logger, state.trustProxy);
    state.inflight.count++;
    try {
      if (around.length) await serveAround(ctx, notFound);
      else await run(ctx, notFound);
    } catch (error) {
      await fail(ctx, error);
    } finally {
      if (--state.inflight.count === 0) state.inflight.drained?.();
      finish(ctx);
    }
  };
}
