import { afterEach, describe, expect, it } from 'vitest';
import { ADAPTERS, agent } from '../../helpers.js';
import type { Kernel } from '../../../core/index.js';
import { limitContract, limitKernel } from './helpers.js';

let kernel: Kernel | undefined;
afterEach(async () => {
  await kernel?.close();
  kernel = undefined;
});

describe.each(ADAPTERS)('rate limits over %s', (adapter) => {
  it('counts down in the RateLimit header, then answers 429 problem+json with Retry-After', async () => {
    kernel = await limitKernel(limitContract({ open: { points: 2, duration: 60 } }));
    const http = agent(kernel, adapter);
    const first = await http.get('/open');
    expect([first.status, first.headers['ratelimit-policy'], first.headers.ratelimit]).toEqual([200, '"open";q=2;w=60', '"open";r=1;t=60']);
    const second = await http.get('/open');
    expect([second.status, second.headers.ratelimit]).toEqual([200, '"open";r=0;t=60']);
    const third = await http.get('/open');
    expect(third.status).toBe(429);
    expect(third.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(third.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(Number(third.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(third.headers['ratelimit-policy']).toBe('"open";q=2;w=60');
    expect(third.headers.ratelimit).toBe(`"open";r=0;t=${third.headers['retry-after']}`);
    expect(third.body).toMatchObject({
      status: 429,
      code: 'BURROW_ERR_RATELIMIT_EXCEEDED',
      policy: 'open',
      retryAfter: Number(third.headers['retry-after']),
    });
    expect(third.body.detail).toBe(`the rate limit "open" (2 requests per 60 s per client address) is exhausted: retry in ${third.headers['retry-after']} s`);
    // Another operation without a limit is not touched.
    const other = await http.get('/other');
    expect([other.status, other.headers.ratelimit]).toEqual([200, undefined]);
  });

  it('applies the root policy to every operation, one budget across them; an operation overrides it or turns it off with false', async () => {
    kernel = await limitKernel(limitContract({ user: { points: 5, duration: '1m', name: 'users' }, keyed: false }, { points: 2, duration: '1h' }));
    const http = agent(kernel, adapter);
    const a = await http.get('/open');
    expect([a.headers['ratelimit-policy'], a.headers.ratelimit]).toEqual(['"api";q=2;w=3600', '"api";r=1;t=3600']);
    expect((await http.get('/other')).headers.ratelimit).toBe('"api";r=0;t=3600');
    expect((await http.get('/open')).status).toBe(429);
    expect((await http.get('/other')).status).toBe(429);
    const user = await http.get('/user');
    expect([user.status, user.headers['ratelimit-policy']]).toEqual([200, '"users";q=5;w=60']);
    for (let i = 0; i < 4; i++) {
      const keyed = await http.get('/keyed');
      expect([keyed.status, keyed.headers.ratelimit]).toEqual([200, undefined]);
    }
  });

  it('applies several policies of one operation, each with its own header item', async () => {
    kernel = await limitKernel(limitContract({ open: [{ points: 3, duration: 60, name: 'minute' }, { points: 1, duration: 1, name: 'second' }] }));
    const http = agent(kernel, adapter);
    const first = await http.get('/open');
    expect([first.headers['ratelimit-policy'], first.headers.ratelimit]).toEqual(['"minute";q=3;w=60, "second";q=1;w=1', '"minute";r=2;t=60, "second";r=0;t=1']);
    const second = await http.get('/open');
    expect([second.status, second.body.policy]).toEqual([429, 'second']);
  });

  it('keys by principal (the address when anonymous), by group, by API key', async () => {
    kernel = await limitKernel(
      limitContract({ user: [{ points: 1, duration: 60, key: 'principal', name: 'byPrincipal' }], keyed: { points: 1, duration: 60, key: 'apiKey' } }, { points: 1, duration: 60, key: 'group', name: 'byGroup' }),
    );
    const http = agent(kernel, adapter);
    // principal
    expect((await http.get('/user').set('x-user', 'ada')).status).toBe(200);
    expect((await http.get('/user').set('x-user', 'ada')).status).toBe(429);
    expect((await http.get('/user').set('x-user', 'bob')).status).toBe(200);
    expect((await http.get('/user')).status).toBe(200); // anonymous: by address
    expect((await http.get('/user')).status).toBe(429);
    // group (the root policy): one budget for the group, whoever the member
    expect((await http.get('/open')).status).toBe(200); // no principal: by address
    expect((await http.get('/open')).status).toBe(429);
    // apiKey
    expect((await http.get('/keyed').set('x-api-key', 'k1')).status).toBe(200);
    expect((await http.get('/keyed').set('x-api-key', 'k1')).status).toBe(429);
    expect((await http.get('/keyed').set('x-api-key', 'k2')).status).toBe(200);
    // A token principal is not an API key: counted by address (a new address budget here).
    expect((await http.get('/keyed').set('x-user', 'ada')).status).toBe(200);
    expect((await http.get('/keyed').set('x-user', 'bob')).status).toBe(429);
  });

  it('keys by the first group of the principal', async () => {
    kernel = await limitKernel(limitContract({ user: { points: 2, duration: 60, key: 'group' } }));
    const http = agent(kernel, adapter);
    expect((await http.get('/user').set('x-user', 'ada:staff,admin')).status).toBe(200);
    expect((await http.get('/user').set('x-user', 'bob:staff')).status).toBe(200);
    expect((await http.get('/user').set('x-user', 'eve:staff')).status).toBe(429);
    expect((await http.get('/user').set('x-user', 'ivy:guests')).status).toBe(200);
    // No group: per principal.
    expect((await http.get('/user').set('x-user', 'zed')).status).toBe(200);
    expect((await http.get('/user').set('x-user', 'zed')).status).toBe(200);
    expect((await http.get('/user').set('x-user', 'zed')).status).toBe(429);
  });

  it('does not count exempt groups (the policy’s and the plugin’s)', async () => {
    kernel = await limitKernel(limitContract({ user: { points: 1, duration: 60, key: 'principal', exempt: ['admin'] } }, { points: 1, duration: 60 }), { exempt: ['ops'] });
    const http = agent(kernel, adapter);
    for (let i = 0; i < 3; i++) {
      const res = await http.get('/user').set('x-user', 'root:admin');
      expect([res.status, res.headers.ratelimit]).toEqual([200, undefined]);
      expect((await http.get('/user').set('x-user', 'sam:ops')).status).toBe(200);
    }
    expect((await http.get('/user').set('x-user', 'ada:member')).status).toBe(200);
    expect((await http.get('/user').set('x-user', 'ada:member')).status).toBe(429);
  });

  it('allows a burst once the points are spent, then refuses until the burst window ends', async () => {
    kernel = await limitKernel(limitContract({ open: { points: 1, duration: 60, burst: { points: 2, duration: 1 } } }));
    const http = agent(kernel, adapter);
    expect((await http.get('/open')).status).toBe(200);
    expect((await http.get('/open')).status).toBe(200); // burst
    expect((await http.get('/open')).status).toBe(200); // burst
    const refused = await http.get('/open');
    expect([refused.status, refused.headers['retry-after']]).toEqual([429, '1']);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await http.get('/open')).status).toBe(200);
  });

  it('believes X-Forwarded-For only from a trusted proxy (the kernel’s trustProxy)', async () => {
    kernel = await limitKernel(limitContract({ open: { points: 1, duration: 60 } }));
    let http = agent(kernel, adapter);
    expect((await http.get('/open').set('x-forwarded-for', '203.0.113.1')).status).toBe(200);
    // A forged address from an untrusted peer changes nothing: same key, refused.
    expect((await http.get('/open').set('x-forwarded-for', '203.0.113.2')).status).toBe(429);
    await kernel.close();

    kernel = await limitKernel(limitContract({ open: { points: 1, duration: 60 } }), undefined, { trustProxy: 'loopback' });
    http = agent(kernel, adapter);
    expect((await http.get('/open').set('x-forwarded-for', '203.0.113.1')).status).toBe(200);
    expect((await http.get('/open').set('x-forwarded-for', '203.0.113.1')).status).toBe(429);
    // The trusted proxy names another client: its own budget.
    expect((await http.get('/open').set('x-forwarded-for', '203.0.113.2')).status).toBe(200);
  });

  it('emits rateLimit.rejected with the operation, the kind of key and the policy', async () => {
    kernel = await limitKernel(limitContract({ user: { points: 1, duration: 60, key: 'principal' } }));
    const seen: unknown[] = [];
    kernel.events.on('rateLimit.rejected', (payload) => void seen.push(payload));
    const http = agent(kernel, adapter);
    await http.get('/user').set('x-user', 'ada');
    expect(seen).toEqual([]);
    await http.get('/user').set('x-user', 'ada');
    expect(seen).toEqual([{ operationId: 'user', key: 'principal', policy: 'user' }]);
  });

  it('sends no RateLimit headers with headers: false (Retry-After stays)', async () => {
    kernel = await limitKernel(limitContract({ open: { points: 1, duration: 60 } }), { headers: false });
    const http = agent(kernel, adapter);
    const ok = await http.get('/open');
    expect([ok.status, ok.headers.ratelimit, ok.headers['ratelimit-policy']]).toEqual([200, undefined, undefined]);
    const refused = await http.get('/open');
    expect([refused.status, refused.headers.ratelimit, refused.headers['retry-after']]).toEqual([429, undefined, '60']);
  });
});
