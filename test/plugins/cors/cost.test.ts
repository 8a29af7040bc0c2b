import { expect, it } from 'vitest';
import type { Kernel, RequestContext } from '../../../core/index.js';
import { parseCorsOptions } from '../../../plugins/cors/index.js';
import { corsHook } from '../../../plugins/cors/internal/hook.js';

// A request without Origin costs the hook one header lookup, and with origins configured the
// `Vary: Origin` its response needs: nothing else is read or written, no route looked up.
it.each([
  ['no origins', undefined, []],
  ['a list of origins', { origins: ['https://app.example.com', 'https://*.example.org', /^http:\/\/localhost:\d+$/] }, ['res.getHeader vary', 'res.setHeader vary: Origin']],
  ['a function', { origins: () => true }, ['res.getHeader vary', 'res.setHeader vary: Origin']],
])('reads one header of a request without Origin (%s)', (_name, options, written) => {
  const touched: string[] = [];
  const headers = new Proxy({} as Record<string, unknown>, {
    get(_target, key) {
      touched.push(`headers.${String(key)}`);
      return undefined;
    },
  });
  const res = {
    getHeader: (name: string) => void touched.push(`res.getHeader ${name}`),
    setHeader: (name: string, value: string) => void touched.push(`res.setHeader ${name}: ${value}`),
  };
  const kernel = {
    hooks: { add: () => undefined },
    route: () => touched.push('kernel.route'),
  } as unknown as Kernel;
  const hook = corsHook(kernel, parseCorsOptions(options));
  const ctx = { req: { headers }, res, method: 'get', path: '/pets' } as unknown as RequestContext;
  expect(hook(ctx)).toBeUndefined();
  expect(touched).toEqual(['headers.origin', ...written]);
});
