import { definePlugin, type RequestContext } from 'burrowjs';
import { parseSecurityHeadersOptions, type ResolvedSecurityHeadersOptions, type SecurityHeadersOptions } from './options.js';
import { hasDynamicDirective, record } from './internal/capture.js';

export type { SecurityHeadersOptions, ResolvedSecurityHeadersOptions } from './options.js';
export { BURROW_CSP_DIRECTIVES, parseSecurityHeadersOptions } from './options.js';

/**
 * helmet's security headers on every response, with a content security policy under
 * which the openapi-docs plugin's Swagger UI works (no inline script, no eval). helmet
 * runs once at setup; each request replays the headers it set (a loop of `setHeader`),
 * unless a CSP directive is a function (a nonce): then helmet runs per request.
 *
 * @example
 * const kernel = await createKernel({ contract: 'openapi/api.yaml', plugins: [openapiDocs(), securityHeaders()] });
 */
export const securityHeaders = definePlugin<ResolvedSecurityHeadersOptions, SecurityHeadersOptions>({
  name: 'security-headers',
  options: parseSecurityHeadersOptions,
  setup(kernel, options) {
    const { middleware } = options;
    const recording = hasDynamicDirective(options.helmet.contentSecurityPolicy) ? undefined : record(middleware);
    if (!recording) {
      kernel.hooks.add('onRequest', (ctx: RequestContext) => {
        if (ctx.res.headersSent) return;
        middleware(ctx.req, ctx.res, (error) => {
          if (error) throw error;
        });
      });
      return;
    }
    const names = recording.set.map(([name]) => name);
    const values = recording.set.map(([, value]) => value);
    const removed = recording.removed;
    kernel.hooks.add('onRequest', (ctx: RequestContext) => {
      const { res } = ctx;
      // An earlier onRequest hook answered already (a CORS preflight): nothing more can be set.
      if (res.headersSent) return;
      for (let i = 0; i < names.length; i++) res.setHeader(names[i]!, values[i]!);
      for (let i = 0; i < removed.length; i++) res.removeHeader(removed[i]!);
    });
  },
});

export default securityHeaders;
