/**
 * The `service.call` event: one per method call that settles, published by a wrapper of
 * `dispatcher.invoke` (the one way a method runs, like the spans' wrapper) — only while
 * the event has a subscriber. Without one a call costs the bus's `listenerCount` (a map
 * lookup) and nothing else: nothing is timed, allocated or published.
 */
import type { EventBus, RequestContext } from 'burrowjs';
import type { Dispatcher, InvokeResult, ServiceMethodEntry } from './dispatch.js';
import type { ServiceCallEvent } from './instances.js';
import { principalOf } from './call.js';

/** The event's name. */
export const CALL_EVENT = 'service.call';

/**
 * Wraps `dispatcher.invoke` to publish `service.call` on `events` when each call settles:
 * its service, method, operation, transport, duration, outcome, the code of its error and
 * its principal id. The call's result and error pass through untouched.
 */
export function withCallEvents<D extends Dispatcher>(dispatcher: D, events: EventBus): D {
  const invoke = dispatcher.invoke.bind(dispatcher);
  dispatcher.invoke = (ctx, entry, input, options) => {
    if (events.listenerCount(CALL_EVENT) === 0) return invoke(ctx, entry, input, options);
    const started = performance.now();
    const transport = options?.transport ?? 'inproc';
    let running: Promise<InvokeResult>;
    try {
      running = invoke(ctx, entry, input, options);
    } catch (error) {
      events.emit(CALL_EVENT, payload(ctx, entry, transport, started, error));
      throw error;
    }
    return running.then(
      (result) => {
        events.emit(CALL_EVENT, payload(ctx, entry, transport, started, undefined, true));
        return result;
      },
      (error: unknown) => {
        events.emit(CALL_EVENT, payload(ctx, entry, transport, started, error));
        throw error;
      },
    );
  };
  return dispatcher;
}

function payload(ctx: RequestContext, entry: ServiceMethodEntry, transport: ServiceCallEvent['transport'], started: number, error: unknown, ok = false): ServiceCallEvent {
  const event: ServiceCallEvent = { service: entry.service, method: entry.method, operationId: entry.operationId, transport, durationMs: performance.now() - started, ok };
  if (!ok) {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string') event.code = code;
  }
  const id = principalOf(ctx)?.id as unknown;
  if (typeof id === 'string' || typeof id === 'number') event.principalId = String(id);
  return event;
}
