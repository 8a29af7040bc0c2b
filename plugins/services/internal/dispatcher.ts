/**
 * The one way a method runs (REST handlers, the JSON-RPC endpoint, in-process proxies):
 * find or make the instance its lifetime says, call it with a `ServiceCall`, keep the
 * instance in use until the method settles, answer its result.
 */
import type { EventBus, RequestContext } from 'burrowjs';
import type { Dispatcher, InvokeResult, ServiceMethodEntry } from './dispatch.js';
import type { ServiceDefinition, ServiceInit, ServiceLocator, ServicePrincipal, ServiceProxy } from './define-service.js';
import { InstanceRegistry, type Lease } from './instances.js';
import { Call, principalOf } from './call.js';
import { serviceErrors } from './errors.js';
import { withSpans } from './spans.js';
import { withCallEvents } from './call-events.js';

/** The dispatcher of one plugin: its methods are added by the binder at boot. */
export interface ServiceDispatcher extends Dispatcher {
  readonly methods: Map<string, ServiceMethodEntry>;
  readonly definitions: ReadonlyMap<string, ServiceDefinition>;
  readonly registry: InstanceRegistry;
}

/** What the dispatcher needs. */
export interface DispatcherInput {
  definitions: readonly ServiceDefinition[];
  registry: InstanceRegistry;
  /** The kernel's bus, where each call's `service.call` is published (when someone listens). */
  events: EventBus;
  context: unknown;
  /** The plugin's idle timeout in seconds (a service's own wins). */
  idleTimeout: number;
}

/** Creates the dispatcher of one plugin instance. */
export function createDispatcher(input: DispatcherInput): ServiceDispatcher {
  const definitions = new Map(input.definitions.map((d) => [d.name, d]));
  const methods = new Map<string, ServiceMethodEntry>();
  const { registry, context } = input;
  const idleMs = (definition: ServiceDefinition) => (definition.idleTimeout ?? input.idleTimeout) * 1000;

  const locator = (ctx: RequestContext): ServiceLocator => ({
    get<Impl>(name: string): ServiceProxy<Impl> {
      const entries = [...methods.values()].filter((e) => e.service === name);
      if (!entries.length) throw new Error(`services.get: no service is named ${name} (services: ${[...definitions.keys()].join(', ') || 'none'})`);
      let instanceId: string | undefined;
      const proxy: Record<string, (input: unknown) => Promise<unknown>> = {};
      for (const entry of entries) {
        proxy[entry.method] = async (value) => {
          const answer = await dispatcher.invoke(ctx, entry, value, instanceId ? { instanceId } : undefined);
          instanceId = answer.instanceId ?? instanceId;
          return answer.result;
        };
      }
      return proxy as ServiceProxy<Impl>;
    },
  });

  const maker = (ctx: RequestContext, definition: ServiceDefinition, principal: ServicePrincipal | undefined, key: string | undefined) => () => {
    const init: ServiceInit = { principal, key, lifetime: definition.lifetime, services: locator(ctx), context, log: ctx.log };
    return definition.create(init);
  };

  const lease = (ctx: RequestContext, definition: ServiceDefinition, instanceId: string | undefined): Lease | Promise<Lease> => {
    const principal = principalOf(ctx);
    switch (definition.lifetime) {
      case 'perCall':
        return registry.acquireOnce(definition, maker(ctx, definition, principal, undefined));
      case 'clientDriven': {
        const owner = principal?.id === undefined ? undefined : String(principal.id);
        if (instanceId === undefined) return registry.acquireNew(definition, owner, idleMs(definition), maker(ctx, definition, principal, undefined));
        const found = registry.acquireExisting(definition.name, instanceId, owner);
        if (!found) throw serviceErrors.create('BURROW_ERR_SERVICE_INSTANCE_NOT_FOUND', { service: definition.name, instanceId });
        return found;
      }
      default: {
        const key = keyOf(definition, principal);
        return registry.acquire(definition, key, idleMs(definition), maker(ctx, definition, principal, definition.lifetime === 'shared' ? undefined : key));
      }
    }
  };

  const dispatcher: ServiceDispatcher = {
    methods,
    definitions,
    registry,
    async invoke(ctx, entry, value, options): Promise<InvokeResult> {
      const definition = definitions.get(entry.service)!;
      const held = await lease(ctx, definition, options?.instanceId);
      const { slot, instance } = held;
      const instanceId = definition.lifetime === 'clientDriven' ? slot.id : undefined;
      const method = (instance as Record<string, unknown>)[entry.method];
      if (typeof method !== 'function') {
        await registry.finish(slot);
        throw new Error(`services: the instance of ${entry.service} has no method ${entry.method} (its create must answer an object with a function per method)`);
      }
      const timeout = definition.timeout === undefined ? undefined : new AbortController();
      const call = new Call(ctx, instanceId, context, locator, timeout);
      let running: unknown;
      try {
        running = method.call(instance, value, call);
      } catch (error) {
        await registry.finish(slot);
        throw error;
      }
      if (!(running instanceof Promise)) {
        const disposing = registry.finish(slot);
        if (disposing) await disposing;
        return { result: running, instanceId };
      }
      if (!timeout) {
        try {
          return { result: await running, instanceId };
        } finally {
          const disposing = registry.finish(slot);
          if (disposing) await disposing;
        }
      }
      // The instance stays in use until the method settles, even after the call timed out.
      const settled = running.finally(() => registry.finish(slot));
      return { result: await withTimeout(settled, timeout, definition, entry), instanceId };
    },
    async release(ctx, service, instanceId) {
      const principal = principalOf(ctx);
      const owner = principal?.id === undefined ? undefined : String(principal.id);
      if (!(await registry.release(service, instanceId, owner))) throw serviceErrors.create('BURROW_ERR_SERVICE_INSTANCE_NOT_FOUND', { service, instanceId });
    },
  };
  return withCallEvents(withSpans(dispatcher), input.events);
}

/** The key of a shared or keyed (perSession, perUser, perGroup) instance; throws when the caller cannot have one. */
function keyOf(definition: ServiceDefinition, principal: ServicePrincipal | undefined): string {
  const service = definition.name;
  switch (definition.lifetime) {
    case 'perSession':
      if (principal?.id === undefined) throw serviceErrors.create('BURROW_ERR_SERVICE_PRINCIPAL_REQUIRED', { service, key: 'session' });
      if (!principal.sessionId) throw serviceErrors.create('BURROW_ERR_SERVICE_SESSION_REQUIRED', { service, scheme: principal.scheme ?? 'unknown' });
      return principal.sessionId;
    case 'perUser':
      if (principal?.id === undefined) throw serviceErrors.create('BURROW_ERR_SERVICE_PRINCIPAL_REQUIRED', { service, key: 'user' });
      return String(principal.id);
    case 'perGroup': {
      if (principal?.id === undefined) throw serviceErrors.create('BURROW_ERR_SERVICE_PRINCIPAL_REQUIRED', { service, key: 'group' });
      const group = principal.groups?.[0];
      if (group === undefined) throw serviceErrors.create('BURROW_ERR_SERVICE_GROUP_REQUIRED', { service });
      return group;
    }
    default:
      return '';
  }
}

function withTimeout<T>(running: Promise<T>, timeout: AbortController, definition: ServiceDefinition, entry: ServiceMethodEntry): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = serviceErrors.create('BURROW_ERR_SERVICE_TIMEOUT', { service: entry.service, method: entry.method, timeout: definition.timeout! });
      timeout.abort(error);
      reject(error);
    }, definition.timeout);
    running.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
