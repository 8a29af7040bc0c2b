/**
 * The typed client of a Burrow API (`burrowjs/client`): openapi-fetch's `GET`/`POST`/…
 * typed by the contract's `paths`, plus proxies of the contract's services
 * (`api.services.Calculator.add({ a, b })`), one auth for both, and errors as
 * {@link ProblemError}. Runs in Node 20+ and in browsers (fetch only, nothing from `node:`).
 * `burrow client <contract> <out>` writes the types and the service map of a contract.
 */
import createFetchClient, { type Client } from 'openapi-fetch';
import { authorizedFetch, type ClientAuth } from './internal/auth.js';
import { createServiceProxies, type ServiceMap, type UntypedServiceClients } from './internal/services.js';

export type { ClientAuth, OutgoingRequest, AuthContext } from './internal/auth.js';
export { basicAuth, bearerAuth, apiKeyAuth, sessionAuth, signedAuth, type ApiKeyAuthOptions, type SessionAuthOptions, type Credential } from './internal/auth-schemes.js';
export { ProblemError, type Problem, type ClientErrorCode } from './internal/problem-error.js';
export type { ServiceMap, ServiceRoutes, ServiceMethod, ServiceInputOf, ServiceResultOf, ServiceMethodRoute, ServiceClient, ServiceClients, ServiceInstanceControls, UntypedServiceClients } from './internal/services.js';
export type { Client as FetchClient, Middleware } from 'openapi-fetch';

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Where the API is served (`https://api.example.com/v1`): every path is appended to it. */
  baseUrl: string;
  /** The contract's services and their routes (`burrow client` writes it as `services.ts`). Default: none. */
  services?: ServiceMap;
  /** Credentials for every request, typed calls and service calls alike. */
  auth?: ClientAuth;
  /** The fetch to send with. Default `globalThis.fetch` (read at each request). */
  fetch?: typeof fetch;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

/** A Burrow client: openapi-fetch's typed methods over `Paths`, and the service proxies. */
export type BurrowClient<Paths extends {}, Clients = UntypedServiceClients> = Client<Paths> & {
  /** One proxy per service of the map: `services.Calculator.add(input)` resolves to the result or rejects with a {@link ProblemError}. */
  readonly services: Clients;
};

/**
 * Creates a client. `Paths` is the `paths` interface of the contract's types,
 * `Clients` the service proxies (`ServiceClients<Services>`); `burrow client`
 * writes a `createApiClient` that fills both in.
 *
 * @example
 * import { createClient, sessionAuth, ProblemError, type ServiceClients } from 'burrowjs/client'
 * import type { paths, Services } from './api.js'
 * import { services } from './services.js'
 *
 * const api = createClient<paths, ServiceClients<Services>>({ baseUrl: 'http://127.0.0.1:3000', services, auth: sessionAuth({ username: 'ada', password }) })
 * const { result } = await api.services.Calculator.add({ a: 10, b: 5 })
 * const { data } = await api.GET('/tasks/{id}', { params: { path: { id: 1 } } })
 */
export function createClient<Paths extends {} = Record<string, never>, Clients = UntypedServiceClients>(options: ClientOptions): BurrowClient<Paths, Clients> {
  if (typeof options?.baseUrl !== 'string') throw new TypeError('createClient: `baseUrl` is required (where the API is served)');
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const send: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const client = createFetchClient<Paths>({
    baseUrl,
    headers: options.headers,
    fetch: options.auth ? authorizedFetch(options.auth, { baseUrl, fetch: send }) : (request) => send(request),
  });
  const services = createServiceProxies(client as unknown as Client<never>, options.services ?? {});
  return Object.assign(client, { services: services as Clients });
}
