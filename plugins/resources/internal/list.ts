/** The list and count actions: the contract's query parameters compiled into Prisma queries at boot. */
import type { BindResult, CompiledOperation, RawHandler } from 'burrowjs';
import type { Model } from './datamodel.js';
import type { ResourceBinding, ResourceView } from './binding.js';
import { serializer } from './codec.js';
import { declaredParameters, describe, objectSchema, type Schema } from './contract.js';
import { resourceErrors } from './errors.js';
import { translatePrismaError } from './prisma-errors.js';
import { parentsExist } from './read.js';
import { scopeWhere, type Route } from './scope.js';
import { compileListQuery, planQuery, type ListQueryPlan } from './query/index.js';
import { delegateOf, type Runtime } from './runtime.js';
import { compileAccess, compileParentAccess, conditioned } from './access.js';

interface ListSpec {
  op: CompiledOperation;
  model: Model;
  route: Route;
  binding: ResourceBinding;
  runtime: Runtime;
}

/** The where of the route's scope (`undefined` at the top level); a parameter that cannot name a parent is a 404. */
function scoped(route: Route, params: Record<string, unknown>, model: Model): Record<string, unknown> | undefined {
  if (!route.scope.length) return undefined;
  const scope = scopeWhere(route, params);
  if (!scope) throw resourceErrors.create('BURROW_ERR_RESOURCE_NOT_FOUND', { model: model.name, id: route.scope.map((s) => String(params[s.param])).join('/') });
  return scope;
}

function pick(record: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of fields) if (name in record) out[name] = record[name];
  return out;
}

function plan(spec: ListSpec, view: ResourceView, paging: boolean): { plan?: ListQueryPlan; problems: string[] } {
  const page = { default: spec.binding.page?.default ?? spec.runtime.page.default, max: spec.binding.page?.max ?? spec.runtime.page.max };
  const declared = declaredParameters(spec.op, 'query').map(({ name, schema }) => ({ name, schema }));
  // Prisma does not escape % and _ in contains/startsWith; PostgreSQL and MySQL take a backslash escape (SQLite has none).
  const likeEscape = ['postgresql', 'postgres', 'mysql', 'cockroachdb'].includes(spec.runtime.datamodel.provider ?? '');
  const compiled = compileListQuery({ operationId: spec.op.id, binding: spec.binding.query, declared, view, page, paging, likeEscape });
  return { plan: compiled.plan, problems: compiled.problems.map((p) => `${describe(spec.op)}: ${p}`) };
}

