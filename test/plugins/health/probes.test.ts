import { afterEach, describe, expect, it } from 'vitest';
import type { Kernel } from '../../../core/index.js';
import { health } from '../../../plugins/health/index.js';
import { ADAPTERS, agent, fixtureKernel } from '../../helpers.js';

const opened: Kernel[] = [];
async function healthKernel(options?: Parameters<typeof health>[0]): Promise<Kernel> {
  const kernel = await fixtureKernel({ plugins: [health(options)], responseValidation: { rate: 1, onViolation: 'reject' } });
  opened.push(kernel);
  return kernel;
}
afterEach(async () => {
  for (const kernel of opened.splice(0)) {
    expect(kernel.stats.responseViolations).toBe(0);
    await kernel.close();
  }
});

describe.each(ADAPTERS)('health probes over %s', (adapter) => {
  it('answers liveness 200 { status: ok } without credentials', async () => {
    const kernel = await healthKernel();
    const res = await agent(kernel, adapter).get('/health/live');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers readiness 200 with each check and its time when every check passes', async () => {
    const kernel = await healthKernel();
    kernel.health.add('database', async () => {});
    kernel.health.add('cache', () => {});
    const res = await agent(kernel, adapter).get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', checks: { database: { ok: true, ms: expect.any(Number) }, cache: { ok: true, ms: expect.any(Number) } } });
  });

  it('answers readiness 200 with no checks when none is registered', async () => {
    const res = await agent(await healthKernel(), adapter).get('/health/ready');
    expect([res.status, res.body]).toEqual([200, { status: 'ok', checks: {} }]);
  });

  it('answers 503 BURROW_ERR_HEALTH_NOT_READY naming a failing check, with Retry-After and no stack', async () => {
    const kernel = await healthKernel();
    kernel.health.add('database', async () => {
      throw new Error('connection refused');
    });
    kernel.health.add('cache', () => {});
    const res = await agent(kernel, adapter).get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.code).toBe('BURROW_ERR_HEALTH_NOT_READY');
    expect(res.body.detail).toBe('not ready: database (connection refused)');
    expect(res.body.checks).toEqual({ database: { ok: false, ms: expect.any(Number), error: 'connection refused' }, cache: { ok: true, ms: expect.any(Number) } });
    expect(JSON.stringify(res.body)).not.toMatch(/\bat .*:\d+:\d+/);
  });

  it('counts a check that hangs past the timeout as failing, and answers soon after the timeout', async () => {
    const kernel = await healthKernel({ timeout: 50 });
    kernel.health.add('queue', () => new Promise<void>(() => {}));
    kernel.health.add('cache', () => {});
    const started = Date.now();
    const res = await agent(kernel, adapter).get('/health/ready');
    const took = Date.now() - started;
    expect(res.status).toBe(503);
    expect(res.body.detail).toBe('not ready: queue (no answer within 50 ms)');
    expect(res.body.checks.queue).toEqual({ ok: false, ms: expect.any(Number), error: 'no answer within 50 ms' });
    expect(res.body.checks.cache.ok).toBe(true);
    expect(took).toBeGreaterThanOrEqual(45);
    expect(took).toBeLessThan(1000);
  });

  it('reports a check that throws something other than an Error', async () => {
    const kernel = await healthKernel();
    kernel.health.add('queue', () => {
      throw 'queue is full';
    });
    kernel.health.add('disk', () => Promise.reject({ free: 0 }));
    const res = await agent(kernel, adapter).get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.detail).toBe('not ready: queue (queue is full), disk ({"free":0})');
    expect(res.body.checks.queue).toEqual({ ok: false, ms: expect.any(Number), error: 'queue is full' });
    expect(res.body.checks.disk).toEqual({ ok: false, ms: expect.any(Number), error: '{"free":0}' });
  });

  it('answers readiness 503 once the kernel is closing', async () => {
    const kernel = await healthKernel();
    const http = agent(kernel, adapter);
    const closed = kernel.close();
    const res = await http.get('/health/ready');
    await closed;
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.body.code).toBe('BURROW_ERR_UNAVAILABLE_SHUTTING_DOWN');
  });

  it('answers a readiness probe still running when the kernel closes with a failing closing check', async () => {
    const kernel = await fixtureKernel({ plugins: [health({ timeout: 200 })], closeTimeout: 10 });
    let asked!: () => void;
    const running = new Promise<void>((resolve) => (asked = resolve));
    kernel.health.add('queue', () => (asked(), new Promise<void>(() => {})));
    const probe = agent(kernel, adapter).get('/health/ready').then((res) => res);
    // The probe is inside the handler (running its checks) when close() begins.
    await running;
    await kernel.close();
    const res = await probe;
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.code).toBe('BURROW_ERR_HEALTH_NOT_READY');
    expect(res.body.checks.closing).toEqual({ ok: false, ms: 0, error: 'the kernel is closing' });
    expect(res.body.detail).toBe('not ready: queue (no answer within 200 ms), closing (the kernel is closing)');
  });
});

describe('health probes in the contract', () => {
  it('contributes healthLive and healthReady under options.path, tagged, with HealthStatus', async () => {
    const kernel = await healthKernel({ path: '/ops/health', tag: 'ops' });
    const paths = kernel.document.paths as Record<string, Record<string, any>>;
    expect(paths['/ops/health/live']!.get.operationId).toBe('healthLive');
    expect(paths['/ops/health/ready']!.get.operationId).toBe('healthReady');
    for (const path of ['/ops/health/live', '/ops/health/ready']) {
      expect(paths[path]!.get.security).toEqual([]);
      expect(paths[path]!.get.tags).toEqual(['ops']);
    }
    expect(paths['/ops/health/ready']!.get.responses['503']).toBeDefined();
    expect(paths['/health/live']).toBeUndefined();
    expect((kernel.document.components?.schemas as Record<string, unknown>).HealthStatus).toBeDefined();
    expect([...kernel.operations.keys()]).toEqual(expect.arrayContaining(['healthLive', 'healthReady']));
    const res = await agent(kernel, 'node').get('/ops/health/live');
    expect(res.status).toBe(200);
  });

  it('registers BURROW_ERR_HEALTH_NOT_READY under the plugin', async () => {
    const kernel = await healthKernel();
    expect(kernel.errors.ownerOf('BURROW_ERR_HEALTH_NOT_READY')).toBe('plugin health');
  });
});
