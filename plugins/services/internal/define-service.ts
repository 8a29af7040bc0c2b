/**
 * What an application writes: `defineService(name, { lifetime, create })`, and the
 * types a method sees (`ServiceCall`) and is checked against (`ServiceMethod<Op>`,
 * used by the `Services` interface `burrow types` generates).
 */
import type { BodyOf, RequestContext } from 'burrowjs';
import type { Lifetime } from './dispatch.js';

/**
 * The caller as the services plugin reads it from `ctx.principal` (the auth plugin's
 * `Principal` has this shape). perUser keys on `id`, perGroup on `groups[0]`,
 * perSession on `sessionId`; a clientDriven instance belongs to `id`.
 */
export interface ServicePrincipal {
  id: string;
  name?: string;
  groups?: readonly string[];
  /** The scheme that authenticated (named by BURROW_ERR_SERVICE_SESSION_REQUIRED). */
  scheme?: string;
  sessionId?: string;
}

/** A service seen from another one: each method takes its input and answers a promise of its result. */
export type ServiceProxy<Impl> = {
  [K in keyof Impl as Impl[K] extends (...args: never[]) => unknown ? K : never]: Impl[K] extends (input: infer I, ...rest: never[]) => infer R
    ? (input: I) => Promise<Awaited<R>>
    : never;
};

/** Other services, called in-process with the same caller (their lifetimes apply; no HTTP, no validation). */
export interface ServiceLocator {
  /**
   * A proxy of the service `name`. A clientDriven service gets one instance per proxy.
   *
   * @example
   * const calc = call.services.get<Services['Calculator']>('Calculator')
   * const { result } = await calc.add({ a: 1, b: 2 })
   */
  get<Impl = Record<string, (input: unknown) => unknown>>(name: string): ServiceProxy<Impl>;
}

/** What each method call sees, as its second argument. */
export interface ServiceCall<Context = unknown> {
  /** The authenticated caller (`ctx.principal`), or undefined. */
  readonly principal: ServicePrincipal | undefined;
  /** The caller's session (`principal.sessionId`), when its credentials carry one. */
  readonly sessionId: string | undefined;
  /** The request's logger (request id, operationId, principal id on every line). */
  readonly log: RequestContext['log'];
  /** Aborted when the client goes away, or when the service's `timeout` fires. */
  readonly signal: AbortSignal;
  /** Other services of the app. */
  readonly services: ServiceLocator;
  /** The `context` given to the plugin (`services({ context: { prisma } })`). */
  readonly context: Context;
  /** The clientDriven instance the call runs on. */
  readonly instanceId: string | undefined;
  /** The request (REST or JSON-RPC) the call is part of. */
  readonly ctx: RequestContext;
}

/** What `create` is given. */
export interface ServiceInit<Context = unknown> {
  /** The caller whose call makes the instance (undefined for a shared instance made without one). */
  principal: ServicePrincipal | undefined;
  /** What the instance is kept by: the session id, user id, group or instance id (undefined for perCall and shared). */
  key: string | undefined;
  lifetime: Lifetime;
  services: ServiceLocator;
  context: Context;
  log: RequestContext['log'];
}

/** What an instance may add to its methods. */
export interface ServiceLifecycle {
  /** Awaited when the instance is released, idles out, its session ends or the kernel closes (after each call for perCall). */
  dispose?(): void | Promise<void>;
}

type SuccessStatus = 200 | 201 | 202 | 203 | 204 | 205 | 206 | 207 | 208 | 226;
type ContentBody<R> = R extends { content: infer C } ? C[keyof C] : void;

/** The result of a service method: the JSON body of its operation's 2xx response (`void` for 204). */
export type ResultOf<Op> = Op extends { responses: infer R }
  ? [keyof R & (SuccessStatus | `${SuccessStatus}`)] extends [never]
    ? void
    : { [S in keyof R & (SuccessStatus | `${SuccessStatus}`)]: ContentBody<R[S]> }[keyof R & (SuccessStatus | `${SuccessStatus}`)]
  : void;

/**
 * A service method typed from its contract operation (`operations['calculatorAdd']`
 * of the generated types): its input is the JSON request body, its result the body
 * of its 2xx response. `burrow types` writes one per method in `interface Services`.
 */
export type ServiceMethod<Op> = (input: BodyOf<Op>, call: ServiceCall) => ResultOf<Op> | Promise<ResultOf<Op>>;

/** A service implementation as {@link defineService} registers it. */
export interface ServiceDefinition<Impl extends object = object> {
  readonly name: string;
  readonly lifetime: Lifetime;
  readonly create: (init: ServiceInit) => (Impl & ServiceLifecycle) | Promise<Impl & ServiceLifecycle>;
  /** Seconds a keyed instance (clientDriven, perSession, perUser, perGroup) may stay unused; default: the plugin's. */
  readonly idleTimeout?: number;
  /** Milliseconds a call may run before it is answered 503 and its signal aborted; default: none. */
  readonly timeout?: number;
}

/** What `defineService` takes besides the name. */
export interface ServiceSpec<Impl extends object> {
  /** `perCall` (default), `shared`, `clientDriven`, `perSession`, `perUser` or `perGroup`. */
  lifetime?: Lifetime;
  /** Makes an instance: an object with a function per method (and an optional `dispose`); may be async. */
  create: (init: ServiceInit) => (Impl & ServiceLifecycle) | Promise<Impl & ServiceLifecycle>;
  idleTimeout?: number;
  timeout?: number;
}

const LIFETIMES: readonly Lifetime[] = ['perCall', 'shared', 'clientDriven', 'perSession', 'perUser', 'perGroup'];

/**
 * Registers the implementation of a service the contract declares (operations marked
 * `x-burrow-service: { service: name }`). Type it with the generated interface so that a
 * missing method or a wrong result fails `tsc`.
 *
 * @example
 * import type { Services } from './generated/api.js'
 * export const calculator = defineService<Services['Calculator']>('Calculator', {
 *   lifetime: 'shared',
 *   create: () => ({ add: ({ a, b }) => ({ result: a + b }) }),
 * })
 */
export function defineService<Impl extends object = Record<string, (input: never, call: ServiceCall) => unknown>>(name: string, spec: ServiceSpec<Impl>): ServiceDefinition<Impl> {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) throw new Error(`defineService: "${name}" is not a service name (PascalCase letters and digits: Calculator)`);
  const lifetime = spec.lifetime ?? 'perCall';
  if (!LIFETIMES.includes(lifetime)) throw new Error(`defineService(${name}): lifetime must be one of ${LIFETIMES.join(', ')} (got ${String(lifetime)})`);
  if (typeof spec.create !== 'function') throw new Error(`defineService(${name}): create must be a function that makes an instance`);
  if (spec.idleTimeout !== undefined && !(spec.idleTimeout > 0)) throw new Error(`defineService(${name}): idleTimeout must be a positive number of seconds`);
  if (spec.timeout !== undefined && !(Number.isInteger(spec.timeout) && spec.timeout > 0)) throw new Error(`defineService(${name}): timeout must be a positive integer of milliseconds`);
  return { name, lifetime, create: spec.create, idleTimeout: spec.idleTimeout, timeout: spec.timeout };
}
