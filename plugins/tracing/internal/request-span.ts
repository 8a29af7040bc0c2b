/**
 * The SERVER span of one request: started around the whole pipeline (the `aroundRequest`
 * hook) as the child of the caller's span (W3C `traceparent`/`tracestate`, through the
 * propagator the app's SDK registered), named by operationId once routed, ended when the
 * response has finished. Through `@opentelemetry/api` only: with no SDK the span is the
 * API's non-recording no-op, and nothing else is done.
 */
import { context, INVALID_TRACEID, isSpanContextValid, propagation, ProxyTracerProvider, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import type { RequestContext } from 'burrowjs';
import type { ResolvedTracingOptions } from '../options.js';

// The methods HTTP semantic conventions name; any other is `_OTHER` (a bounded span name).
const NAMES = new Map(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE', 'QUERY'].map((m) => [m, `HTTP ${m}`]));

/** The `aroundRequest` hook of the plugin. */
export function requestSpans(options: ResolvedTracingOptions) {
  const { tracerName, logFields } = options;
  // The global provider is a proxy that forwards to the SDK once one is registered; a new
  // proxy replaces it after `trace.disable()`. Its tracer is kept until then.
  let provider: TracerProvider | undefined;
  let tracer: Tracer | undefined;
  // Whether an SDK is behind the global proxy: once seen, for as long as the provider is the same.
  let sdk = false;
  return (ctx: RequestContext, next: () => Promise<void>): Promise<void> => {
    const current = trace.getTracerProvider();
    if (current !== provider) {
      provider = current;
      tracer = current.getTracer(tracerName);
      sdk = false;
    }
    // No SDK registered (the proxy has no delegate yet) and no incoming trace: nothing to
    // record, log or continue — the request runs as it would without the plugin.
    if (!sdk) {
      sdk = !(current instanceof ProxyTracerProvider) || current.getDelegateTracer(tracerName) !== undefined;
      if (!sdk && ctx.headers.traceparent === undefined) return next();
    }
    const parent = propagation.extract(context.active(), ctx.headers);
    const upper = ctx.method.toUpperCase();
    const name = NAMES.get(upper);
    const known = name !== undefined;
    const span = tracer!.startSpan(name ?? 'HTTP', { kind: SpanKind.SERVER }, parent);
    const spanContext = span.spanContext();
    // No SDK and no incoming trace: the all-zero no-op context. Nothing to record, log or propagate.
    if (spanContext.traceId === INVALID_TRACEID || !isSpanContextValid(spanContext)) return next();
    if (logFields) ctx.logWith({ traceId: spanContext.traceId, spanId: spanContext.spanId });
    if (span.isRecording()) span.setAttributes(startAttributes(ctx, upper, known));
    return context.with(trace.setSpan(parent, span), next).finally(() => endWhenFinished(ctx, span));
  };
}

function startAttributes(ctx: RequestContext, method: string, known: boolean): Attributes {
  const attributes: Attributes = {
    'http.request.method': known ? method : '_OTHER',
    'url.path': ctx.mountPath + ctx.path,
    'burrow.request_id': ctx.id,
    'client.address': ctx.ip,
  };
  if (!known) attributes['http.request.method_original'] = ctx.req.method;
  const agent = ctx.headers['user-agent'];
  if (agent) attributes['user_agent.original'] = agent;
  return attributes;
}

/** Ends the span once the response has gone (now, or at its `finish`/`close`: compression, a host app's route). */
function endWhenFinished(ctx: RequestContext, span: Span): void {
  const { res } = ctx;
  if (res.writableFinished || res.destroyed) {
    end(ctx, span);
    return;
  }
  let ended = false;
  const once = () => {
    if (ended) return;
    ended = true;
    end(ctx, span);
  };
  res.once('finish', once);
  res.once('close', once);
}

function end(ctx: RequestContext, span: Span): void {
  if (span.isRecording()) {
    const op = ctx.operation;
    const status = ctx.res.statusCode;
    const attributes: Attributes = { 'http.response.status_code': status };
    if (op) {
      span.updateName(op.id);
      attributes['http.route'] = ctx.mountPath + op.path;
      attributes['burrow.operation_id'] = op.id;
    }
    const id = (ctx.principal as { id?: unknown } | undefined)?.id;
    if (id !== undefined && id !== null) attributes['enduser.id'] = String(id);
    if (status >= 500) {
      const code = (ctx.error as { code?: unknown } | undefined)?.code;
      const problem = typeof code === 'string' ? code : undefined;
      attributes['error.type'] = problem ?? String(status);
      span.setStatus(problem ? { code: SpanStatusCode.ERROR, message: problem } : { code: SpanStatusCode.ERROR });
    }
    span.setAttributes(attributes);
  }
  span.end();
}
