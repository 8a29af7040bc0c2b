import { definePlugin } from 'burrowjs';
import { parseCorsOptions, type CorsOptions, type ResolvedCorsOptions } from './options.js';
import { corsErrors } from './internal/errors.js';
import { corsHook } from './internal/hook.js';

export type { CorsOptions, CorsOrigins, OriginPredicate, ResolvedCorsOptions, OriginMatcher } from './options.js';
export { CORS_DEFAULTS, parseCorsOptions } from './options.js';
export { corsErrors } from './internal/errors.js';

/**
 * Cross-origin calls from browsers, denied unless configured: with no `origins`, no CORS
 * header is ever sent and every preflight gets 403 `BURROW_ERR_CORS_ORIGIN_DENIED`.
 * Preflights are answered from the contract before routing: the method the path really
 * declares, the headers the operation really accepts; an undeclared path is a 404 problem.
 *
 * @example
 * const kernel = await createKernel({
 *   contract: 'openapi/api.yaml',
 *   plugins: [cors({ origins: ['https://app.example.com', 'https://*.example.org'], credentials: true })],
 * });
 */
export const cors = definePlugin<ResolvedCorsOptions, CorsOptions>({
  name: 'cors',
  options: parseCorsOptions,
  setup(kernel, options) {
    kernel.errors.addFamily(corsErrors);
    kernel.hooks.add('onRequest', corsHook(kernel, options));
  },
});

export default cors;
