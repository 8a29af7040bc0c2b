import { expect, it } from 'vitest';
import { createKernel } from '../../../core/index.js';
import { health } from '../../../plugins/health/index.js';

// The example of plugins/health/README.md, with its logged values asserted.
it('runs the README example', async () => {
  const kernel = await createKernel({
    contract: { openapi: '3.1.0', info: { title: 'Hello', version: '1.0.0' }, paths: {} },
    logger: { level: 'silent' },
    plugins: [health({ timeout: 1000 })],
  });
  let queueUp = true;
  kernel.health.add('queue', () => {
    if (!queueUp) throw new Error('queue unreachable');
  });

  expect((await kernel.inject('/health/ready')).json()).toEqual({ status: 'ok', checks: { queue: { ok: true, ms: expect.any(Number) } } });
  queueUp = false;
  const res = await kernel.inject('/health/ready');
  expect([res.statusCode, res.headers['retry-after'], res.json().detail]).toEqual([503, '5', 'not ready: queue (queue unreachable)']);
  await kernel.close();
});
