import { definePlugin, type Kernel } from 'burrowjs';
import type { Registry } from 'prom-client';
import { parseMetricsOptions, type MetricsOptions, type ResolvedMetricsOptions } from './options.js';
import { metricsErrors } from './internal/errors.js';
import { Collectors, UNMATCHED, type ServiceCall } from './internal/collectors.js';
import { metricsOperation } from './internal/operations.js';

export type { MetricsOptions, ResolvedMetricsOptions, SecurityRequirement } from './options.js';
export { metricsErrors } from './internal/errors.js';

// Each kernel's registry, for the app's own metrics (keyed by the kernel's event bus, which lives as long as the kernel).
const registries = new WeakMap<object, Registry>();

/**
 * The Prometheus registry of a kernel with the metrics plugin (undefined without it):
 * register the app's own metrics in it to serve them at `/metrics` too.
 *
 * @example
 * const jobs = new Counter({ name: 'app_jobs_total', help: 'Jobs run.', registers: [metricsRegistry(kernel)!] });
 */
export function metricsRegistry(kernel: Pick<Kernel, 'events'>): Registry | undefined {
  return registries.get(kernel.events);
}

/**
 * Prometheus metrics (prom-client) at `GET /metrics`, in a registry of the kernel's own:
 * `burrow_http_requests_total` and `burrow_http_request_duration_seconds` by operationId,
 * method and status class (unknown paths are one `(unmatched)` series), the process
 * metrics, the auth plugin's open sessions, the services plugin's live instances and
 * method calls (`burrow_service_calls_total`, `burrow_service_call_duration_seconds`), the
 * rate-limit plugin's rejections and the kernel's response violations. Served to
 * loopback and `allow` addresses, or to the callers of the `security` option.
 *
 * @example
 * const kernel = await createKernel({ contract: 'openapi/api.yaml', plugins: [metrics({ allow: ['10.0.0.0/8'] })] });
 */
export const metrics = definePlugin<ResolvedMetricsOptions, MetricsOptions>({
  name: 'metrics',
  options: parseMetricsOptions,
  setup(kernel, options) {
    kernel.errors.addFamily(metricsErrors);
    const collectors = new Collectors(options, () => kernel.stats.responseViolations);
    registries.set(kernel.events, collectors.registry);
    kernel.hooks.add('onResponse', (ctx) => {
      collectors.record(ctx);
    });
    // Published by the auth, services and rate-limit plugins when installed; subscribed by name.
    const on = kernel.events.on.bind(kernel.events) as (event: string, listener: (payload: any) => void) => () => void;
    on('service.instance.created', (event: { service: string }) => collectors.instances.inc({ service: event.service }));
    on('service.instance.disposed', (event: { service: string }) => collectors.instances.dec({ service: event.service }));
    on('service.call', (event: ServiceCall) => collectors.serviceCall(event));
    on('rateLimit.rejected', (event: { operationId?: string; key: string; policy: string }) =>
      collectors.rejections.inc({ operation: event.operationId ?? UNMATCHED, key: String(event.key), policy: String(event.policy) }),
    );

    // The gauges plugins and the app register (open sessions…): those of the plugins at boot, the app's at the next scrape.
    const syncGauges = () => collectors.syncGauges(kernel.gauges.entries(), kernel.logger);
    kernel.hooks.add('onReady', syncGauges);
    const { fragment, handlers } = metricsOperation(options, collectors.registry, syncGauges);
    kernel.contract.add('metrics', fragment);
    for (const [id, handler] of Object.entries(handlers)) kernel.handlers.add(id, handler);
    return () => {
      registries.delete(kernel.events);
      collectors.close();
    };
  },
});

export default metrics;
