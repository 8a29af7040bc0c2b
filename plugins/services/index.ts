import { definePlugin, type Kernel } from 'burrowjs';
import { parseServicesOptions, type ResolvedServicesOptions, type ServicesOptions } from './options.js';
import { serviceErrors } from './internal/errors.js';
import { InstanceRegistry } from './internal/instances.js';
import { createDispatcher, type ServiceDispatcher } from './internal/dispatcher.js';
import { serviceBinder } from './internal/bind.js';
import { releaseOperations } from './internal/release.js';
import { registerJsonRpc } from './internal/json-rpc.js';

export type { ServicesOptions, ResolvedServicesOptions } from './options.js';
export type { ServiceCall, ServiceDefinition, ServiceSpec, ServiceInit, ServiceLifecycle, ServiceLocator, ServiceProxy, ServicePrincipal, ServiceMethod, ResultOf } from './internal/define-service.js';
export type { CallTransport, Lifetime, ServiceMethodEntry } from './internal/dispatch.js';
export type { DisposeReason, ServiceCallEvent } from './internal/instances.js';
export { defineService } from './internal/define-service.js';
export { serviceErrors } from './internal/errors.js';

/** The registries of the kernels the plugin is set up in (a plugin sees a scoped view of the kernel: keyed by its event bus, which is shared). */
const registries = new WeakMap<object, InstanceRegistry>();

/**
 * Live instances by service name, for monitoring (perCall instances while their call
 * runs). Empty when the kernel has no services plugin.
 *
 * @example
 * kernel.health.add('services', () => console.log(instanceCounts(kernel)))   // { Calculator: 1, Cart: 12 }
 */
export function instanceCounts(kernel: Kernel): Record<string, number> {
  return registries.get(kernel.events)?.counts() ?? {};
}

/**
 * Interface-based services, contract-first: each operation marked
 * `x-burrow-service: { service, method? }` is a method of a service whose
 * implementation is registered with `defineService(name, { lifetime, create })`.
 * Methods are served at their own REST routes and through one JSON-RPC 2.0 endpoint
 * (`/rpc`); instances live as their lifetime says (perCall, shared, clientDriven,
 * perSession, perUser, perGroup), keyed ones idle out and are disposed.
 *
 * @example
 * import { services, defineService } from 'burrowjs/plugins/services'
 * import type { Services } from './generated/api.js'
 * const calculator = defineService<Services['Calculator']>('Calculator', {
 *   lifetime: 'shared',
 *   create: () => ({ add: ({ a, b }) => ({ result: a + b }) }),
 * })
 * const kernel = await createKernel({ contract: 'openapi/api.yaml', plugins: [services({ services: [calculator] })] })
 */
export const services = definePlugin<ResolvedServicesOptions, ServicesOptions>({
  name: 'services',
  options: parseServicesOptions,
  setup(kernel, options) {
    kernel.errors.addFamily(serviceErrors);
    for (const family of options.errors) kernel.errors.addFamily(family);
    const registry = new InstanceRegistry({ events: kernel.events, logger: kernel.logger, sweepInterval: options.sweepInterval, services: options.services });
    registries.set(kernel.events, registry);
    const dispatcher: ServiceDispatcher = createDispatcher({ definitions: options.services, registry, events: kernel.events, context: options.context, idleTimeout: options.idleTimeout });
    kernel.extensions.add('x-burrow-service', serviceBinder(dispatcher));

    const release = releaseOperations(kernel.contractSource, options.services, options.basePath, () => dispatcher);
    if (release.operationIds.size) {
      kernel.contract.add('services', release.fragment);
      for (const [id, handler] of Object.entries(release.handlers)) kernel.handlers.add(id, handler);
    }
    if (options.jsonRpc) registerJsonRpc(kernel, () => dispatcher, { path: options.jsonRpc.path, releaseOperationId: (service) => release.operationIds.get(service) });

    // The auth plugin's event, by name: this plugin does not depend on it.
    const perSession = options.services.filter((s) => s.lifetime === 'perSession').map((s) => s.name);
    const unsubscribe = perSession.length
      ? kernel.events.on('auth.session.ended' as never, ((event: { sessionId: string }) => registry.endSession(event.sessionId, perSession)) as never)
      : undefined;
    return async () => {
      unsubscribe?.();
      await registry.close();
      registries.delete(kernel.events);
    };
  },
});

export default services;
