/**
 * The binder of `x-burrow-service`: at boot, each marked operation becomes a method of
 * its service (checked by `binding.ts`) and gets its REST handler; `done` reports the
 * implementations no operation declares.
 */
import { closest, distance } from 'fastest-levenshtein';
import type { BindResult, ExtensionBinder, ExtensionSite, RawHandler, RequestContext } from 'burrowjs';
import type { InvokeOptions, ServiceMethodEntry } from './dispatch.js';
import type { ServiceDispatcher } from './dispatcher.js';
import { describe, methodEntry, SERVICE_EXTENSION_SCHEMA, type ServiceBinding } from './binding.js';

/** The request and response header of a clientDriven instance id. */
export const INSTANCE_HEADER = 'x-burrow-instance';

/** The binder of `x-burrow-service` for one plugin instance. */
export function serviceBinder(dispatcher: ServiceDispatcher): ExtensionBinder<ServiceBinding> {
  const declaredBy = new Map<string, string>();
  return {
    schema: SERVICE_EXTENSION_SCHEMA,
    bind: (site) => bindOne(site, dispatcher, declaredBy),
    done: () => {
      const declared = [...new Set([...dispatcher.methods.values()].map((e) => e.service))];
      const used = new Set(declaredBy.keys());
      const problems: string[] = [];
      for (const name of dispatcher.definitions.keys()) {
        if (used.has(name)) continue;
        const near = nearest(name, declared);
        problems.push(`defineService('${name}'): no operation of the contract declares x-burrow-service: { service: ${name} }${near ? ` (did you mean ${near}?)` : ''}`);
      }
      return problems;
    },
  };
}

function bindOne(site: ExtensionSite<ServiceBinding>, dispatcher: ServiceDispatcher, declaredBy: Map<string, string>): BindResult {
  const { value: binding, operation: op } = site;
  if (!op) return { problems: [`#${site.pointer}: x-burrow-service marks an operation as a service method; it means nothing on the root of the contract`] };
  declaredBy.set(binding.service, op.id);
  const definition = dispatcher.definitions.get(binding.service);
  if (!definition) {
    const names = [...dispatcher.definitions.keys()];
    const near = nearest(binding.service, names);
    return {
      problems: [`${describe(op)}: no defineService('${binding.service}') is given to services({ services })${near ? ` (did you mean ${near}?)` : ''}; services: ${names.join(', ') || 'none'}`],
    };
  }
  const { entry, problems } = methodEntry(op, binding, definition.lifetime);
  if (!entry) return { problems };
  const name = `${entry.service}.${entry.method}`;
  const twin = dispatcher.methods.get(name);
  if (twin) return { problems: [`${describe(op)}: ${name} is already the method of operation ${twin.operationId}; give one of them another method name`] };
  dispatcher.methods.set(name, entry);
  return { handler: restHandler(dispatcher, entry) };
}

const REST: InvokeOptions = { transport: 'rest' };

/** The handler of a method's own route: its body is the input (already validated), its result the body of its 2xx. */
function restHandler(dispatcher: ServiceDispatcher, entry: ServiceMethodEntry): RawHandler {
  const clientDriven = entry.lifetime === 'clientDriven';
  return async (ctx: RequestContext) => {
    const given = clientDriven ? ctx.headers[INSTANCE_HEADER] : undefined;
    const instanceId = typeof given === 'string' && given !== '' ? given : undefined;
    const { result, instanceId: used } = await dispatcher.invoke(ctx, entry, entry.hasInput ? ctx.body : undefined, instanceId === undefined ? REST : { instanceId, transport: 'rest' });
    if (used === undefined) return { status: entry.successStatus, body: result };
    return { status: entry.successStatus, body: result, headers: { [INSTANCE_HEADER]: used } };
  };
}

/** The name closest to `name`, when it is close enough to be a typo. */
function nearest(name: string, names: readonly string[]): string | undefined {
  if (!names.length) return undefined;
  const near = closest(name, names as string[]);
  return distance(name, near) <= Math.max(2, Math.floor(name.length / 3)) ? near : undefined;
}
