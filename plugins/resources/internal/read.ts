/** The read actions of a resource: get one record, list, count. */
import type { CompiledOperation, RawHandler } from 'burrowjs';
import type { Model } from './datamodel.js';
import type { ResourceView } from './binding.js';
import { serializer, toPrismaId } from './codec.js';
import { etagFields, etagOf, ifNoneMatch, parseEntityTags } from './etag.js';
import { resourceErrors } from './errors.js';
import { translatePrismaError } from './prisma-errors.js';
import { scopeWhere, type Route } from './scope.js';
import { recordSelect } from './select.js';
import { includableNames, relationField } from './query/fields.js';
import { unknownField } from './query/fail.js';
import { splitList } from './query/sort.js';
import { delegateOf, type PrismaLike, type Runtime } from './runtime.js';
import { compileAccess, conditioned } from './access.js';

/** `get`: one record by id (in the route's scope), with its ETag; 304 when `If-None-Match` matches and the contract declares 304. */
export function compileGet(spec: {
  op: CompiledOperation;
  model: Model;
  route: Route;
  view: ResourceView;
  status: number;
  /** The name of a declared `include` query parameter, if any: relations are then embedded only when asked. */
  includeParam?: string;
  runtime: Runtime;
}): RawHandler {
  const { op, model, route, view, runtime } = spec;
  const fields = etagFields(model);
  const serialize = serializer(view);
  const allSelect = recordSelect(model, view, 'all', runtime.page.max);
  const notModified = (op.definition.responses as Record<string, unknown> | undefined)?.['304'] !== undefined;
  const access = compileAccess(runtime, model, { operationId: op.id, resource: { model: model.name, action: 'get' } });
  return async (ctx) => {
    const scope = scopeWhere(route, ctx.params);
    const id = toPrismaId(route.idField!, ctx.params[route.idParam!]);
    if (!scope || id === undefined) throw resourceErrors.create('BURROW_ERR_RESOURCE_NOT_FOUND', { model: model.name, id: String(ctx.params[route.idParam!]) });
    let select = allSelect;
    if (spec.includeParam) {
      const asked = includeList(ctx.query[spec.includeParam], view, spec.includeParam);
      select = recordSelect(model, view, asked, runtime.page.max);
    }
    let row: Record<string, unknown> | null;
    try {
      // A record the guards' conditions leave out is not found, exactly like one that does not exist.
      const rules = access && (await access(ctx));
      row = await delegateOf(runtime.prisma, model.name).findFirst({ where: conditioned({ ...scope, [route.idField!.name]: id }, rules), select });
    } catch (error) {
      throw translatePrismaError(error, { model: model.name, id, action: 'get' });
    }
    if (!row) throw resourceErrors.create('BURROW_ERR_RESOURCE_NOT_FOUND', { model: model.name, id: String(ctx.params[route.idParam!]) });
    const etag = etagOf(fields, row);
    if (notModified && ifNoneMatch(parseEntityTags(ctx.headers['if-none-match']), etag)) return { status: 304, headers: { etag } };
    return { status: spec.status, body: serialize(row), headers: { etag } };
  };
}

/** The relations an `include` parameter asks for (a list, or comma-separated text); one the view does not declare is a 400. */
function includeList(value: unknown, view: ResourceView, param: string): Set<string> {
  const names = splitList(value, param);
  for (const name of names) if (!relationField(view, name)) throw unknownField(param, name, 'include', includableNames(view));
  return new Set(names);
}

/**
 * Used by list, count and nested creates: 404 when a nested route names a parent that
 * does not exist — or that the caller may not see (`visible`: the guards' conditions on
 * the parent model, so another user's task is as absent as a missing one).
 */
export async function parentsExist(
  route: Route,
  params: Record<string, unknown>,
  prisma: PrismaLike,
  visible?: (model: string) => Promise<Record<string, unknown>[]>,
): Promise<{ model: string; id: string } | undefined> {
  for (const { param, parent } of route.scope) {
    if (!parent) continue;
    const id = toPrismaId(parent.idField, params[param]);
    const conditions = visible ? await visible(parent.model) : [];
    const where = conditions.length ? { [parent.idField.name]: id, AND: conditions } : { [parent.idField.name]: id };
    const found = id === undefined ? null : await delegateOf(prisma, parent.model).findFirst({ where, select: { [parent.idField.name]: true } });
    if (!found) return { model: parent.model, id: String(params[param]) };
  }
  return undefined;
}
