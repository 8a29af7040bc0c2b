import { definePlugin } from 'burrowjs';
import { parseTracingOptions, type ResolvedTracingOptions, type TracingOptions } from './options.js';
import { requestSpans } from './internal/request-span.js';

export type { TracingOptions, ResolvedTracingOptions } from './options.js';
export { TRACING_DEFAULTS } from './options.js';

/**
 * OpenTelemetry tracing through `@opentelemetry/api` only: one SERVER span per request,
 * named by operationId, child of the caller's span (W3C `traceparent`), with the HTTP
 * semantic conventions' attributes; the request runs inside the span's context, so the
 * services plugin's per-call spans and the app's own are its children; `traceId` and
 * `spanId` on every log line of the request. The app installs and registers an SDK
 * (`@opentelemetry/sdk-node`…); without one, the API's no-op tracer costs almost nothing.
 *
 * @example
 * const kernel = await createKernel({ contract: 'openapi/api.yaml', plugins: [tracing()] });
 */
export const tracing = definePlugin<ResolvedTracingOptions, TracingOptions>({
  name: 'tracing',
  options: parseTracingOptions,
  setup(kernel, options) {
    kernel.hooks.add('aroundRequest', requestSpans(options));
  },
});

export default tracing;
