import { definePlugin } from 'burrowjs';
import { parseHealthOptions, type HealthOptions, type ResolvedHealthOptions } from './options.js';
import { healthErrors } from './internal/errors.js';
import { probes } from './internal/operations.js';

export type { HealthOptions, ResolvedHealthOptions } from './options.js';
export { healthErrors } from './internal/errors.js';

/**
 * Liveness and readiness probes: `GET <path>/live` answers 200 while the process serves;
 * `GET <path>/ready` runs every check of `kernel.health` (the resources plugin's
 * `database`, the auth plugin's `sessions` on Redis, the app's own), each within
 * `timeout` ms, and answers 200 with each check's time, or 503 problem+json
 * `BURROW_ERR_HEALTH_NOT_READY` naming the failing checks, with `Retry-After: 5`.
 *
 * @example
 * const kernel = await createKernel({ contract: 'openapi/api.yaml', plugins: [health({ timeout: 1000 })] });
 * kernel.health.add('queue', () => queue.ping());
 */
export const health = definePlugin<ResolvedHealthOptions, HealthOptions>({
  name: 'health',
  options: parseHealthOptions,
  setup(kernel, options) {
    kernel.errors.addFamily(healthErrors);
    // `kernel.closing` turns true the moment close() begins (a signal, or the app).
    const { fragment, handlers } = probes({ options, checks: () => kernel.health.entries(), closing: () => kernel.closing });
    kernel.contract.add('health', fragment);
    for (const [id, handler] of Object.entries(handlers)) kernel.handlers.add(id, handler);
  },
});

export default health;
