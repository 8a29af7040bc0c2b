import { AsyncLocalStorage } from 'node:async_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { coreError, createKernel, definePlugin, type Kernel, type RequestContext } from '../../../core/index.js';
import { ADAPTERS, agent, FIXTURE, fixtureHandlers, memoryLogger } from '../../helpers.js';

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe.each(ADAPTERS)('aroundRequest hooks (%s)', (adapter) => {
  let kernel: Kernel;
  const { logger, lines } = memoryLogger();
  const trace: string[] = [];
  let responses = 0;
  const store = new AsyncLocalStorage<string>();
  beforeAll(async () => {
    const around = definePlugin({
      name: 'around',
      setup(k) {
        // The first registered is outermost; it runs the request in an async context (as tracing does).
        k.hooks.add('aroundRequest', async (ctx, next) => {
          if (ctx.headers['x-mode'] === 'throw-before') throw coreError('BURROW_ERR_AUTH_FORBIDDEN', { reasons: 'refused around' });
          if (ctx.headers['x-mode'] === 'skip') return;
          trace.push('outer:before');
          await store.run('request-context', next);
          trace.push(`outer:after:${ctx.res.writableEnded}:${ctx.res.statusCode}`);
          if (ctx.headers['x-mode'] === 'throw-after') throw new Error('outer failed after the answer');
        });
        k.hooks.add('aroundRequest', async (_ctx, next) => {
          trace.push('inner:before');
          await next();
          // A second call runs nothing.
          await next();
          trace.push('inner:after');
        });
        k.hooks.add('onRequest', () => void trace.push(`onRequest:${store.getStore()}`));
        k.hooks.add('onResponse', () => void responses++);
      },
    });
    kernel = await createKernel({
      contract: FIXTURE,
      logger,
      plugins: [around],
      handlers: {
        ...fixtureHandlers,
        hello: (ctx: RequestContext) => {
          trace.push(`handler:${store.getStore()}`);
          if (ctx.headers['x-mode'] === 'handler-throws') throw new Error('boom');
          return { status: 200, body: { hello: 'world' } };
        },
      },
    });
  });
  afterAll(() => kernel.close());
  afterEach(() => {
    trace.length = 0;
    lines.length = 0;
    responses = 0;
  });
  const get = (mode?: string) => {
    const req = agent(kernel, adapter).get('/hello');
    return mode ? req.set('x-mode', mode) : req;
  };
  const accessLines = () => lines.filter((l) => l.message === 'request');

  it('nests in registration order, the whole request (hooks, handler, send) inside next()', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    await flush();
    expect(trace).toEqual(['outer:before', 'inner:before', 'onRequest:request-context', 'handler:request-context', 'inner:after', 'outer:after:true:200']);
    expect(responses).toBe(1);
    expect(accessLines()).toHaveLength(1);
  });

  it('answers a failure inside next(), before the hooks resume', async () => {
    const res = await get('handler-throws');
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('BURROW_ERR_SERVER_INTERNAL');
    expect(trace.at(-1)).toBe('outer:after:true:500');
  });

  it('answers the problem of a hook that throws before next(), counted and finished once', async () => {
    const res = await get('throw-before');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'BURROW_ERR_AUTH_FORBIDDEN', detail: 'refused around' });
    await flush();
    expect(trace).toEqual([]);
    expect(responses).toBe(1);
    expect(accessLines()).toMatchObject([{ status: 403 }]);
    expect(kernel.closing).toBe(false);
  });

  it('answers 500 when a hook settles without calling next()', async () => {
    const res = await get('skip');
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('BURROW_ERR_SERVER_INTERNAL');
    expect(lines.find((l) => l.message === 'unhandled error')?.error.message).toContain('without calling next()');
    await flush();
    expect(responses).toBe(1);
  });

  it('logs a hook that throws once the answer is sent, leaving the answer alone', async () => {
    const res = await get('throw-after');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ hello: 'world' });
    await flush();
    expect(lines.find((l) => l.message === 'aroundRequest hook failed')?.error.message).toBe('outer failed after the answer');
    expect(responses).toBe(1);
    expect(accessLines()).toHaveLength(1);
  });
});

describe('a kernel without aroundRequest hooks', () => {
  it('serves as before (the hooks list is empty)', async () => {
    const kernel = await createKernel({ contract: FIXTURE, handlers: fixtureHandlers, logger: { level: 'silent' } });
    expect(kernel.hooks.list('aroundRequest')).toEqual([]);
    const res = await kernel.inject('/hello');
    expect(res.json()).toEqual({ hello: 'world' });
    await kernel.close();
  });
});

describe.each(ADAPTERS)('the access line (%s)', (adapter) => {
  let kernel: Kernel;
  const { logger, lines } = memoryLogger();
  let seen: Readonly<Record<string, unknown>> | undefined;
  beforeAll(async () => {
    const fields = definePlugin({
      name: 'fields',
      setup(k) {
        k.hooks.add('onRequest', (ctx) => {
          seen = ctx.logFields;
          ctx.logWith({ traceId: 't-1' });
        });
        k.hooks.add('postSecurity', (ctx) => ctx.logWith({ principalId: 'u-7', status: 'not the status' }));
      },
    });
    kernel = await createKernel({ contract: FIXTURE, handlers: fixtureHandlers, logger, plugins: [fields] });
  });
  afterAll(() => kernel.close());

  it('carries the fields added with ctx.logWith(), exposed read-only as ctx.logFields', async () => {
    let fieldsAtHandler: Readonly<Record<string, unknown>> | undefined;
    kernel.operations.get('hello')!.handler = (ctx: RequestContext) => {
      fieldsAtHandler = ctx.logFields;
      ctx.log.info('in the handler');
      return { status: 200, body: { hello: 'world' } };
    };
    await agent(kernel, adapter).get('/hello').expect(200);
    expect(seen).toEqual({});
    expect(fieldsAtHandler).toEqual({ traceId: 't-1', principalId: 'u-7', status: 'not the status' });
    expect(Object.isFrozen(fieldsAtHandler)).toBe(true);
    expect(() => ((fieldsAtHandler as Record<string, unknown>).traceId = 'x')).toThrow(TypeError);
    const access = lines.find((l) => l.message === 'request');
    // The line's own fields win over a plugin's of the same name.
    expect(access).toMatchObject({ operationId: 'hello', status: 200, traceId: 't-1', principalId: 'u-7' });
    expect(lines.find((l) => l.message === 'in the handler')).toMatchObject({ traceId: 't-1', principalId: 'u-7' });
    lines.length = 0;
  });
});
