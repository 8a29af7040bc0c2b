import type { ErrorFamily } from 'burrowjs';
import type { ServiceDefinition } from './internal/define-service.js';

/** The options of the services plugin. */
export interface ServicesOptions {
  /** The implementations (`defineService(...)`), one per service the contract declares. */
  services?: readonly ServiceDefinition[];
  /** Handed to every `create` and every call (`call.context`): your database client, other dependencies. */
  context?: unknown;
  /** Seconds a keyed instance (clientDriven, perSession, perUser, perGroup) may stay unused before it is disposed (1800). */
  idleTimeout?: number;
  /** Seconds between two sweeps for idle instances (default: a quarter of the shortest idle timeout, at most 60). */
  sweepInterval?: number;
  /** Where the release operations live: `DELETE {basePath}/{Service}/instances/{instanceId}` (`/services`). */
  basePath?: string;
  /** The JSON-RPC 2.0 endpoint (`{ path: '/rpc' }`); `false`: none. */
  jsonRpc?: { path?: string } | false;
  /** The error families the services throw (registered in the kernel's error catalogue). */
  errors?: readonly ErrorFamily[];
}

/** The options after defaults. */
export interface ResolvedServicesOptions {
  services: readonly ServiceDefinition[];
  context: unknown;
  idleTimeout: number;
  sweepInterval: number;
  basePath: string;
  jsonRpc: { path: string } | false;
  errors: readonly ErrorFamily[];
}

const PATH = /^\/[A-Za-z0-9_\-/.]*[^/]$/;

/** Checks the options (a plugin's options parser: throws on bad input). */
export function parseServicesOptions(input: ServicesOptions | undefined): ResolvedServicesOptions {
  const options = input ?? {};
  const services = options.services ?? [];
  if (!Array.isArray(services)) throw new Error('services must be an array of defineService(...) results');
  const names = new Set<string>();
  for (const [i, definition] of services.entries()) {
    if (!definition || typeof definition.create !== 'function' || typeof definition.name !== 'string') throw new Error(`services[${i}] is not a defineService(...) result`);
    if (names.has(definition.name)) throw new Error(`services: ${definition.name} is defined twice`);
    names.add(definition.name);
  }
  const idleTimeout = options.idleTimeout ?? 1800;
  if (!(typeof idleTimeout === 'number' && idleTimeout > 0)) throw new Error(`idleTimeout must be a positive number of seconds (got ${String(idleTimeout)})`);
  const shortest = Math.min(idleTimeout, ...services.map((s) => s.idleTimeout ?? idleTimeout));
  const sweepInterval = options.sweepInterval ?? Math.min(60, shortest / 4);
  if (!(typeof sweepInterval === 'number' && sweepInterval > 0)) throw new Error(`sweepInterval must be a positive number of seconds (got ${String(sweepInterval)})`);
  const basePath = options.basePath ?? '/services';
  if (!PATH.test(basePath)) throw new Error(`basePath must start with / and not end with one (got ${basePath})`);
  let jsonRpc: ResolvedServicesOptions['jsonRpc'] = { path: '/rpc' };
  if (options.jsonRpc === false) jsonRpc = false;
  else if (options.jsonRpc !== undefined) {
    const path = options.jsonRpc.path ?? '/rpc';
    if (!PATH.test(path)) throw new Error(`jsonRpc.path must start with / and not end with one (got ${path})`);
    jsonRpc = { path };
  }
  const errors = options.errors ?? [];
  for (const [i, family] of errors.entries()) {
    if (!family || typeof family.specs !== 'object') throw new Error(`errors[${i}] is not a defineErrors(...) family`);
  }
  return { services, context: options.context, idleTimeout, sweepInterval, basePath, jsonRpc, errors };
}
