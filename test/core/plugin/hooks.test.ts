import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_PHASES, BurrowError, coreError, REQUEST_PHASES, createKernel, definePlugin, type Kernel, type RequestContext } from '../../../core/index.js';
import { FIXTURE, fixtureHandlers } from '../../helpers.js';

// The same augmentation as hooks.test-d.ts, where its typing is asserted.
declare module '../../../core/index.js' {
  interface RequestState {
    trace: string[];
  }
}

describe('hooks', () => {
  it('names the phases once, in pipeline order', () => {
    expect(REQUEST_PHASES).toEqual(['aroundRequest', 'onRequest', 'postRouting', 'postSecurity', 'preHandler', 'onSend', 'onResponse', 'onError']);
    expect(APP_PHASES).toEqual(['onReady', 'onClose']);
  });

  describe('in a running kernel', () => {
    let kernel: Kernel;
    const responses: { trace: string[]; status?: number }[] = [];
    const errors: string[] = [];
    let ready = false;
    beforeAll(async () => {
      const tracer = definePlugin({
        name: 'tracer',
        setup(k) {
          k.hooks.add('onRequest', (ctx) => void (ctx.state.trace = ['onRequest:' + String(ctx.operationId)]));
          k.hooks.add('postRouting', (ctx) => void ctx.state.trace.push('postRouting:' + ctx.operationId));
          k.hooks.add('postSecurity', (ctx) => void ctx.state.trace.push('postSecurity'));
          k.hooks.add('preHandler', (ctx) => {
            ctx.state.trace.push(`preHandler:${JSON.stringify(ctx.params)}`);
            if (ctx.headers['x-deny'] === 'yes') throw coreError('BURROW_ERR_AUTH_FORBIDDEN', { reasons: 'denied by a hook' });
          });
          k.hooks.add('onResponse', (ctx) => void responses.push({ trace: ctx.state.trace, status: ctx.response?.status }));
          k.hooks.add('onError', (_ctx, error) => void errors.push(error.code));
          k.hooks.add('onReady', () => void (ready = true));
        },
      });
      kernel = await createKernel({
        contract: FIXTURE,
        logger: { level: 'silent' },
        plugins: [tracer],
        handlers: {
          ...fixtureHandlers,
          getItem: (ctx: RequestContext) => {
            ctx.state.trace.push('handler');
            return { status: 200, body: { id: 1, name: 'n', email: 'a@b.co', age: 1, kind: 'a', createdAt: '2024-01-01T00:00:00Z' } };
          },
        },
      });
    });
    afterAll(() => kernel.close());

    it('runs onReady after boot', () => expect(ready).toBe(true));

    it('runs each phase in order, sharing typed request state', async () => {
      await kernel.inject('/items/5');
      await new Promise((r) => setImmediate(r));
      expect(responses.at(-1)).toEqual({
        trace: ['onRequest:undefined', 'postRouting:getItem', 'postSecurity', 'preHandler:{"id":5}', 'handler'],
        status: 200,
      });
    });

    it('answers a hook that throws with its problem, and tells onError hooks', async () => {
      const res = await kernel.inject({ url: '/items/5', headers: { 'x-deny': 'yes' } });
      expect(res.statusCode).toBe(403);
      expect(res.json().detail).toBe('denied by a hook');
      expect(errors.at(-1)).toBe('BURROW_ERR_AUTH_FORBIDDEN');
    });
  });

  it('runs onSend hooks with the final payload and headers, right before a reply or a problem is written', async () => {
    const seen: string[] = [];
    const sender = definePlugin({
      name: 'sender',
      setup: (k) =>
        k.hooks.add('onSend', (ctx, payload) => {
          seen.push(`${ctx.res.statusCode} ${ctx.res.getHeader('content-length')} ${payload === undefined ? '-' : Buffer.byteLength(payload)}`);
          ctx.res.setHeader('x-sent-by', 'hook');
        }),
    });
    const kernel = await createKernel({ contract: FIXTURE, handlers: fixtureHandlers, logger: { level: 'silent' }, plugins: [sender] });
    const ok = await kernel.inject('/hello');
    const missing = await kernel.inject('/nowhere');
    expect([ok.statusCode, ok.headers['x-sent-by'], missing.statusCode, missing.headers['x-sent-by']]).toEqual([200, 'hook', 404, 'hook']);
    expect(seen).toEqual([`200 ${ok.rawPayload.length} ${ok.rawPayload.length}`, `404 ${missing.rawPayload.length} ${missing.rawPayload.length}`]);
  });

  it('refuses an unknown phase at boot', async () => {
    const bad = definePlugin({ name: 'bad', setup: (k) => k.hooks.add('onTuesday' as never, (() => {}) as never) });
    const error = (await createKernel({ contract: FIXTURE, handlers: fixtureHandlers, plugins: [bad] }).catch((e) => e)) as BurrowError;
    expect(error.detail).toContain('unknown hook phase "onTuesday"');
  });
});
