import { allow, deny, type KernelOptions, createKernel, type RequestContext } from '../../../core/index.js';
import { rateLimit, type RateLimitOptions } from '../../../plugins/rate-limit/index.js';

const ok = { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } };

/**
 * A contract with operations to limit: `open` (no security), `user` (the `token`
 * scheme: `x-user: <id>[:<group>,<group>]`, or anonymous), `keyed` (the apiKey scheme
 * `key`: `x-api-key: <id>`, or the token, or anonymous). `limits` maps operationIds to
 * their x-burrow-rate-limit; `root` is the document's.
 */
export function limitContract(limits: Record<string, unknown> = {}, root?: unknown): Record<string, unknown> {
  const op = (operationId: string, security?: unknown[]) => ({
    operationId,
    ...(security ? { security } : {}),
    ...(operationId in limits ? { 'x-burrow-rate-limit': limits[operationId] } : {}),
    responses: ok,
  });
  return {
    openapi: '3.1.0',
    info: { title: 'Limits', version: '1.0.0' },
    ...(root === undefined ? {} : { 'x-burrow-rate-limit': root }),
    components: {
      securitySchemes: {
        token: { type: 'http', scheme: 'bearer' },
        key: { type: 'apiKey', in: 'header', name: 'x-api-key' },
      },
    },
    paths: {
      '/open': { get: op('open') },
      '/other': { get: op('other') },
      '/user': { get: op('user', [{ token: [] }, {}]) },
      '/keyed': { get: op('keyed', [{ key: [] }, { token: [] }, {}]) },
    },
  };
}

/** The verifiers of {@link limitContract}'s schemes. */
export const verifiers: KernelOptions['security'] = {
  token: (ctx: RequestContext) => {
    const header = ctx.headers['x-user'];
    if (typeof header !== 'string') return deny('no user', 'missing');
    const [id, groups] = header.split(':');
    return allow({ id, groups: groups ? groups.split(',') : [] });
  },
  key: (ctx: RequestContext) => {
    const header = ctx.headers['x-api-key'];
    return typeof header === 'string' ? allow({ id: header, groups: [] }) : deny('no key', 'missing');
  },
};

const handlers = { open: () => ({ status: 200, body: {} }), other: () => ({ status: 200, body: {} }), user: () => ({ status: 200, body: {} }), keyed: () => ({ status: 200, body: {} }) };

/** Boots a kernel over {@link limitContract} with the rate-limit plugin. */
export function limitKernel(
  contract: Record<string, unknown>,
  options?: RateLimitOptions,
  kernelOptions: Partial<KernelOptions> = {},
) {
  return createKernel({ contract: contract as never, handlers, security: verifiers, logger: { level: 'silent' }, plugins: [rateLimit(options)], ...kernelOptions });
}
