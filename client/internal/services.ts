import type { Client } from 'openapi-fetch';
import { networkProblem, problemOf, ProblemError } from './problem-error.js';

/** The REST route of one service method (an operation marked `x-burrow-service`). */
export interface ServiceMethodRoute {
  /** Lower case, as in the contract: `post`. */
  method: 'get' | 'put' | 'post' | 'delete' | 'patch';
  /** The operation's path, under the client's `baseUrl`: `/calculator/add`. */
  path: string;
}

/** The routes of one service: its methods and, for a clientDriven one, where its instances are released. */
export interface ServiceRoutes {
  methods: Record<string, ServiceMethodRoute>;
  /**
   * A clientDriven service: the path of its instances (`/services/Import/instances`).
   * The proxy keeps the `X-Burrow-Instance` the first call answers, sends it on the next
   * calls, and `release()` sends `DELETE {instances}/{id}`.
   */
  instances?: string;
}

/** The runtime map the proxies call through (`burrow client` writes it as `services.ts`). */
export type ServiceMap = Record<string, ServiceRoutes>;

/** What every service proxy has beside its methods (meaningful for clientDriven services). */
export interface ServiceInstanceControls {
  /** The clientDriven instance this proxy uses, or undefined before its first call and after `release()`. */
  instance(): string | undefined;
  /** Ends the clientDriven instance on the server (`DELETE …/instances/{id}`) and forgets it; nothing to do without one. */
  release(): Promise<void>;
}

type ClientMethodOf<F> = F extends (input: infer I, ...rest: never[]) => infer R
  ? [I] extends [undefined | void]
    ? () => Promise<Awaited<R>>
    : undefined extends I
      ? (input?: I) => Promise<Awaited<R>>
      : (input: I) => Promise<Awaited<R>>
  : never;

/** The proxy of one service interface: each method `(input) => Promise<result>` (the server's `call` parameter dropped). */
export type ServiceClient<S> = { [M in keyof S as S[M] extends (...args: never[]) => unknown ? M : never]: ClientMethodOf<S[M]> } & Omit<ServiceInstanceControls, keyof S>;

/**
 * The proxies of the `Services` interfaces `burrow types` generates: for
 * `Calculator: { add(input: Operands, call: ServiceCall): Result | Promise<Result> }`,
 * `Calculator: { add(input: Operands): Promise<Result> }` plus `instance()` and `release()`.
 */
export type ServiceClients<Services> = { [Name in keyof Services]: ServiceClient<Services[Name]> };

/** The proxies of a client created without `Services` types: any method, any input. */
export type UntypedServiceClients = Record<string, ServiceInstanceControls & Record<string, (input?: unknown) => Promise<unknown>>>;

type SuccessStatus = 200 | 201 | 202 | 203 | 204 | 205 | 206 | 207 | 208 | 226;
type ContentOf<B> = B extends { content: infer C } ? C[keyof C] : never;
type ResponseContent<R> = R extends { content: infer C } ? C[keyof C] : void;

/** A service method's input, from its operation: the JSON request body (`undefined` without one). */
export type ServiceInputOf<Op> = Op extends { requestBody: infer B } ? ContentOf<B> : Op extends { requestBody?: infer B } ? ContentOf<NonNullable<B>> | undefined : undefined;

/** A service method's result, from its operation: the body of its 2xx response (`void` for 204). */
export type ServiceResultOf<Op> = Op extends { responses: infer R }
  ? [keyof R & (SuccessStatus | `${SuccessStatus}`)] extends [never]
    ? void
    : { [S in keyof R & (SuccessStatus | `${SuccessStatus}`)]: ResponseContent<R[S]> }[keyof R & (SuccessStatus | `${SuccessStatus}`)]
  : void;

/**
 * A service method typed from its operation (`operations['calculatorAdd']`), as the
 * `Services` interface of the generated `api.ts` names it; the same shape as the
 * services plugin's `ServiceMethod`, without the server's types (the call context is opaque here).
 */
export type ServiceMethod<Op> = (input: ServiceInputOf<Op>, call: never) => ServiceResultOf<Op> | Promise<ServiceResultOf<Op>>;

const INSTANCE_HEADER = 'X-Burrow-Instance';

type UntypedClient = Client<Record<string, never>>;

/** Builds the proxies of every service of `map`, calling through `client` (its middleware and auth apply). */
export function createServiceProxies(client: Client<never>, map: ServiceMap): UntypedServiceClients {
  const proxies: UntypedServiceClients = {};
  for (const [name, routes] of Object.entries(map)) proxies[name] = createServiceProxy(client as unknown as UntypedClient, name, routes);
  return proxies;
}

function createServiceProxy(client: UntypedClient, name: string, routes: ServiceRoutes): UntypedServiceClients[string] {
  let instanceId: string | undefined;
  // While the call that makes the instance runs, the other calls wait for its id (one instance, not several).
  let creating: Promise<unknown> | undefined;

  async function call(route: ServiceMethodRoute, input: unknown): Promise<unknown> {
    if (!routes.instances) return send(route, input, undefined);
    while (!instanceId && creating) await creating.catch(() => undefined);
    if (instanceId) return send(route, input, instanceId);
    const first = send(route, input, undefined);
    creating = first;
    try {
      return await first;
    } finally {
      if (creating === first) creating = undefined;
    }
  }

  async function send(route: ServiceMethodRoute, input: unknown, sentId: string | undefined): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (sentId) headers[INSTANCE_HEADER] = sentId;
    let answer: { data?: unknown; error?: unknown; response: Response };
    try {
      answer = await (client.request as (method: string, path: string, init: object) => Promise<typeof answer>)(route.method, route.path, { body: input, headers });
    } catch (error) {
      throw error instanceof ProblemError ? error : networkProblem(error);
    }
    const { response } = answer;
    if (routes.instances) {
      const answered = response.headers.get(INSTANCE_HEADER);
      if (answered && response.ok) instanceId = answered;
      else if (sentId && response.status === 404 && instanceId === sentId) instanceId = undefined; // gone: the next call makes a new one
    }
    if (!response.ok) throw problemOf(response, answer.error);
    return answer.data;
  }

  const proxy: ServiceInstanceControls & Record<string, unknown> = {
    instance: () => instanceId,
    async release() {
      const id = instanceId;
      if (!id || !routes.instances) return;
      instanceId = undefined;
      let response: Response;
      let error: unknown;
      try {
        ({ response, error } = await (client.request as (method: string, path: string, init: object) => Promise<{ error?: unknown; response: Response }>)(
          'delete',
          `${routes.instances}/${encodeURIComponent(id)}`,
          {},
        ));
      } catch (cause) {
        throw cause instanceof ProblemError ? cause : networkProblem(cause);
      }
      // 404: already gone (idled out, released elsewhere): what release() wanted.
      if (!response.ok && response.status !== 404) throw problemOf(response, error);
    },
  };
  for (const [method, route] of Object.entries(routes.methods)) proxy[method] = (input?: unknown) => call(route, input);
  return proxy as UntypedServiceClients[string];
}
