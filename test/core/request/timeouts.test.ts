import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, type BurrowError, type Kernel, type KernelOptions, type RequestContext } from '../../../core/index.js';
import { ADAPTERS, agent, memoryLogger } from '../../helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const OK = { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } };

/** Root default 150 ms; `slowOwn` sets its own 40 ms; `fast` answers well within either. */
const contract = () => ({
  openapi: '3.1.0',
  info: { title: 'timeouts', version: '1' },
  'x-burrow-timeout': 150,
  paths: {
    '/own': { get: { operationId: 'slowOwn', 'x-burrow-timeout': 40, responses: OK } },
    '/default': { get: { operationId: 'slowDefault', responses: OK } },
    '/fast': { get: { operationId: 'fast', responses: OK } },
    '/sync': { get: { operationId: 'sync', 'x-burrow-timeout': 1, responses: OK } },
    '/rejects': { get: { operationId: 'rejectsLate', 'x-burrow-timeout': 30, responses: OK } },
  },
});

interface Seen {
  aborted?: boolean;
  reason?: unknown;
  lateAnswered?: boolean;
}

describe.each(ADAPTERS)('the handler timeout (%s)', (adapter) => {
  let kernel: Kernel;
  const { logger, lines } = memoryLogger();
  const seen: Record<string, Seen> = {};
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  /** Waits for the signal (or 400 ms), then answers 200: a late answer once the timeout elapsed. */
  const slow = (name: string) => async (ctx: RequestContext) => {
    const signal = ctx.signal;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 400);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve()));
    });
    seen[name] = { aborted: signal.aborted, reason: signal.reason };
    await sleep(20);
    seen[name]!.lateAnswered = true;
    return { status: 200, body: { late: true } };
  };

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    kernel = await createKernel({
      contract: contract(),
      logger,
      handlers: {
        slowOwn: slow('slowOwn'),
        slowDefault: slow('slowDefault'),
        fast: async () => (await sleep(5), { status: 200, body: { fast: true } }),
        // Synchronous: nothing to race, so even a 1 ms timeout cannot interrupt it.
        sync: () => {
          const until = Date.now() + 5;
          while (Date.now() < until);
          return { status: 200, body: { sync: true } };
        },
        rejectsLate: async () => {
          await sleep(80);
          throw new Error('too late to matter');
        },
      },
    });
  });
  afterAll(async () => {
    await kernel.close();
    process.off('unhandledRejection', onUnhandled);
  });
  afterEach(() => (lines.length = 0));

  it("answers 503 BURROW_ERR_HANDLER_TIMEOUT with Retry-After once the operation's own timeout elapses, aborting ctx.signal", async () => {
    const started = Date.now();
    const res = await agent(kernel, adapter).get('/own');
    expect(Date.now() - started).toBeLessThan(300);
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toMatchObject({ status: 503, code: 'BURROW_ERR_HANDLER_TIMEOUT', detail: 'slowOwn did not answer within 40 ms' });
    await sleep(60);
    expect(seen.slowOwn?.aborted).toBe(true);
    expect((seen.slowOwn?.reason as BurrowError).code).toBe('BURROW_ERR_HANDLER_TIMEOUT');
    expect((seen.slowOwn?.reason as Error).message).toContain('40 ms');
  });

  it('discards the late answer: one response, no second write, no unhandled rejection', async () => {
    const res = await agent(kernel, adapter).get('/own');
    expect(res.status).toBe(503);
    await sleep(80);
    expect(seen.slowOwn?.lateAnswered).toBe(true);
    const rejected = await agent(kernel, adapter).get('/rejects');
    expect(rejected.status).toBe(503);
    await sleep(120);
    expect(unhandled).toEqual([]);
    // The kernel still serves.
    expect((await agent(kernel, adapter).get('/fast')).status).toBe(200);
  });

  it('logs the timeout and the 503 on the access line', async () => {
    await agent(kernel, adapter).get('/own');
    const warning = lines.find((l) => l.message === 'handler timed out');
    expect(warning).toMatchObject({ level: 'warn', operationId: 'slowOwn', timeout: 40 });
    const access = lines.find((l) => l.message === 'request');
    expect(access).toMatchObject({ operationId: 'slowOwn', status: 503 });
  });

  it("applies the root's x-burrow-timeout to an operation that sets none", async () => {
    const res = await agent(kernel, adapter).get('/default');
    expect(res.status).toBe(503);
    expect(res.body.detail).toBe('slowDefault did not answer within 150 ms');
  });

  it('lets an answer within the timeout through, and cannot interrupt a synchronous handler', async () => {
    expect((await agent(kernel, adapter).get('/fast')).body).toEqual({ fast: true });
    expect((await agent(kernel, adapter).get('/sync')).body).toEqual({ sync: true });
  });
});

