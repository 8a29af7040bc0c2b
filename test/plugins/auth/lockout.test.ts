import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBurrowError, type RequestContext } from 'burrowjs';
import { createLockout, type LockoutOptions } from '../../../plugins/auth/internal/lockout.js';

const REDIS_URL = process.env.BURROW_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const basePrefix = `burrow-test:${randomBytes(6).toString('hex')}:`;

/** A request as the lockout reads it: the socket's peer address, and headers a client may forge. */
const from = (remoteAddress: string, headers: Record<string, string> = {}) =>
  ({ req: { socket: { remoteAddress } }, headers }) as unknown as RequestContext;

async function rejection(promise: Promise<unknown>) {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => {
      expect(isBurrowError(error)).toBe(true);
      return error as { code: string; status: number; headers: Record<string, string>; message: string };
    },
  );
}

const STORES = ['memory', 'redis'] as const;

describe.each(STORES)('createLockout (%s)', (store) => {
  let n = 0;
  const closers: (() => Promise<void>)[] = [];
  /** A lockout on its own keys (a fresh prefix), or on `prefix` to share another's counters. */
  const make = (options: LockoutOptions = {}, prefix = `${basePrefix}${store}:${++n}:`) => {
    const lockout = createLockout({ ...(store === 'redis' ? { redis: REDIS_URL, prefix } : {}), ...options });
    closers.push(() => lockout.close());
    return lockout;
  };
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
  });

  it('locks an account after `attempts` failures, with Retry-After = duration', async () => {
    const lockout = make({ attempts: 3, duration: 600 });
    const ctx = from('10.0.0.1');
    await lockout.check(ctx, 'ada');
    await lockout.fail(ctx, 'ada');
    await lockout.fail(ctx, 'ada');
    await lockout.check(ctx, 'ada');
    const error = await rejection(lockout.fail(ctx, 'ada'));
    expect(error).toMatchObject({ code: 'BURROW_ERR_AUTH_LOCKED', status: 429, headers: { 'retry-after': '600' } });
    expect(error.message).toBe('too many failed attempts; retry in 600 s');
    const checked = await rejection(lockout.check(ctx, 'ada'));
    expect(checked.code).toBe('BURROW_ERR_AUTH_LOCKED');
    const seconds = Number(checked.headers['retry-after']);
    expect(seconds).toBeGreaterThan(590);
    expect(seconds).toBeLessThanOrEqual(600);
  });

  it('locks the account from any address, and by name whatever its case', async () => {
    const lockout = make({ attempts: 2 });
    await lockout.fail(from('10.0.0.1'), 'Ada');
    await rejection(lockout.fail(from('10.0.0.2'), 'ADA'));
    expect((await rejection(lockout.check(from('10.0.0.3'), 'ada'))).code).toBe('BURROW_ERR_AUTH_LOCKED');
    await lockout.check(from('10.0.0.3'), 'grace'); // another account is not locked
  });

  it('keeps counting, locked, a failure past the limit', async () => {
    const lockout = make({ attempts: 1, duration: 60 });
    await rejection(lockout.fail(from('10.0.0.1'), 'ada'));
    const again = await rejection(lockout.fail(from('10.0.0.1'), 'ada'));
    expect(again.code).toBe('BURROW_ERR_AUTH_LOCKED');
    expect(Number(again.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it('locks an address after `addressAttempts` failures, whatever the accounts', async () => {
    const lockout = make({ attempts: 5, addressAttempts: 3, duration: 300 });
    const ctx = from('10.0.0.9');
    await lockout.fail(ctx, 'a');
    await lockout.fail(ctx, 'b');
    const error = await rejection(lockout.fail(ctx, 'c'));
    expect(error).toMatchObject({ code: 'BURROW_ERR_AUTH_LOCKED', headers: { 'retry-after': '300' } });
    expect((await rejection(lockout.check(ctx, 'someone-else'))).code).toBe('BURROW_ERR_AUTH_LOCKED');
    await lockout.check(from('10.0.0.10'), 'someone-else'); // another address is not locked
  });

  it('counts the socket address, not X-Forwarded-For (a header the client writes)', async () => {
    const lockout = make({ attempts: 10, addressAttempts: 2 });
    await lockout.fail(from('10.0.0.7', { 'x-forwarded-for': '1.1.1.1' }), 'a');
    await rejection(lockout.fail(from('10.0.0.7', { 'x-forwarded-for': '2.2.2.2' }), 'b'));
    expect((await rejection(lockout.check(from('10.0.0.7', { 'x-forwarded-for': '3.3.3.3' }), 'c'))).code).toBe('BURROW_ERR_AUTH_LOCKED');
  });

  it('counts an IPv4 client seen over IPv6 (::ffff:) as the same address', async () => {
    const lockout = make({ attempts: 10, addressAttempts: 2 });
    await lockout.fail(from('::ffff:10.0.0.8'), 'a');
    await rejection(lockout.fail(from('10.0.0.8'), 'b'));
  });

  it('counts the empty account (API keys: no account) against the address only', async () => {
    const lockout = make({ attempts: 1, addressAttempts: 3 });
    await lockout.fail(from('10.0.0.5'), '');
    await lockout.fail(from('10.0.0.5'), '');
    await lockout.check(from('10.0.0.5'), '');
    await lockout.check(from('10.0.0.6'), '');
    await lockout.succeed(from('10.0.0.5'), '');
    expect((await rejection(lockout.fail(from('10.0.0.5'), ''))).code).toBe('BURROW_ERR_AUTH_LOCKED');
    await lockout.check(from('10.0.0.6'), ''); // another address is not locked
  });

  it('resets the account after a success', async () => {
    const lockout = make({ attempts: 3 });
    const ctx = from('10.0.0.1');
    await lockout.fail(ctx, 'ada');
    await lockout.fail(ctx, 'ada');
    await lockout.succeed(ctx, 'ada');
    await lockout.fail(ctx, 'ada');
    await lockout.fail(ctx, 'ada');
    await lockout.check(ctx, 'ada');
  });

  it('keys a very long account name without storing it whole', async () => {
    const lockout = make({ attempts: 1 });
    const long = 'x'.repeat(10_000);
    await rejection(lockout.fail(from('10.0.0.1'), long));
    expect((await rejection(lockout.check(from('10.0.0.2'), long.toUpperCase()))).code).toBe('BURROW_ERR_AUTH_LOCKED');
    await lockout.check(from('10.0.0.2'), 'x'.repeat(9_999));
  });

  it('refuses options that are not positive integers', () => {
    expect(() => createLockout({ attempts: 0 })).toThrow(/attempts/);
    expect(() => createLockout({ duration: 1.5 })).toThrow(/duration/);
    expect(() => createLockout({ addressAttempts: -1 })).toThrow(/addressAttempts/);
  });

  if (store === 'redis') {
    it('shares failures between instances (two lockouts on one Redis prefix)', async () => {
      const prefix = `${basePrefix}shared:`;
      const one = make({ attempts: 3 }, prefix);
      const two = make({ attempts: 3 }, prefix);
      await one.fail(from('10.0.0.1'), 'ada');
      await two.fail(from('10.0.0.1'), 'ada');
      await rejection(one.fail(from('10.0.0.1'), 'ada'));
      expect((await rejection(two.check(from('10.0.0.1'), 'ada'))).code).toBe('BURROW_ERR_AUTH_LOCKED');
      await two.succeed(from('10.0.0.1'), 'ada');
      await one.check(from('10.0.0.1'), 'ada');
    });

    it('answers 503 (no silent fallback to memory) when Redis cannot be reached', { timeout: 5000 }, async () => {
      const lockout = make({ redis: 'redis://127.0.0.1:1' });
      for (const attempt of [lockout.check(from('10.0.0.1'), 'ada'), lockout.fail(from('10.0.0.1'), 'ada'), lockout.succeed(from('10.0.0.1'), 'ada')]) {
        const error = await rejection(attempt);
        expect(error).toMatchObject({ code: 'BURROW_ERR_AUTH_STORE_UNAVAILABLE', status: 503, headers: { 'retry-after': '5' } });
        expect(error.message).toContain('Redis lockout');
      }
    });

    it('leaves an application-owned ioredis instance open on close', async () => {
      const own = new Redis(REDIS_URL);
      const lockout = createLockout({ redis: own, prefix: `${basePrefix}own:` });
      await lockout.fail(from('10.0.0.1'), 'ada');
      await lockout.close();
      expect(await own.ping()).toBe('PONG');
      await own.quit();
    });
  }
});

describe('lockout keys in Redis', () => {
  let admin: Redis;
  beforeAll(() => {
    admin = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    const keys = await admin.keys(`${basePrefix}*`);
    if (keys.length) await admin.del(...keys);
    await admin.quit();
  });

  it('lives under the prefix, per account and per address, and expires', async () => {
    const prefix = `${basePrefix}keys:`;
    const lockout = createLockout({ redis: REDIS_URL, prefix, duration: 120 });
    await lockout.fail(from('10.0.0.1'), 'Ada');
    await lockout.close();
    expect(await admin.get(`${prefix}lockout:account:ada`)).toBe('1');
    expect(await admin.get(`${prefix}lockout:address:10.0.0.1`)).toBe('1');
    const ttl = await admin.pttl(`${prefix}lockout:account:ada`);
    expect(ttl).toBeGreaterThan(100_000);
    expect(ttl).toBeLessThanOrEqual(120_000);
  });
});
