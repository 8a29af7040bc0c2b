import { describe, expect, it } from 'vitest';
import { createEventBus, createKernel, definePlugin, type OpenApiDocument } from '../../../core/index.js';
import { memoryLogger } from '../../helpers.js';

// The bus is typed by declaration merging, as a plugin does it (the form core's TSDoc shows).
declare module 'burrowjs' {
  interface BurrowEvents {
    'test.events.ping': { n: number };
    'test.events.other': { n: number };
  }
}

/** Lets the event loop turn a few times: the bus delivers on `setImmediate`. */
const turns = async (count = 3) => {
  for (let i = 0; i < count; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** A promise and the function that resolves it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('the event bus', () => {
  it('delivers payloads to every subscriber, in publication order then subscription order', async () => {
    const bus = createEventBus(memoryLogger().logger);
    const calls: string[] = [];
    bus.on('test.events.ping', ({ n }) => void calls.push(`a${n}`));
    bus.on('test.events.ping', ({ n }) => void calls.push(`b${n}`));
    bus.on('test.events.other', ({ n }) => void calls.push(`other${n}`));
    bus.emit('test.events.ping', { n: 1 });
    bus.emit('test.events.other', { n: 2 });
    bus.emit('test.events.ping', { n: 3 });
    await bus.idle();
    expect(calls).toEqual(['a1', 'b1', 'other2', 'a3', 'b3']);
  });

  it('calls no subscriber synchronously from emit', async () => {
    const bus = createEventBus(memoryLogger().logger);
    const calls: number[] = [];
    bus.on('test.events.ping', ({ n }) => void calls.push(n));
    bus.emit('test.events.ping', { n: 1 });
    expect(calls).toEqual([]);
    await Promise.resolve();
    expect(calls).toEqual([]);
    await bus.idle();
    expect(calls).toEqual([1]);
  });

  it('logs a subscriber that throws or rejects, with the event name; the publisher and the other subscribers do not notice', async () => {
    const { logger, lines } = memoryLogger();
    const bus = createEventBus(logger);
    const calls: string[] = [];
    bus.on('test.events.ping', () => {
      throw new Error('sync failure');
    });
    bus.on('test.events.ping', async () => {
      await Promise.resolve();
      throw new Error('async failure');
    });
    bus.on('test.events.ping', ({ n }) => void calls.push(`last${n}`));
    expect(() => bus.emit('test.events.ping', { n: 1 })).not.toThrow();
    bus.emit('test.events.ping', { n: 2 });
    await bus.idle();
    expect(calls).toEqual(['last1', 'last2']);
    const failures = lines.filter((line) => line.message === 'event subscriber failed');
    expect(failures).toHaveLength(4);
    expect(failures.every((line) => line.level === 'error' && line.event === 'test.events.ping')).toBe(true);
  });

  it('stops delivering to a subscriber once it unsubscribed', async () => {
    const bus = createEventBus(memoryLogger().logger);
    const calls: number[] = [];
    const off = bus.on('test.events.ping', ({ n }) => void calls.push(n));
    bus.on('test.events.ping', () => {});
    expect(bus.listenerCount('test.events.ping')).toBe(2);
    bus.emit('test.events.ping', { n: 1 });
    await bus.idle();
    off();
    expect(bus.listenerCount('test.events.ping')).toBe(1);
    bus.emit('test.events.ping', { n: 2 });
    await bus.idle();
    expect(calls).toEqual([1]);
    off();
    expect(bus.listenerCount('test.events.ping')).toBe(1);
  });

  it('resolves idle() only once async subscribers have settled, and at once when none is pending', async () => {
    const bus = createEventBus(memoryLogger().logger);
    await expect(bus.idle()).resolves.toBeUndefined();
    const slow = gate();
    const done: string[] = [];
    bus.on('test.events.ping', async () => {
      await slow.opened;
      done.push('slow');
    });
    bus.on('test.events.ping', () => void done.push('fast'));
    bus.emit('test.events.ping', { n: 1 });
    let idle = false;
    const waiting = bus.idle().then(() => (idle = true));
    await turns(5);
    expect(done).toEqual(['fast']);
    expect(idle).toBe(false);
    slow.open();
    await waiting;
    expect(done).toEqual(['fast', 'slow']);
  });
});

const pingContract: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'events', version: '1' },
  paths: {
    '/ping': {
      post: {
        operationId: 'ping',
        responses: { '200': { description: 'pong', content: { 'application/json': { schema: { type: 'object', required: ['ok'], properties: { ok: { const: true } } } } } } },
      },
    },
  },
};

describe('kernel.events', () => {
  it('answers 200 to a request whose handler published an event a subscriber fails on, and logs the failure', async () => {
    const { logger, lines } = memoryLogger();
    const received: number[] = [];
    const audit = definePlugin({
      name: 'audit',
      setup(kernel) {
        kernel.events.on('test.events.ping', () => {
          throw new Error('audit store is down');
        });
        kernel.events.on('test.events.ping', ({ n }) => void received.push(n));
      },
    });
    let publish!: (n: number) => void;
    const kernel = await createKernel({
      contract: pingContract,
      contractCache: false,
      logger,
      plugins: [audit],
      handlers: { ping: () => (publish(7), { status: 200, body: { ok: true } }) },
    });
    publish = (n) => kernel.events.emit('test.events.ping', { n });
    const res = await kernel.inject({ method: 'POST', url: '/ping' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    await kernel.events.idle();
    expect(received).toEqual([7]);
    expect(lines.filter((l) => l.message === 'event subscriber failed').map((l) => [l.level, l.event])).toEqual([['error', 'test.events.ping']]);
    await kernel.close();
  });

  it('waits in close() for pending subscribers before the shutdown steps run', async () => {
    const { logger } = memoryLogger();
    const order: string[] = [];
    const slow = gate();
    const kernel = await createKernel({ contract: pingContract, contractCache: false, logger, handlers: { ping: () => ({ status: 200, body: { ok: true } }) } });
    kernel.events.on('test.events.ping', async () => {
      await slow.opened;
      order.push('subscriber settled');
    });
    kernel.shutdown.add('flush', () => void order.push('shutdown step'));
    kernel.hooks.add('onClose', () => void order.push('onClose hook'));
    kernel.events.emit('test.events.ping', { n: 1 });
    const closing = kernel.close();
    await turns(5);
    expect(order).toEqual([]);
    slow.open();
    await closing;
    expect(order[0]).toBe('subscriber settled');
    expect(order.slice(1).sort()).toEqual(['onClose hook', 'shutdown step']);
  });
});
