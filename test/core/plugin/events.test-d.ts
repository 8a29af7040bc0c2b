import { describe, expectTypeOf, it } from 'vitest';
import type { BurrowEvents, EventListener, EventName, Kernel } from '../../../core/index.js';

// An application declares its events by merging into BurrowEvents, as a plugin does.
declare module '../../../core/index.js' {
  interface BurrowEvents {
    'typetest.order.placed': { orderId: string; total: number };
    'typetest.order.cancelled': { orderId: string; reason?: string };
  }
}

declare const kernel: Kernel;

describe('kernel.events types', () => {
  it('know the declared event names', () => {
    expectTypeOf<'typetest.order.placed'>().toExtend<EventName>();
    expectTypeOf<BurrowEvents['typetest.order.placed']>().toEqualTypeOf<{ orderId: string; total: number }>();
    // @ts-expect-error nobody declared this event
    kernel.events.on('typetest.order.lost', () => undefined);
    // @ts-expect-error nor may it be published
    kernel.events.emit('typetest.order.lost', {});
  });

  it('type a subscriber payload by event name', () => {
    kernel.events.on('typetest.order.placed', (payload) => {
      expectTypeOf(payload).toEqualTypeOf<{ orderId: string; total: number }>();
    });
    kernel.events.on('typetest.order.cancelled', async ({ reason }) => {
      expectTypeOf(reason).toEqualTypeOf<string | undefined>();
    });
    expectTypeOf<EventListener<'typetest.order.placed'>>().parameter(0).toEqualTypeOf<{ orderId: string; total: number }>();
    expectTypeOf(kernel.events.on('typetest.order.placed', () => undefined)).toEqualTypeOf<() => void>();
  });

  it('check a published payload against its event', () => {
    kernel.events.emit('typetest.order.placed', { orderId: 'o-1', total: 12 });
    // @ts-expect-error total is a number
    kernel.events.emit('typetest.order.placed', { orderId: 'o-1', total: '12' });
    // @ts-expect-error total is required
    kernel.events.emit('typetest.order.placed', { orderId: 'o-1' });
    // @ts-expect-error a payload of another event
    kernel.events.emit('typetest.order.placed', { orderId: 'o-1', reason: 'late' });
  });
});
