/**
 * One OpenTelemetry span per service call, through `@opentelemetry/api` only: the app
 * installs an SDK (or the tracing plugin's parent span is there), or every call of the
 * API is a no-op. The services plugin never imports the tracing plugin: the request span
 * is found in the active context, where the tracing plugin put it.
 */
import { context, SpanKind, SpanStatusCode, trace, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import type { Dispatcher, InvokeResult } from './dispatch.js';

/** The tracer's name: the same as the tracing plugin's default. */
const TRACER = 'burrowjs';

/**
 * Wraps `dispatcher.invoke` (the one way a method runs: REST handlers, each JSON-RPC
 * call, in-process proxies) in an INTERNAL span `Service.method`, child of the active
 * span, ended when the call settles, the exception recorded when it fails. With no SDK
 * the span is a non-recording no-op and the call runs as it did.
 */
export function withSpans<D extends Dispatcher>(dispatcher: D): D {
  const invoke = dispatcher.invoke.bind(dispatcher);
  // The global provider is a proxy that forwards to the SDK once one is registered; a new
  // proxy replaces it after `trace.disable()`. Its tracer is kept until then.
  let provider: TracerProvider | undefined;
  let tracer: Tracer | undefined;
  dispatcher.invoke = (ctx, entry, input, options) => {
    const current = trace.getTracerProvider();
    if (current !== provider) {
      provider = current;
      tracer = current.getTracer(TRACER);
    }
    const span = tracer!.startSpan(`${entry.service}.${entry.method}`, { kind: SpanKind.INTERNAL });
    if (!span.isRecording()) {
      span.end();
      return invoke(ctx, entry, input, options);
    }
    span.setAttributes({ 'burrow.service': entry.service, 'burrow.service.method': entry.method, 'burrow.service.lifetime': entry.lifetime, 'burrow.operation_id': entry.operationId });
    let running: Promise<InvokeResult>;
    try {
      running = context.with(trace.setSpan(context.active(), span), invoke, undefined, ctx, entry, input, options);
    } catch (error) {
      failed(span, error);
      throw error;
    }
    return running.then(
      (result) => {
        span.end();
        return result;
      },
      (error: unknown) => {
        failed(span, error);
        throw error;
      },
    );
  };
  return dispatcher;
}

function failed(span: Span, error: unknown): void {
  const code = (error as { code?: unknown } | null)?.code;
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === 'string' ? code : error instanceof Error ? error.message : String(error) });
  span.end();
}
