import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../helpers.js';
import type { Kernel } from '../../../core/index.js';
import { limitContract, limitKernel } from './helpers.js';

const REDIS_URL = process.env.BURROW_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// One prefix per run: runs in parallel (or an earlier crash) never share counters.
const PREFIX = `burrow:rl:test:${randomUUID()}:`;
const admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });

const kernels: Kernel[] = [];
afterEach(async () => {
  for (const kernel of kernels.splice(0)) await kernel.close();
});
afterAll(async () => {
  const keys = await admin.keys(`${PREFIX}*`);
  if (keys.length) await admin.del(...keys);
  await admin.quit();
});

describe('the Redis store', () => {
  it('shares a limit between two kernel instances', async () => {
    const contract = limitContract({ open: { points: 3, duration: 60 } });
    const a = await limitKernel(contract, { redis: REDIS_URL, keyPrefix: PREFIX });
    const b = await limitKernel(contract, { redis: REDIS_URL, keyPrefix: PREFIX, onStoreError: 'deny' });
    kernels.push(a, b);
    expect((await b.checkHealth()).checks['rate-limit']).toEqual({ ok: true });
    const one = await a.inject('/open');
    expect([one.statusCode, one.headers.ratelimit]).toEqual([200, '"open";r=2;t=60']);
    expect((await b.inject('/open')).headers.ratelimit).toBe('"open";r=1;t=60');
    expect((await a.inject('/open')).headers.ratelimit).toBe('"open";r=0;t=60');
    const refused = await b.inject('/open');
    expect([refused.statusCode, refused.json().code]).toEqual([429, 'BURROW_ERR_RATELIMIT_EXCEEDED']);
    expect((await a.inject('/open')).statusCode).toBe(429);
    expect(await admin.keys(`${PREFIX}open:*`)).toHaveLength(1);
  });

  it('counts a burst in Redis too', async () => {
    const kernel = await limitKernel(limitContract({ open: { points: 1, duration: 60, name: 'bursty', burst: { points: 1, duration: 5 } } }), { redis: REDIS_URL, keyPrefix: PREFIX });
    kernels.push(kernel);
    expect((await kernel.inject('/open')).statusCode).toBe(200);
    expect((await kernel.inject('/open')).statusCode).toBe(200);
    const refused = await kernel.inject('/open');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(5);
  });

  it('leaves an ioredis instance of the application open on close', async () => {
    const client = new Redis(REDIS_URL);
    const kernel = await limitKernel(limitContract({ open: { points: 5, duration: 60, name: 'own' } }), { redis: client, keyPrefix: PREFIX });
    expect((await kernel.inject('/open')).headers.ratelimit).toBe('"own";r=4;t=60');
    await kernel.close();
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });

  it('serves uncounted requests while Redis is unreachable (onStoreError: allow), with one warning', async () => {
    const { logger, lines } = memoryLogger();
    const kernel = await limitKernel(limitContract({ open: { points: 1, duration: 60 } }), { redis: 'redis://127.0.0.1:1', keyPrefix: PREFIX }, { logger });
    kernels.push(kernel);
    const started = Date.now();
    for (let i = 0; i < 3; i++) {
      const res = await kernel.inject('/open');
      expect([res.statusCode, res.headers.ratelimit]).toEqual([200, undefined]);
    }
    expect(Date.now() - started).toBeLessThan(3500);
    expect(lines.filter((l) => String(l.message).startsWith('rate-limit: the store failed'))).toHaveLength(1);
    // Serving on: the outage does not make the instance unready.
    expect((await kernel.checkHealth()).checks['rate-limit']).toBeUndefined();
  });

  it('answers 503 BURROW_ERR_RATELIMIT_STORE_UNAVAILABLE with onStoreError: deny, without hanging', async () => {
    const kernel = await limitKernel(limitContract({ open: { points: 1, duration: 60 } }), { redis: 'redis://127.0.0.1:1', keyPrefix: PREFIX, onStoreError: 'deny' });
    kernels.push(kernel);
    const started = Date.now();
    const res = await kernel.inject('/open');
    expect(Date.now() - started).toBeLessThan(1500);
    expect([res.statusCode, res.headers['retry-after'], res.json().code]).toEqual([503, '5', 'BURROW_ERR_RATELIMIT_STORE_UNAVAILABLE']);
    expect(JSON.stringify(res.json())).not.toContain('127.0.0.1');
    // Refusing: readiness says so (a load balancer sends traffic to instances whose Redis answers).
    expect((await kernel.checkHealth()).checks['rate-limit']).toMatchObject({ ok: false });
  });
});