describe.each(ADAPTERS)('the kernel option handlerTimeout (%s)', (adapter) => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await createKernel({
      contract: {
        openapi: '3.1.0',
        info: { title: 'option', version: '1' },
        paths: {
          '/slow': { get: { operationId: 'slow', responses: OK } },
          '/patient': { get: { operationId: 'patient', 'x-burrow-timeout': 500, responses: OK } },
        },
      },
      handlerTimeout: 30,
      logger: { level: 'silent' },
      handlers: {
        slow: async () => (await sleep(150), { status: 200, body: {} }),
        patient: async () => (await sleep(80), { status: 200, body: { patient: true } }),
      },
    });
  });
  afterAll(() => kernel.close());

  it('times out an operation whose contract sets no timeout', async () => {
    const res = await agent(kernel, adapter).get('/slow');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'BURROW_ERR_HANDLER_TIMEOUT', detail: 'slow did not answer within 30 ms' });
  });

  it("gives way to the operation's x-burrow-timeout", async () => {
    const res = await agent(kernel, adapter).get('/patient');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ patient: true });
  });
});

describe('handler timeout options and values', () => {
  const base = (extra: Record<string, unknown>, op: Record<string, unknown> = {}, item: Record<string, unknown> = {}): KernelOptions['contract'] => ({
    openapi: '3.1.0',
    info: { title: 'bad', version: '1' },
    ...extra,
    paths: { '/a': { ...item, get: { operationId: 'a', responses: OK, ...op } } },
  });
  const boot = (contract: KernelOptions['contract'], options: Partial<KernelOptions> = {}) =>
    createKernel({ contract, handlers: { a: () => ({ status: 200, body: {} }) }, logger: { level: 'silent' }, ...options }).then(
      (k) => (void k.close(), undefined),
      (error: BurrowError) => error,
    );

  it('refuses a bad handlerTimeout', async () => {
    for (const value of [0, -5, Number.NaN, 2 ** 31]) {
      const error = await boot(base({}), { handlerTimeout: value });
      expect(error?.code).toBe('BURROW_ERR_BOOT_KERNEL_OPTION');
      expect(error?.detail).toContain('handlerTimeout');
    }
  });

  it('refuses a malformed x-burrow-timeout at boot, naming its pointer', async () => {
    const error = await boot(base({ 'x-burrow-timeout': '10s' }, { 'x-burrow-timeout': 0 }, { 'x-burrow-timeout': 50 }));
    expect(error?.code).toBe('BURROW_ERR_BOOT_CONFORMANCE');
    expect(error?.detail).toContain('#/x-burrow-timeout: x-burrow-timeout must be integer');
    expect(error?.detail).toContain('#/paths/~1a/get/x-burrow-timeout: x-burrow-timeout must be >= 1');
    expect(error?.detail).toContain('#/paths/~1a/x-burrow-timeout: x-burrow-timeout is read on an operation or at the root of the document, not on a path item');
    const tooLong = await boot(base({}, { 'x-burrow-timeout': 2 ** 31 }));
    expect(tooLong?.detail).toContain('#/paths/~1a/get/x-burrow-timeout: x-burrow-timeout must be <= 2147483647');
  });

  it('keeps the extensions in the served contract', async () => {
    const kernel = await createKernel({
      contract: base({ 'x-burrow-timeout': 100, 'x-burrow-body-limit': '1kb' }, { 'x-burrow-timeout': 50, 'x-burrow-body-limit': 10 }),
      handlers: { a: () => ({ status: 200, body: {} }) },
      logger: { level: 'silent' },
    });
    expect(kernel.document['x-burrow-timeout']).toBe(100);
    expect(kernel.document.paths?.['/a'].get['x-burrow-body-limit']).toBe(10);
    expect(kernel.operations.get('a')).toMatchObject({ timeout: 50, bodyLimit: 10 });
    expect(kernel.extensions.ownerOf('x-burrow-timeout')).toBe('burrow');
    await kernel.close();
  });
});
