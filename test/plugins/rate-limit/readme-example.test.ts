import { expect, it } from 'vitest';
import { createKernel } from '../../../core/index.js';
import { rateLimit } from '../../../plugins/rate-limit/index.js';

// The example of plugins/rate-limit/README.md (memory store: REDIS_URL unset), its comments asserted.
it('runs the README example', async () => {
  const kernel = await createKernel({
    contract: {
      openapi: '3.1.0',
      info: { title: 'Hello', version: '1.0.0' },
      'x-burrow-rate-limit': { points: 2, duration: '1m' },
      paths: {
        '/hello': { get: { operationId: 'hello', responses: { '200': { description: 'Hello' } } } },
      },
    } as never,
    handlers: { hello: () => ({ status: 200 }) },
    trustProxy: 'loopback',
    logger: { level: 'silent' },
    plugins: [rateLimit({ redis: undefined })],
  });
  const seen = [];
  for (let i = 0; i < 3; i++) {
    const res = await kernel.inject('/hello');
    seen.push([res.statusCode, res.headers.ratelimit, res.headers['retry-after'], res.statusCode === 429 ? res.json().code : undefined]);
  }
  expect(seen).toEqual([
    [200, '"api";r=1;t=60', undefined, undefined],
    [200, '"api";r=0;t=60', undefined, undefined],
    [429, '"api";r=0;t=60', '60', 'BURROW_ERR_RATELIMIT_EXCEEDED'],
  ]);
  await kernel.close();
});
