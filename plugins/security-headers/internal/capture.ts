/**
 * helmet's middleware sets the same headers on every response, unless a CSP directive is a
 * function (a nonce). So it runs once, at setup, against a response that records what it
 * does; each request then replays the recording: a loop of `setHeader`, no middleware chain.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What helmet did to a response. */
export interface Recording {
  set: [name: string, value: string | number | readonly string[]][];
  removed: string[];
}

/** A connect-style middleware, as helmet returns it. */
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * Runs `middleware` once against a recording response. Undefined when what it did cannot
 * be replayed: it did not call `next` synchronously, or passed it an error (then thrown),
 * or read the request or the response.
 */
export function record(middleware: Middleware): Recording | undefined {
  const recording: Recording = { set: [], removed: [] };
  let readSomething = false;
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      recording.set.push([name, value]);
      return res;
    },
    removeHeader(name: string) {
      recording.removed.push(name);
    },
  };
  const spy = <T extends object>(target: T) =>
    new Proxy(target, {
      get(object, key, receiver) {
        if (key !== 'setHeader' && key !== 'removeHeader') readSomething = true;
        return Reflect.get(object, key, receiver);
      },
    });
  let done = false;
  let failure: unknown;
  middleware(spy({}) as IncomingMessage, spy(res) as unknown as ServerResponse, (error) => {
    done = true;
    failure = error;
  });
  if (failure) throw failure;
  return done && !readSomething ? recording : undefined;
}

/** True when a CSP directive of helmet's options is computed per request (a function: a nonce). */
export function hasDynamicDirective(contentSecurityPolicy: unknown): boolean {
  if (!contentSecurityPolicy || typeof contentSecurityPolicy !== 'object') return false;
  const directives = (contentSecurityPolicy as { directives?: Record<string, unknown> }).directives ?? {};
  return Object.values(directives).some((value) => value != null && typeof value === 'object' && Symbol.iterator in value && [...(value as Iterable<unknown>)].some((entry) => typeof entry === 'function'));
}