/** `list`: a page of records, with the total when asked, and the cursor of the next page. */
export function compileList(spec: ListSpec & { view: ResourceView; shape: { item: Schema; pointer: string; envelope?: { items: string; total: string; next: string } } }): BindResult {
  const { model, route, runtime, view } = spec;
  runtime.readViews.set(model.name, runtime.readViews.get(model.name) ?? view);
  const compiled = plan(spec, view, true);
  if (!compiled.plan) return { problems: compiled.problems };
  const listPlan = compiled.plan;
  if (listPlan.params.select) {
    // A select may leave any field out but the id: the contract must not promise the others.
    const ids = new Set(view.id.map((f) => f.name));
    const promised = ((objectSchema(spec.shape.item).required as string[] | undefined) ?? []).filter((name) => !ids.has(name));
    if (promised.length) {
      compiled.problems.push(
        `#${spec.shape.pointer.replace(/^#/, '')}/required: ${describe(spec.op)} has a ${listPlan.params.select} parameter, which may leave out ${promised.join(', ')}: require only the id in the schema of its items`,
      );
      return { problems: compiled.problems };
    }
  }
  const serialize = serializer(view);
  const envelope = spec.shape.envelope;
  const access = compileAccess(runtime, model, { operationId: spec.op.id, resource: { model: model.name, action: 'list' } });
  const parents = compileParentAccess(runtime, route);
  const handler: RawHandler = async (ctx) => {
    // The guards' conditions are part of the where: the database filters, so totals and pages count only the caller's records.
    const rules = access && (await access(ctx));
    const query = planQuery(listPlan, ctx.query, conditioned(scoped(route, ctx.params, model), rules));
    const delegate = delegateOf(runtime.prisma, model.name);
    const take = query.findMany.take;
    let rows: Record<string, unknown>[];
    let total: number | undefined;
    try {
      const absent = route.scope.length ? await parentsExist(route, ctx.params, runtime.prisma, parents?.(ctx)) : undefined;
      if (absent) throw resourceErrors.create('BURROW_ERR_RESOURCE_NOT_FOUND', absent);
      // One row more than the page says whether there is a next page.
      [rows, total] = await Promise.all([
        delegate.findMany({ ...query.findMany, take: take + 1 }),
        query.count ? delegate.count({ where: query.countWhere }) : undefined,
      ]);
    } catch (error) {
      throw translatePrismaError(error, { model: model.name, action: 'list' });
    }
    const more = rows.length > take;
    if (more) rows.length = take;
    const next = more && listPlan.params.cursor ? query.encodeNext(rows[rows.length - 1]!) : undefined;
    const fields = query.fields;
    const items = fields ? rows.map((row) => pick(serialize(row), fields)) : rows.map(serialize);
    const headers: Record<string, string> = {};
    if (total !== undefined) headers['x-total-count'] = String(total);
    if (!envelope) return { status: 200, body: items, headers };
    const body: Record<string, unknown> = { [envelope.items]: items };
    if (total !== undefined) body[envelope.total] = total;
    if (next !== undefined) body[envelope.next] = next;
    return { status: 200, body, headers };
  };
  return { handler, problems: compiled.problems };
}

/**
 * `count`: the number of records the filters select, as `{ count }` (or the one integer
 * property of the 200 schema) or a bare integer. Its filters are compiled against a read
 * view of the model (its list's or get's): once every operation is bound.
 */
export function compileCount(spec: ListSpec & { schema: Schema; itemSchemaOf: () => ResourceView | undefined }): BindResult {
  const { model, route, runtime } = spec;
  const object = objectSchema(spec.schema);
  const property = spec.schema.type === 'integer' ? undefined : Object.entries((object.properties ?? {}) as Record<string, Schema>).find(([, s]) => s.type === 'integer')?.[0];
  if (spec.schema.type !== 'integer' && !property) return { problems: [`${describe(spec.op)}: a count answers an integer, or an object with an integer property`] };
  let countPlan: ListQueryPlan | undefined;
  runtime.finishers.push(() => {
    const view = spec.itemSchemaOf();
    if (!view) return [`${describe(spec.op)}: a count filters on the fields of the model's records: bind a list or get operation of ${model.name} too`];
    const compiled = plan(spec, view, false);
    countPlan = compiled.plan;
    return compiled.problems;
  });
  const access = compileAccess(runtime, model, { operationId: spec.op.id, resource: { model: model.name, action: 'count' } });
  const parents = compileParentAccess(runtime, route);
  const handler: RawHandler = async (ctx) => {
    const rules = access && (await access(ctx));
    const query = planQuery(countPlan!, ctx.query, conditioned(scoped(route, ctx.params, model), rules));
    let count: number;
    try {
      const absent = route.scope.length ? await parentsExist(route, ctx.params, runtime.prisma, parents?.(ctx)) : undefined;
      if (absent) throw resourceErrors.create('BURROW_ERR_RESOURCE_NOT_FOUND', absent);
      count = await delegateOf(runtime.prisma, model.name).count(query.countWhere ? { where: query.countWhere } : {});
    } catch (error) {
      throw translatePrismaError(error, { model: model.name, action: 'count' });
    }
    return { status: 200, body: property ? { [property]: count } : count };
  };
  return { handler };
}
