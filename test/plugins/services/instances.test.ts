import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from 'burrowjs';
import { defineService, instanceCounts, services } from 'burrowjs/plugins/services';
import { basicOf, method, newJournal, nextDisposed, post, servicesKernel, type Journal } from './harness.js';

describe('services: idle keyed instances are evicted and disposed', () => {
  let kernel: Kernel;
  let journal: Journal;
  beforeAll(async () => {
    journal = newJournal();
    // 0.2 s idle, swept every 0.05 s: eviction is awaited through its event, never timed.
    kernel = await servicesKernel({ journal, plugin: { idleTimeout: 0.2, sweepInterval: 0.05 } });
  });
  afterAll(() => kernel?.close());

  it('disposes an unused perUser instance after its idle timeout (dispose awaited before the event); the next call makes a new one', async () => {
    const first = (await post(kernel, '/user/hit', basicOf('ada'))).body.instance;
    const disposed = await nextDisposed(kernel, 'User');
    expect(disposed.reason).toBe('idle');
    expect(journal.disposed).toContainEqual({ service: 'User', instance: first });
    expect(instanceCounts(kernel).User).toBe(0);
    expect((await post(kernel, '/user/hit', basicOf('ada'))).body.instance).not.toBe(first);
  });

  it('never evicts an instance while a call runs on it, however long', async () => {
    const running = post(kernel, '/driven/hit', basicOf('ada'), { wait: true });
    while (!journal.waiting.length) await sleep(5);
    // Several idle timeouts pass while the call holds the instance.
    await sleep(500);
    expect(journal.disposed.filter((d) => d.service === 'Driven')).toEqual([]);
    const disposed = nextDisposed(kernel, 'Driven');
    journal.waiting.shift()!();
    const res = await running;
    expect(res.status).toBe(200);
    expect((await disposed).reason).toBe('idle');
    expect((await post(kernel, '/driven/hit', { ...basicOf('ada'), 'x-burrow-instance': res.headers['x-burrow-instance'] as string })).status).toBe(404);
  });

  it('keeps the shared instance for the life of the kernel', async () => {
    const first = (await post(kernel, '/shared/hit')).body.instance;
    await sleep(300);
    expect((await post(kernel, '/shared/hit')).body.instance).toBe(first);
  });
});

describe('services: creation', () => {
  const contract = {
    openapi: '3.1.0',
    info: { title: 'creation', version: '1' },
    paths: { '/slow/hit': { post: method('Slow', 'hit', []) }, '/flaky/hit': { post: method('Flaky', 'hit', []) } },
  };

  it('makes ONE shared instance under concurrent first calls to an async create, and every call runs on it', async () => {
    let made = 0;
    let hits = 0;
    const slow = defineService('Slow', {
      lifetime: 'shared',
      create: async () => {
        made++;
        await sleep(20);
        return { hit: () => ({ instance: made, hits: ++hits }) };
      },
    });
    const flaky = defineService('Flaky', { create: () => ({ hit: () => ({ instance: 0, hits: 0 }) }) });
    const kernel = await createKernel({ contract: contract as never, contractCache: false, logger: { level: 'silent' }, plugins: [services({ services: [slow, flaky] })] });
    try {
      const created: string[] = [];
      kernel.events.on('service.instance.created', (e) => void created.push(e.service));
      const answers = await Promise.all(Array.from({ length: 20 }, () => post(kernel, '/slow/hit')));
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
      expect(made).toBe(1);
      expect(new Set(answers.map((a) => a.body.instance))).toEqual(new Set([1]));
      expect(answers.map((a) => a.body.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      await kernel.events.idle();
      expect(created).toEqual(['Slow']);
      expect(instanceCounts(kernel)).toEqual({ Slow: 1, Flaky: 0 });
    } finally {
      await kernel.close();
    }
  });

  it('a failing create answers its error and caches nothing: the next call tries again', async () => {
    let attempts = 0;
    const flaky = defineService('Flaky', {
      lifetime: 'shared',
      create: async () => {
        if (++attempts === 1) throw new Error('database not ready');
        return { hit: () => ({ instance: attempts, hits: 1 }) };
      },
    });
    const slow = defineService('Slow', { create: () => ({ hit: () => ({ instance: 0, hits: 0 }) }) });
    const kernel = await createKernel({ contract: contract as never, contractCache: false, logger: { level: 'silent' }, plugins: [services({ services: [slow, flaky] })] });
    try {
      const failed = await post(kernel, '/flaky/hit');
      expect([failed.status, failed.body.code]).toEqual([500, 'BURROW_ERR_SERVER_INTERNAL']);
      expect(JSON.stringify(failed.body)).not.toContain('database not ready');
      expect((await post(kernel, '/flaky/hit')).body).toEqual({ instance: 2, hits: 1 });
      expect(attempts).toBe(2);
    } finally {
      await kernel.close();
    }
  });

  it('disposes every live instance at kernel close (dispose awaited), reason close', async () => {
    const journal = newJournal();
    const kernel = await servicesKernel({ journal });
    await post(kernel, '/shared/hit');
    await post(kernel, '/user/hit', basicOf('ada'));
    await post(kernel, '/driven/hit');
    await kernel.close();
    expect(journal.disposed.map((d) => d.service).sort()).toEqual(['Driven', 'Shared', 'User']);
    expect(instanceCounts(kernel)).toEqual({});
  });
});
