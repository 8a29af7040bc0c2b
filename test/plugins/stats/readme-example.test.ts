import { expect, it } from 'vitest';
import { createKernel } from '../../../core/index.js';
import { stats } from '../../../plugins/stats/index.js';

// The example of plugins/stats/README.md, with its logged values asserted.
it('runs the README example', async () => {
  const kernel = await createKernel({
    contract: {
      openapi: '3.1.0',
      info: { title: 'Hello', version: '1.0.0' },
      paths: { '/hello': { get: { operationId: 'hello', responses: { '200': { description: 'hi', content: { 'application/json': { schema: { type: 'string' } } } } } } } },
    },
    handlers: { hello: () => ({ status: 200, body: 'hi' }) },
    logger: { level: 'silent' },
    plugins: [stats({ percentiles: [50, 99] })],
  });
  await kernel.inject('/hello');
  await kernel.inject('/hello');
  await kernel.inject('/nowhere');

  const report = (await kernel.inject('/stat')).json();
  expect([report.operations.hello.calls, report.operations['(unmatched)'].statusClasses]).toEqual([2, { '4xx': 1 }]);
  expect(Object.keys(report.operations.hello.latencyMs)).toEqual(['min', 'avg', 'max', 'p50', 'p99']);
  expect((await kernel.inject({ url: '/stat', remoteAddress: '192.0.2.1' })).json().code).toBe('BURROW_ERR_STAT_FORBIDDEN');
  await kernel.close();
});
