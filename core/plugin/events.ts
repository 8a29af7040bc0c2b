import type { Logger } from 'winston';
import { errorFields } from '../kernel/logger.js';

/**
 * The events of the kernel's bus, by name. The core declares it empty; a plugin
 * adds its events by declaration merging, and `kernel.events` is typed accordingly.
 *
 * @example
 * declare module 'burrowjs' {
 *   interface BurrowEvents { 'resource.created': { model: string; id: string } }
 * }
 * kernel.events.on('resource.created', ({ model, id }) => cache.invalidate(model, id))
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface BurrowEvents {}

/** A name of {@link BurrowEvents}. */
export type EventName = keyof BurrowEvents & string;

/** A subscriber; it may be async. What it throws (or rejects with) is logged, never propagated. */
export type EventListener<E extends EventName> = (payload: BurrowEvents[E]) => void | Promise<void>;

/**
 * The kernel's event bus: publish and subscribe by event name. Subscribers run
 * after the publisher's current work (on the next turn of the event loop), each
 * isolated: one that throws or rejects is logged with the event name, and neither
 * the publisher (a request) nor the other subscribers notice.
 */
export interface EventBus {
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends EventName>(event: E, listener: EventListener<E>): () => void;
  /** Publishes an event to its subscribers (none is called synchronously). */
  emit<E extends EventName>(event: E, payload: BurrowEvents[E]): void;
  /** The number of subscribers of an event. */
  listenerCount(event: EventName): number;
  /** Resolves once every subscriber call published so far has settled (tests, graceful close). */
  idle(): Promise<void>;
}

/** Creates an event bus that logs the failures of its subscribers on `logger`. */
export function createEventBus(logger: Logger): EventBus {
  const listeners = new Map<string, Set<(payload: unknown) => void | Promise<void>>>();
  let pending = 0;
  let waiters: (() => void)[] = [];
  const settle = () => {
    if (--pending > 0) return;
    const resolved = waiters;
    waiters = [];
    for (const resolve of resolved) resolve();
  };
  const deliver = async (event: string, listener: (payload: unknown) => void | Promise<void>, payload: unknown) => {
    try {
      await listener(payload);
    } catch (error) {
      logger.error('event subscriber failed', { event, error: errorFields(error) });
    } finally {
      settle();
    }
  };
  return {
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const fn = listener as (payload: unknown) => void | Promise<void>;
      set.add(fn);
      return () => void set.delete(fn);
    },
    emit(event, payload) {
      const set = listeners.get(event);
      if (!set?.size) return;
      for (const listener of [...set]) {
        pending++;
        setImmediate(deliver, event, listener, payload);
      }
    },
    listenerCount: (event) => listeners.get(event)?.size ?? 0,
    idle: () => (pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}
