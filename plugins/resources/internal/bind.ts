/**
 * The binder of `x-burrow-resource`: at boot, each bound operation is matched to its
 * model (the drift check: every schema property must agree with a model field), its
 * route and its query parameters are compiled, and it gets its handler.
 */
import { closest } from 'fastest-levenshtein';
import type { BindResult, CompiledOperation, ExtensionBinder, ExtensionSite } from 'burrowjs';
import type { ResourceBinding, ResourceView } from './binding.js';
import { RESOURCE_EXTENSION_SCHEMA } from './binding.js';
import { declaredParameters, describe, objectSchema, requestSchema, successSchema, type Schema } from './contract.js';
import { buildView } from './view.js';
import { compileRoute } from './scope.js';
import { compileGet } from './read.js';
import { compileList, compileCount } from './list.js';
import { compileWrite } from './write.js';
import { compileBatch, checkBatches } from './batch.js';
import type { Runtime, WriteAction } from './runtime.js';

/** The binder of `x-burrow-resource` for one plugin instance. */
export function resourceBinder(runtime: Runtime): ExtensionBinder<ResourceBinding> {
  const batches: Parameters<typeof checkBatches>[1] = [];
  return {
    schema: RESOURCE_EXTENSION_SCHEMA,
    bind: (site) => bindOne(site, runtime, batches),
    done: () => [...runtime.finishers.flatMap((finish) => finish()), ...checkBatches(runtime, batches)],
  };
}

function bindOne(site: ExtensionSite<ResourceBinding>, runtime: Runtime, batches: Parameters<typeof checkBatches>[1]): BindResult {
  const { value: binding, operation: op } = site;
  const where = `#${site.pointer}`;
  if (!op) return { problems: [`${where}: x-burrow-resource binds an operation; it means nothing on the root of the contract`] };
  const model = runtime.models.get(binding.model);
  if (!model) {
    const names = [...runtime.models.keys()];
    const near = names.length ? closest(binding.model, names) : undefined;
    return { problems: [`${where}/model: no Prisma model is named ${binding.model}${near ? ` (did you mean ${near}?)` : ''}; models: ${names.join(', ') || 'none'}`] };
  }
  if (binding.action === 'batch') return compileBatch({ op, binding, runtime, where, batches });

  const problems: string[] = [];
  const pathParams = declaredParameters(op, 'path').map((p) => p.name);
  const needsId = binding.action === 'get' || binding.action === 'replace' || binding.action === 'patch' || binding.action === 'delete';
  const compiled = compileRoute({ model, datamodel: runtime.datamodel, pathParams, needsId, id: binding.id, parent: binding.parent, where: describe(op) });
  problems.push(...compiled.problems);
  const route = compiled.route;
  const supplied = route.scope.map((s) => s.field.name);

  const view = (schema: Schema | undefined, pointer: string, use: 'read' | 'write', action?: 'create' | 'replace' | 'patch'): ResourceView | undefined => {
    if (!schema) return undefined;
    const built = buildView({ schema, pointer, model, datamodel: runtime.datamodel, use, action, supplied });
    problems.push(...built.problems);
    return built.view;
  };

  switch (binding.action) {
    case 'get': {
      const success = successSchema(op, ['200']);
      if (!success?.schema) return { problems: [...problems, `${describe(op)}: a get answers 200 with a JSON schema of the record`] };
      const readView = view(success.schema, success.pointer, 'read');
      if (readView && !runtime.readViews.has(model.name)) runtime.readViews.set(model.name, readView);
      if (route.idParam) runtime.getters.set(model.name, [...(runtime.getters.get(model.name) ?? []), { path: op.path, idParam: route.idParam }]);
      if (!runtime.readers.has(model.name)) runtime.readers.set(model.name, op.id);
      if (problems.length) return { problems };
      const include = declaredParameters(op, 'query').find((p) => p.name === (binding.query?.include ?? 'include'));
      return { handler: compileGet({ op, model, route, view: readView!, status: 200, includeParam: include?.name, runtime }) };
    }
    case 'list':
    case 'count': {
      const success = successSchema(op, ['200']);
      if (!success?.schema) return { problems: [...problems, `${describe(op)}: a ${binding.action} answers 200 with a JSON schema`] };
      const list = binding.action === 'list' ? listShape(success.schema, success.pointer, binding) : undefined;
      if (binding.action === 'list' && !list) {
        return { problems: [...problems, `#${success.pointer.slice(1)}: a list answers an array of records, or an object whose ${binding.envelope?.items ?? 'items'} property is one`] };
      }
      // A count filters on the fields of the list's records: the model's fields as the get or list schema declares them.
      const itemView = list ? view(list.item, list.pointer, 'read') : undefined;
      if (problems.length) return { problems };
      const spec = { op, model, route, binding, runtime };
      const result = binding.action === 'list' ? compileList({ ...spec, view: itemView!, shape: list! }) : compileCount({ ...spec, schema: success.schema, itemSchemaOf: () => countView(runtime, model.name) });
      return result;
    }
    default: {
      const action = binding.action as WriteAction;
      const statuses = action === 'create' ? ['201', '200', '204'] : action === 'delete' ? ['204', '200'] : ['200', '204'];
      const success = successSchema(op, statuses);
      if (!success) return { problems: [...problems, `${describe(op)}: a ${action} declares none of the statuses ${statuses.join(', ')}`] };
      const body = action === 'delete' ? undefined : requestSchema(op);
      if (action !== 'delete' && !body) return { problems: [...problems, `${describe(op)}: a ${action} takes a JSON request body`] };
      const writeView = body ? view(body.schema, body.pointer, 'write', action === 'delete' ? undefined : action) : undefined;
      const readView = success.schema ? view(success.schema, success.pointer, 'read') : undefined;
      if (problems.length) return { problems };
      const write = compileWrite({ op, model, action, route, writeView, readView, status: success.status, runtime });
      runtime.writes.set(op.id, write);
      return { handler: write.handler };
    }
  }
}

/** Where a list's records are in its 200 schema: the array itself, or the envelope's items property. */
export function listShape(schema: Schema, pointer: string, binding: ResourceBinding): { item: Schema; pointer: string; envelope?: { items: string; total: string; next: string } } | undefined {
  if (schema.type === 'array' && schema.items) return { item: schema.items as Schema, pointer: `${pointer}/items` };
  const object = objectSchema(schema);
  const names = { items: binding.envelope?.items ?? 'items', total: binding.envelope?.total ?? 'total', next: binding.envelope?.next ?? 'nextCursor' };
  const items = (object.properties as Record<string, Schema> | undefined)?.[names.items];
  if (!items || items.type !== 'array' || !items.items) return undefined;
  return { item: items.items as Schema, pointer: `${pointer}/properties/${names.items}/items`, envelope: names };
}

/** A count has no records in its answer: it filters on the fields of the model's read views. */
function countView(runtime: Runtime, model: string): ResourceView | undefined {
  return runtime.readViews.get(model);
}

export type { CompiledOperation };
