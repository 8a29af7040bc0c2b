/**
 * The onRequest hook: headers of cross-origin responses, and preflights answered from
 * the contract before routing. A request without `Origin` costs one header lookup (and a
 * `hasHeader` in the postRouting hook that narrows the exposed headers once routed).
 */
import type { ServerResponse } from 'node:http';
import { appendVary, coreError, type CompiledOperation, type Kernel, type RequestContext } from 'burrowjs';
import type { ResolvedCorsOptions } from '../options.js';
import { corsErrors } from './errors.js';
import { defaultExpose, operationHeaders, type OperationHeaders } from './headers.js';

const VARY_ACTUAL = 'Origin';
// A preflight's answer also depends on the method and headers it asks for.
const VARY_PREFLIGHT = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Builds the hook of one kernel. */
export function corsHook(kernel: Kernel, options: ResolvedCorsOptions): (ctx: RequestContext) => void | Promise<void> {
  const { origins, credentials } = options;
  const lists = new Map<CompiledOperation, OperationHeaders>();
  const extra = { allow: options.allowHeaders, expose: options.exposeHeaders };
  const fallbackExpose = defaultExpose(options.exposeHeaders);
  const maxAge = String(options.maxAge);

  /** The header lists of an operation (worked out at onReady; lazily for one added later). */
  const headersOf = (op: CompiledOperation): OperationHeaders => {
    let found = lists.get(op);
    if (!found) lists.set(op, (found = operationHeaders(op, kernel.document, extra)));
    return found;
  };
  kernel.hooks.add('onReady', () => {
    for (const op of kernel.operations.values()) headersOf(op);
  });

  const allowOrigin = (res: ServerResponse, origin: string) => {
    res.setHeader('access-control-allow-origin', origins.any ? '*' : origin);
    if (credentials) res.setHeader('access-control-allow-credentials', 'true');
  };

  /**
   * The headers of an actual (not preflight) cross-origin response from an allowed origin.
   * The exposed headers are those of any operation until the pipeline has routed the request
   * (a 404 or 405 problem keeps them); then the postRouting hook below narrows them to the
   * operation's own — routing once, not here and again in the pipeline.
   */
  const actual = (ctx: RequestContext, origin: string) => {
    allowOrigin(ctx.res, origin);
    if (fallbackExpose) ctx.res.setHeader('access-control-expose-headers', fallbackExpose);
  };
  kernel.hooks.add('postRouting', (ctx) => {
    if (!ctx.res.hasHeader('access-control-allow-origin')) return;
    const { expose } = headersOf(ctx.operation!);
    if (expose) ctx.res.setHeader('access-control-expose-headers', expose);
    else ctx.res.removeHeader('access-control-expose-headers');
  });

  const preflight = (ctx: RequestContext, origin: string, requestedMethod: string) => {
    const { res } = ctx;
    // The contract serves OPTIONS on this path itself: its operation answers, as a cross-origin call.
    if (kernel.route('options', ctx.path).kind === 'found') return actual(ctx, origin);
    const method = requestedMethod.trim();
    const found = METHOD.test(method) ? kernel.route(method, ctx.path) : { kind: 'none' as const };
    // An undeclared path: the kernel answers its 404 problem (or passes the request on to the host app).
    if (found.kind === 'none') return;
    allowOrigin(res, origin);
    if (found.kind === 'method') {
      const allowed = found.allowed.join(', ');
      throw coreError(
        'BURROW_ERR_ROUTE_METHOD_NOT_ALLOWED',
        { method: method.toUpperCase(), path: ctx.path, allowed },
        { headers: { allow: allowed, 'access-control-allow-methods': allowed } },
      );
    }
    const op = headersOf(found.operation);
    const asked = ctx.req.headers['access-control-request-headers'];
    if (asked) {
      const refused = asked
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name && !op.allowed.has(name.toLowerCase()));
      if (refused.length) {
        throw corsErrors.create('BURROW_ERR_CORS_HEADERS_NOT_ALLOWED', {
          method: found.operation.method.toUpperCase(),
          path: found.operation.path,
          headers: refused.join(', '),
          allowed: op.allow,
        });
      }
    }
    res.setHeader('access-control-allow-methods', method);
    res.setHeader('access-control-allow-headers', op.allow);
    res.setHeader('access-control-max-age', maxAge);
    res.statusCode = 204;
    res.end();
  };

  const decide = (ctx: RequestContext, origin: string, allowed: boolean, requestedMethod: string | undefined) => {
    if (requestedMethod === undefined) {
      if (!origins.configured) return;
      appendVary(ctx.res, VARY_ACTUAL);
      if (allowed) actual(ctx, origin);
      return;
    }
    appendVary(ctx.res, VARY_PREFLIGHT);
    if (!allowed) throw corsErrors.create('BURROW_ERR_CORS_ORIGIN_DENIED', { origin });
    preflight(ctx, origin, requestedMethod);
  };

  return function cors(ctx: RequestContext): void | Promise<void> {
    const origin = ctx.req.headers.origin;
    if (origin === undefined) {
      // The answer to the same URL with an Origin would differ: a shared cache must key on it, or a
      // copy stored for this same-origin call (without Access-Control-Allow-Origin) would be served
      // to a cross-origin page and blocked by its browser.
      if (origins.configured) appendVary(ctx.res, VARY_ACTUAL);
      return;
    }
    const asked = ctx.method === 'options' ? ctx.req.headers['access-control-request-method'] : undefined;
    const requestedMethod = typeof asked === 'string' ? asked : undefined;
    if (!origins.configured) return decide(ctx, origin, false, requestedMethod);
    if (origins.any || origins.exact.has(origin) || origins.patterns.some((pattern) => pattern.test(origin))) {
      return decide(ctx, origin, true, requestedMethod);
    }
    if (!origins.predicate) return decide(ctx, origin, false, requestedMethod);
    const verdict = origins.predicate(origin, ctx);
    if (typeof verdict === 'boolean') return decide(ctx, origin, verdict, requestedMethod);
    return Promise.resolve(verdict).then((ok) => decide(ctx, origin, ok === true, requestedMethod));
  };
}
