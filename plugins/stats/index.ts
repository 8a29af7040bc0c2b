import { definePlugin } from 'burrowjs';
import { parseStatsOptions, type ResolvedStatsOptions, type StatsOptions } from './options.js';
import { statErrors } from './internal/errors.js';
import { Recorder, type ServiceCall } from './internal/recorder.js';
import { statOperations } from './internal/operations.js';

export type { StatsOptions, ResolvedStatsOptions, SecurityRequirement } from './options.js';
export type { EntryView } from './internal/entry.js';
export { statErrors } from './internal/errors.js';

/**
 * Statistics like mORMot's monitor: per operationId, per service method (every call,
 * REST and JSON-RPC alike, from the services plugin's `service.call`), per resource
 * action and (optionally) per user and group — calls, errors by status class, latency
 * min/avg/max and percentiles, bytes in and out — served as JSON at `GET /stat`
 * (`?withSessions`, `?withServices`, `?withResources`, `?withUsers`, `?withAll`), to
 * loopback and `allow` addresses, or to the callers of the `security` option.
 *
 * @example
 * const kernel = await createKernel({ contract: 'openapi/api.yaml', plugins: [stats({ allow: ['10.0.0.0/8'] })] });
 * // curl http://localhost:3000/stat?withServices=true
 */
export const stats = definePlugin<ResolvedStatsOptions, StatsOptions>({
  name: 'stats',
  options: parseStatsOptions,
  setup(kernel, options) {
    kernel.errors.addFamily(statErrors);
    const recorder = new Recorder({ ...options, statusOf: (code) => kernel.errors.get(code)?.status });
    kernel.hooks.add('onResponse', (ctx) => {
      recorder.record(ctx);
    });
    // The auth and services plugins publish these when they are installed; subscribed by name.
    const on = kernel.events.on.bind(kernel.events) as (event: string, listener: (payload: unknown) => void) => () => void;
    on('auth.session.opened', () => recorder.sessionOpened());
    on('auth.session.ended', () => recorder.sessionEnded());
    on('service.instance.created', (event) => recorder.instance((event as { service: string }).service, 1));
    on('service.instance.disposed', (event) => recorder.instance((event as { service: string }).service, -1));
    // Every method call, whatever its transport (REST, JSON-RPC, in-process): the per-method view.
    on('service.call', (event) => recorder.serviceCall(event as ServiceCall));

    const { fragment, handlers } = statOperations(options, recorder, Date.now(), {
      gauges: () => kernel.gauges.entries(),
      logger: kernel.logger,
    });
    kernel.contract.add('stats', fragment);
    for (const [id, handler] of Object.entries(handlers)) kernel.handlers.add(id, handler);
  },
});

export default stats;
