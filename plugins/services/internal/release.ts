/**
 * The operations the plugin contributes to release clientDriven instances:
 * `DELETE {basePath}/{Service}/instances/{instanceId}` → 204, secured as the service's
 * methods are (the first method's security, else the contract's root security).
 */
import type { ContractFragment, OpenApiDocument, RawHandler } from 'burrowjs';
import type { Dispatcher } from './dispatch.js';
import type { ServiceDefinition } from './define-service.js';

/** The operationId of the release of a service's instance: `importReleaseInstance`. */
export function releaseOperationId(service: string): string {
  return `${service[0]!.toLowerCase()}${service.slice(1)}ReleaseInstance`;
}

/** What the first operation of a service in the contract declares (its security and tags). */
interface FirstMethod {
  security: unknown;
  tags: unknown;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** The first operation marked `x-burrow-service: { service }` of each service, in the contract's order. */
function firstMethods(document: OpenApiDocument): Map<string, FirstMethod> {
  const found = new Map<string, FirstMethod>();
  for (const item of Object.values(document.paths ?? {}) as Record<string, unknown>[]) {
    for (const method of METHODS) {
      const op = item?.[method] as Record<string, unknown> | undefined;
      const binding = op?.['x-burrow-service'] as { service?: unknown } | undefined;
      if (typeof binding?.service !== 'string' || found.has(binding.service)) continue;
      found.set(binding.service, { security: op!.security ?? document.security, tags: op!.tags });
    }
  }
  return found;
}

/** The release operations of the clientDriven services the contract declares, and their handlers. */
export function releaseOperations(
  document: OpenApiDocument,
  definitions: readonly ServiceDefinition[],
  basePath: string,
  dispatcher: () => Dispatcher,
): { fragment: ContractFragment; handlers: Record<string, RawHandler>; operationIds: Map<string, string> } {
  const first = firstMethods(document);
  const paths: Record<string, Record<string, unknown>> = {};
  const handlers: Record<string, RawHandler> = {};
  const operationIds = new Map<string, string>();
  for (const { name, lifetime } of definitions) {
    const method = first.get(name);
    // A service no operation declares is a boot problem of its own (the binder's `done`).
    if (lifetime !== 'clientDriven' || !method) continue;
    const operationId = releaseOperationId(name);
    operationIds.set(name, operationId);
    paths[`${basePath}/${name}/instances/{instanceId}`] = {
      delete: {
        operationId,
        ...(Array.isArray(method.tags) ? { tags: method.tags } : {}),
        summary: `Release an instance of ${name}`,
        description: `Disposes the ${name} instance a call made (its id came in the X-Burrow-Instance response header). Only its owner may release it; an unknown, released, idled-out or foreign id is answered 404 alike.`,
        ...(method.security === undefined ? {} : { security: method.security }),
        parameters: [{ name: 'instanceId', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 64 } }],
        responses: { '204': { description: 'The instance is disposed.' } },
      },
    };
    handlers[operationId] = async (ctx) => {
      await dispatcher().release(ctx, name, String(ctx.params.instanceId));
      return { status: 204 };
    };
  }
  return { fragment: { paths }, handlers, operationIds };
}
