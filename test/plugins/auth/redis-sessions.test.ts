import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBurrowError } from 'burrowjs';
import { redisSessions } from '../../../plugins/auth/internal/stores/redis-sessions.js';
import type { SessionRecord, SessionStore } from '../../../plugins/auth/internal/types.js';

const REDIS_URL = process.env.BURROW_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `burrow-test:${randomBytes(6).toString('hex')}:`;

const record = (id: string, timeout = 60, at = Date.now()): SessionRecord => ({
  id,
  secretHash: 'c2VjcmV0LWhhc2g',
  userId: '7',
  userName: 'ada',
  groups: ['member', 'admin'],
  scheme: 'sessionAuth',
  createdAt: at,
  lastSeenAt: at,
  timeout,
  remoteAddress: '127.0.0.1',
  userAgent: 'vitest',
});

async function expectUnavailable(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isBurrowError(error)).toBe(true);
  expect(error).toMatchObject({ code: 'BURROW_ERR_AUTH_STORE_UNAVAILABLE', status: 503, headers: { 'retry-after': '5' } });
  expect((error as Error).message).toContain('Redis session');
}

describe('redisSessions', () => {
  let admin: Redis;
  const stores: SessionStore[] = [];
  const open = (options: Partial<Parameters<typeof redisSessions>[0]> = {}) => {
    const store = redisSessions({ redis: REDIS_URL, prefix, ...options });
    stores.push(store);
    return store;
  };

  beforeAll(() => {
    admin = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length) await admin.del(...keys);
    await admin.quit();
  });

  it('stores a session under the prefix and reads it back whole', async () => {
    const store = open();
    const session = record('whole');
    await store.create(session);
    expect(store.kind).toBe('redis');
    expect(await store.get('whole')).toEqual(session);
    expect(await admin.exists(`${prefix}session:whole`)).toBe(1);
    expect(await admin.pttl(`${prefix}session:whole`)).toBeGreaterThan(50_000);
    expect(await store.get('unknown')).toBeUndefined();
  });

  it('is valid on every instance: two stores on separate connections see the same sessions', async () => {
    const a = open();
    const b = open();
    await a.create(record('shared'));
    expect((await b.get('shared'))?.userName).toBe('ada');
    expect((await b.list()).map((s) => s.id)).toContain('shared');
    expect(await b.delete('shared')).toBe(true);
    expect(await a.get('shared')).toBeUndefined();
    expect(await a.delete('shared')).toBe(false);
  });

  it('still sees a session after a restart (a store re-created on a new connection)', async () => {
    const before = open();
    await before.create(record('restart'));
    await before.close();
    const after = open();
    expect((await after.get('restart'))?.id).toBe('restart');
  });

  it('leaves an application-owned ioredis instance open on close', async () => {
    const own = new Redis(REDIS_URL);
    const store = redisSessions({ redis: own, prefix });
    await store.create(record('own'));
    await store.close();
    expect(await own.ping()).toBe('PONG');
    expect((await open().get('own'))?.id).toBe('own');
    await own.quit();
  });

  it('ends an idle session: Redis expires it, and get refuses one idle past its timeout', async () => {
    const store = open();
    await store.create(record('short', 1));
    expect(await store.get('short')).toBeDefined();
    // A record whose lastSeenAt is older than its timeout (clocks of instances differ) is refused and removed.
    await store.create(record('stale', 60, Date.now() - 61_000));
    expect(await store.get('stale')).toBeUndefined();
    expect(await admin.exists(`${prefix}session:stale`)).toBe(0);
    expect(await admin.zscore(`${prefix}sessions`, 'stale')).toBeNull();
  });

  it('slides the expiry on touch and records lastSeenAt', async () => {
    const store = open();
    const at = Date.now();
    await store.create(record('slide', 10, at));
    await admin.pexpire(`${prefix}session:slide`, 2000);
    await store.touch('slide', at + 5000);
    expect(await admin.pttl(`${prefix}session:slide`)).toBeGreaterThan(5000);
    expect((await store.get('slide'))?.lastSeenAt).toBe(at + 5000);
    await store.touch('slide', at + 1000); // an older touch (another instance, late) never moves it back
    expect((await store.get('slide'))?.lastSeenAt).toBe(at + 5000);
  });

  it('does not bring back an ended session on touch', async () => {
    const store = open();
    await store.create(record('ended'));
    await store.delete('ended');
    await store.touch('ended', Date.now());
    expect(await admin.exists(`${prefix}session:ended`)).toBe(0);
    expect(await store.get('ended')).toBeUndefined();
  });

  it('lists live sessions only and prunes the index of expired ones', async () => {
    const store = redisSessions({ redis: REDIS_URL, prefix: `${prefix}list:` });
    stores.push(store);
    await store.create(record('live'));
    await store.create(record('gone'));
    await admin.del(`${prefix}list:session:gone`); // expired by Redis: the index still names it
    expect((await store.list()).map((s) => s.id)).toEqual(['live']);
    expect(await admin.zrange(`${prefix}list:sessions`, 0, -1)).toEqual(['live']);
  });

  it('counts the live sessions of every instance, without those ended or expired', async () => {
    const a = redisSessions({ redis: REDIS_URL, prefix: `${prefix}count:` });
    const b = redisSessions({ redis: REDIS_URL, prefix: `${prefix}count:` });
    stores.push(a, b);
    expect(await a.count!()).toBe(0);
    await a.create(record('one'));
    await b.create(record('two'));
    await b.create(record('short', 1));
    expect([await a.count!(), await b.count!()]).toEqual([3, 3]);
    expect(await a.delete('two')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await b.count!()).toBe(1);
  });

  it('skips a foreign or unreadable hash under a session key', async () => {
    const store = open();
    await admin.hset(`${prefix}session:foreign`, { record: '{not json', lastSeenAt: '1', timeout: '60' });
    expect(await store.get('foreign')).toBeUndefined();
    await admin.hset(`${prefix}session:nonumbers`, { record: '{}', lastSeenAt: 'x', timeout: '60' });
    expect(await store.get('nonumbers')).toBeUndefined();
  });

  it('claims a key once across instances (replay protection)', async () => {
    const a = open();
    const b = open();
    expect(await a.claimOnce('nonce-1', 10_000)).toBe(true);
    expect(await b.claimOnce('nonce-1', 10_000)).toBe(false);
    expect(await admin.pttl(`${prefix}claim:nonce-1`)).toBeGreaterThan(5000);
  });

  it('takes a temporary value once, from any instance, and never after its ttl', async () => {
    const a = open();
    const b = open();
    await a.putTemporary('challenge', 'value-1', 10_000);
    expect(await b.takeTemporary('challenge')).toBe('value-1');
    expect(await a.takeTemporary('challenge')).toBeUndefined();
    await a.putTemporary('expired', 'value-2', 10_000);
    await admin.del(`${prefix}temp:expired`); // what Redis does at the ttl
    expect(await a.takeTemporary('expired')).toBeUndefined();
  });

  it('answers ping', async () => {
    await expect(open().ping()).resolves.toBeUndefined();
  });

  it('answers 503 BURROW_ERR_AUTH_STORE_UNAVAILABLE, without hanging, when Redis cannot be reached', { timeout: 5000 }, async () => {
    const store = open({ redis: 'redis://127.0.0.1:1' });
    await expectUnavailable(store.get('any'));
    await expectUnavailable(store.create(record('x')));
    await expectUnavailable(store.touch('x', Date.now()));
    await expectUnavailable(store.delete('x'));
    await expectUnavailable(store.list());
    await expectUnavailable(store.claimOnce('k', 1000));
    await expectUnavailable(store.putTemporary('k', 'v', 1000));
    await expectUnavailable(store.takeTemporary('k'));
    await expectUnavailable(store.ping());
  });

  describe('a Redis that goes down and comes back', () => {
    let port: number;
    let server: ChildProcess | undefined;

    const start = async () => {
      server = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      for await (const chunk of server.stdout!) {
        out += String(chunk);
        if (out.includes('Ready to accept connections')) break;
      }
    };
    const stop = async () => {
      const exited = once(server!, 'exit');
      server!.kill('SIGKILL');
      await exited;
      server = undefined;
    };

    beforeAll(async () => {
      const probe = createServer().listen(0, '127.0.0.1');
      await once(probe, 'listening');
      port = (probe.address() as { port: number }).port;
      probe.close();
      await once(probe, 'close');
    });
    afterAll(async () => {
      if (server) await stop();
    });

    it('takes temporary values with MULTI GET DEL on a server that refuses INFO and GETDEL (ACL)', { timeout: 10_000 }, async () => {
      await start();
      const setup = new Redis(port);
      await setup.acl('SETUSER', 'limited', 'on', 'nopass', '~*', '+@all', '-info', '-getdel');
      await setup.quit();
      const store = open({ redis: `redis://limited:x@127.0.0.1:${port}` });
      await store.putTemporary('challenge', 'v', 10_000);
      expect(await store.takeTemporary('challenge')).toBe('v');
      expect(await store.takeTemporary('challenge')).toBeUndefined();
      await store.close();
      await stop();
    });

    it('recovers without a restart of the store', { timeout: 15_000 }, async () => {
      await start();
      const store = open({ redis: `redis://127.0.0.1:${port}` });
      await store.create(record('durable'));
      expect((await store.get('durable'))?.id).toBe('durable');

      await stop();
      await expectUnavailable(store.get('durable'));
      await expectUnavailable(store.ping());

      await start(); // no persistence: the data is gone, the connection must come back
      await expect.poll(() => store.ping().then(() => 'up', () => 'down'), { timeout: 10_000, interval: 100 }).toBe('up');
      await store.create(record('after'));
      expect((await store.get('after'))?.id).toBe('after');
    });
  });
});
