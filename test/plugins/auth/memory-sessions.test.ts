import { afterEach, describe, expect, it } from 'vitest';
import { memorySessions } from '../../../plugins/auth/internal/stores/memory-sessions.js';
import type { SessionRecord, SessionStore } from '../../../plugins/auth/internal/types.js';

const record = (id: string, at: number, timeout = 60): SessionRecord => ({
  id,
  secretHash: 'hash',
  userId: '1',
  userName: 'ada',
  groups: ['member'],
  scheme: 'sessionAuth',
  createdAt: at,
  lastSeenAt: at,
  timeout,
});

describe('memorySessions', () => {
  let clock = 1_000_000;
  let store: SessionStore;
  const open = () => (store = memorySessions({ now: () => clock }));
  afterEach(() => store?.close());

  it('creates, gets, lists and deletes sessions', async () => {
    open();
    await store.create(record('a', clock));
    await store.create(record('b', clock));
    expect(store.kind).toBe('memory');
    expect((await store.get('a'))?.userName).toBe('ada');
    expect((await store.list()).map((s) => s.id).sort()).toEqual(['a', 'b']);
    expect(await store.delete('a')).toBe(true);
    expect(await store.delete('a')).toBe(false);
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('unknown')).toBeUndefined();
  });

  it('hands out copies: changing a record read does not change the store', async () => {
    open();
    await store.create(record('a', clock));
    const read = (await store.get('a'))!;
    read.groups.push('admin');
    read.userName = 'eve';
    expect(await store.get('a')).toMatchObject({ userName: 'ada', groups: ['member'] });
  });

  it('ends a session idle longer than its timeout, on get (idle timeout)', async () => {
    open();
    await store.create(record('a', clock, 60));
    clock += 60_000;
    expect(await store.get('a')).toBeDefined();
    clock += 1;
    expect(await store.get('a')).toBeUndefined();
    clock -= 60_001;
    expect(await store.get('a')).toBeUndefined(); // deleted, not merely hidden
  });

  it('slides the idle timeout on touch', async () => {
    open();
    await store.create(record('a', clock, 60));
    clock += 50_000;
    await store.touch('a', clock);
    clock += 50_000;
    expect((await store.get('a'))?.lastSeenAt).toBe(clock - 50_000);
    clock += 60_001;
    expect(await store.get('a')).toBeUndefined();
  });

  it('leaves idled-out sessions out of the listing', async () => {
    open();
    await store.create(record('old', clock, 10));
    await store.create(record('new', clock, 100));
    clock += 20_000;
    expect((await store.list()).map((s) => s.id)).toEqual(['new']);
  });

  it('counts the live sessions: neither idled-out nor deleted ones', async () => {
    open();
    await store.create(record('old', clock, 10));
    await store.create(record('new', clock, 100));
    expect(await store.count!()).toBe(2);
    clock += 20_000;
    expect(await store.count!()).toBe(1);
    await store.delete('new');
    expect(await store.count!()).toBe(0);
  });

  it('claims a key once within its ttl, and again after (replay protection)', async () => {
    open();
    expect(await store.claimOnce('nonce', 1000)).toBe(true);
    expect(await store.claimOnce('nonce', 1000)).toBe(false);
    clock += 1000;
    expect(await store.claimOnce('nonce', 1000)).toBe(true);
  });

  it('takes a temporary value once, and not after its ttl', async () => {
    open();
    await store.putTemporary('challenge', 'v1', 1000);
    expect(await store.takeTemporary('challenge')).toBe('v1');
    expect(await store.takeTemporary('challenge')).toBeUndefined();
    await store.putTemporary('late', 'v2', 1000);
    clock += 1000;
    expect(await store.takeTemporary('late')).toBeUndefined();
  });

  it('sweeps idle sessions out of memory with a timer, without any read', async () => {
    store = memorySessions({ now: () => clock, sweepInterval: 5 });
    await store.create(record('a', clock, 1));
    clock += 2000;
    await new Promise((resolve) => setTimeout(resolve, 50));
    clock -= 2000; // back in time: a session still in the map would be live again
    expect(await store.get('a')).toBeUndefined();
  });

  it('keeps a session the sweep finds live', async () => {
    store = memorySessions({ now: () => clock, sweepInterval: 5 });
    await store.create(record('a', clock, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await store.get('a')).toBeDefined();
  });

  it('answers ping', async () => {
    open();
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
