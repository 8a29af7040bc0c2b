import { expect, it } from 'vitest';
import type { Kernel, RequestContext } from '../../../core/index.js';
import { parseCorsOptions } from '../../../plugins/cors/index.js';
import { corsHook } from '../../../plugins/cors/internal/hook.js';

// A request without Origin must cost the hook one header lookup: nothing else is read or written.
it.each([
  ['no origins', undefined],
  ['a list of origins', { origins: ['https://app.example.com', 'https://*.example.org', /^http:\/\/localhost:\d+$/] }],
  ['a function', { origins: () => true }],
])('reads one header of a request without Origin (%s)', (_name, options) => {
  const touched: string[] = [];
  const spy = (what: string) =>
    new Proxy({} as Record<string, unknown>, {
      get(_target, key) {
        touched.push(`${what}.${String(key)}`);
        return undefined;
      },
    });
  const kernel = {
    hooks: { add: () => undefined },
    route: () => touched.push('kernel.route'),
  } as unknown as Kernel;
  const hook = corsHook(kernel, parseCorsOptions(options));
  const ctx = { req: { headers: spy('headers') }, res: spy('res'), method: 'get', path: '/pets' } as unknown as RequestContext;
  expect(hook(ctx)).toBeUndefined();
  expect(touched).toEqual(['headers.origin']);
});
