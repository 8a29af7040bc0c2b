import { expect, it } from 'vitest';
import { Counter } from 'prom-client';
import { createKernel } from '../../../core/index.js';
import { metrics, metricsRegistry } from '../../../plugins/metrics/index.js';

// The example of plugins/metrics/README.md, with its logged values asserted.
it('runs the README example', async () => {
  const kernel = await createKernel({
    contract: {
      openapi: '3.1.0',
      info: { title: 'Hello', version: '1.0.0' },
      paths: { '/hello': { get: { operationId: 'hello', responses: { '200': { description: 'hi', content: { 'application/json': { schema: { type: 'string' } } } } } } } },
    },
    handlers: { hello: () => ({ status: 200, body: 'hi' }) },
    logger: { level: 'silent' },
    plugins: [metrics({ allow: ['10.0.0.0/8'] })],
  });
  const jobs = new Counter({ name: 'app_jobs_total', help: 'Jobs run.', registers: [metricsRegistry(kernel)!] });
  jobs.inc();
  await kernel.inject('/hello');

  const res = await kernel.inject('/metrics');
  expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  expect(res.body.match(/^burrow_http_requests_total.*$/m)?.[0]).toBe('burrow_http_requests_total{operation="hello",method="GET",status_class="2xx"} 1');
  expect(res.body.match(/^app_jobs_total.*$/m)?.[0]).toBe('app_jobs_total 1');
  expect((await kernel.inject({ url: '/metrics', remoteAddress: '192.0.2.1' })).statusCode).toBe(403);
  await kernel.close();
});
