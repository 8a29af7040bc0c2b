import { describe, expectTypeOf, it } from 'vitest';
import type { AppHook, AroundHook, BurrowError, ErrorHook, Hooks, Kernel, RequestContext, RequestHook } from '../../../core/index.js';

// Request state is typed by declaration merging (the augmentation hooks.test.ts relies on).
declare module '../../../core/index.js' {
  interface RequestState {
    trace: string[];
  }
}

declare const kernel: Kernel;

describe('hook types', () => {
  it('type request state added by declaration merging, in hooks and handlers alike', () => {
    expectTypeOf<RequestContext['state']['trace']>().toEqualTypeOf<string[]>();
    kernel.hooks.add('preHandler', (ctx) => {
      expectTypeOf(ctx.state.trace).toEqualTypeOf<string[]>();
      // @ts-expect-error state nobody declared
      void ctx.state.undeclared;
    });
  });

  it('give each phase its hook signature', () => {
    kernel.hooks.add('onRequest', (ctx) => {
      expectTypeOf(ctx).toEqualTypeOf<RequestContext>();
    });
    kernel.hooks.add('onError', (ctx, error) => {
      expectTypeOf(ctx).toEqualTypeOf<RequestContext>();
      expectTypeOf(error).toEqualTypeOf<BurrowError>();
    });
    kernel.hooks.add('onReady', () => undefined);
    kernel.hooks.add('aroundRequest', async (ctx, next) => {
      expectTypeOf(ctx).toEqualTypeOf<RequestContext>();
      expectTypeOf(next).toEqualTypeOf<() => Promise<void>>();
      await next();
    });
    expectTypeOf(kernel.hooks.list('aroundRequest')).toEqualTypeOf<readonly AroundHook[]>();
    expectTypeOf(kernel.hooks.list('postRouting')).toEqualTypeOf<readonly RequestHook[]>();
    expectTypeOf(kernel.hooks.list('onError')).toEqualTypeOf<readonly ErrorHook[]>();
    expectTypeOf(kernel.hooks.list('onClose')).toEqualTypeOf<readonly AppHook[]>();
  });

  it('refuse an unknown phase and a hook of the wrong phase at compile time', () => {
    // @ts-expect-error no such phase
    kernel.hooks.add('onTuesday', () => undefined);
    // @ts-expect-error an app hook takes no request
    kernel.hooks.add('onReady', (ctx: RequestContext) => void ctx.id);
    expectTypeOf<Parameters<Hooks['add']>[0]>().toEqualTypeOf<
      'aroundRequest' | 'onRequest' | 'postRouting' | 'postSecurity' | 'preHandler' | 'onSend' | 'onResponse' | 'onError' | 'onReady' | 'onClose'
    >();
  });
});
