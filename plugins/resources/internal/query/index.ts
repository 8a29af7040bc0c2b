/**
 * The list query of a bound `list` or `count` operation, compiled at boot
 * ({@link compileListQuery}) and turned into Prisma arguments per request
 * ({@link planQuery}). The grammar users write is in README.md next to this file.
 */
import type { QueryBinding, ResourceView } from '../binding.js';
import { resourceErrors } from '../errors.js';
import { decodeCursor, encodeCursor, sealOf } from './cursor.js';
import { clause, filterWhere, type FilterOptions, type Where } from './filter.js';
import { wrapPath } from './fields.js';
import { quote, syntaxError } from './fail.js';
import { compileParams, type DeclaredParam, type FieldParam, type QueryRole } from './params.js';
import { FILTER_LIMITS, parseFilter } from './parser.js';
import { cursorable, keysetWhere, parseLimit, parseOffset, type PageSizes } from './paging.js';
import { buildSelect } from './select.js';
import { orderBy, orderText, parseDirection, parseSort } from './sort.js';
import { rawOf } from './values.js';

export type { QueryRole, DeclaredParam, FieldParam } from './params.js';
export type { PageSizes } from './paging.js';
export type { Where, FilterOptions } from './filter.js';
export { QUERY_ROLES, QUERY_PRESETS } from './params.js';
export { FILTER_LIMITS } from './parser.js';
export { MAX_SORT_KEYS } from './sort.js';
export { MAX_OFFSET } from './paging.js';

/** The list query of one operation, compiled at boot. Read `params` to know which parameters it has; the rest is for {@link planQuery}. */
export interface ListQueryPlan {
  readonly operationId: string;
  /** The query parameter of each role the operation has (`{ limit: 'results', offset: 'startIndex' }`); absent roles are not offered. */
  readonly params: Readonly<Partial<Record<QueryRole, string>>>;
  readonly page: Readonly<PageSizes>;
  /** The item schema seen against the model. */
  readonly view: ResourceView;
  /** The parameters that each filter one field (`status`, `dueBefore`). */
  readonly fields: readonly FieldParam[];
  /** The where of the binding's fixed scope, ANDed into every query. */
  readonly scope?: Where;
  /** How filter values are written for the database. */
  readonly options: Readonly<FilterOptions>;
}

/** The Prisma arguments of one request, and what the handler needs around them. */
export interface QueryPlanResult {
  /** The arguments of `findMany`. Cursor paging is a `where` (keyset), so there is no Prisma `cursor`. */
  findMany: {
    where?: Where;
    orderBy: Record<string, unknown>[];
    /** The offset, when the client sent one above 0. */
    skip?: number;
    take: number;
    select: Record<string, unknown>;
  };
  /** True when the client asked for the total (the `count` parameter). */
  count: boolean;
  /** The where of `count`: the scope and filters, without the cursor's position. */
  countWhere?: Where;
  /**
   * With a `select` parameter: the properties to return (the id always among them,
   * included relations too); `findMany.select` may read more (sort keys for the
   * cursor). `undefined`: return every property the select reads.
   */
  fields?: string[];
  /**
   * The cursor of the page after the one that ends with `lastRow` (a row of this
   * `findMany`: bigint, Date and Decimal values are fine); `undefined` when the order
   * cannot be paged by cursor (it sorts on an enum, whose order depends on the
   * database). Offer it only when the plan has a `cursor` parameter
   * (`plan.params.cursor`), and only when there may be a next page.
   */
  encodeNext(lastRow: Record<string, unknown>): string | undefined;
}

/**
 * Compiles the list query of an operation at boot. `problems` are sentences, each
 * starting with the query parameter or the binding pointer at fault; the plan is
 * returned only when there are none.
 */
export function compileListQuery(input: {
  operationId: string;
  /** `x-burrow-resource.query`. */
  binding: QueryBinding | undefined;
  /** The query parameters the operation declares (schemas dereferenced). */
  declared: DeclaredParam[];
  /** The item schema seen against the model (readable fields, relations). */
  view: ResourceView;
  page: PageSizes;
  /** A fixed where ANDed into every query (never overridable by the client); per-request scopes go to {@link planQuery}. */
  scope?: Record<string, unknown>;
  /** False for a `count` operation: only `filter` and the field parameters are offered (default true). */
  paging?: boolean;
  /** True on PostgreSQL and MySQL: `contains`/`startsWith` values match `%`, `_` and `\` literally (see {@link FilterOptions}). */
  likeEscape?: boolean;
}): { plan?: ListQueryPlan; problems: string[] } {
  const { operationId, view, page } = input;
  const { roles, fields, problems } = compileParams(input);
  if (page.default > page.max) {
    problems.push(`x-burrow-resource.page of ${operationId}: the default page size ${page.default} is over the maximum ${page.max}`);
  }
  if (!view.id.length) problems.push(`${view.pointer}: model ${view.model.name} has no id field, which a list needs to order its pages`);
  if (problems.length) return { problems };
  const options: FilterOptions = input.likeEscape ? { likeEscape: true } : {};
  const plan: ListQueryPlan = { operationId, params: roles, page: { ...page }, view, fields, options, ...(input.scope ? { scope: input.scope } : {}) };
  return { plan, problems };
}

/**
 * The Prisma arguments of one request (`query`: `ctx.query`, validated and coerced by
 * the core; `scope`: the where of the route's path parameters, ANDed in).
 *
 * @throws BurrowError a 400 of the resources family naming the parameter at fault:
 * `BURROW_ERR_QUERY_SYNTAX`, `..._FIELD_UNKNOWN`, `..._OPERATOR_UNKNOWN`, `..._VALUE_INVALID`,
 * `..._PAGE_TOO_LARGE`, `..._CURSOR_INVALID`, `..._PAGING_CONFLICT`.
 */
export function planQuery(plan: ListQueryPlan, query: Record<string, unknown>, scope?: Record<string, unknown>): QueryPlanResult {
  const { params, view } = plan;
  const value = (param: string | undefined): unknown => (param !== undefined && Object.hasOwn(query, param) ? query[param] : undefined);
  const name = (role: QueryRole): string => params[role] ?? role;

  const parts: Where[] = [];
  if (plan.scope) parts.push(plan.scope);
  if (scope) parts.push(scope);
  const filter = value(params.filter);
  if (filter !== undefined) {
    if (typeof filter !== 'string') throw syntaxError(name('filter'), 'expected one filter expression');
    if (filter.trim()) parts.push(filterWhere(parseFilter(filter, name('filter')), view, name('filter'), plan.options));
  }
  for (const field of plan.fields) {
    const given = value(field.param);
    if (given !== undefined) parts.push(fieldWhere(field, given, plan.options));
  }

  const keys = parseSort(value(params.sort), parseDirection(value(params.dir), name('dir')), view, name('sort'));
  const take = parseLimit(value(params.limit), name('limit'), plan.page);
  const skip = parseOffset(value(params.offset), name('offset'));
  const cursor = value(params.cursor);
  const hasCursor = cursor !== undefined && cursor !== '';
  if (skip !== undefined && hasCursor) {
    throw resourceErrors.create('BURROW_ERR_QUERY_PAGING_CONFLICT', { offset: name('offset'), cursor: name('cursor') });
  }
  const count = parseCount(value(params.count), name('count'));
  const selection = buildSelect({ view, select: value(params.select), include: value(params.include), params, keys, max: plan.page.max });

  if (hasCursor && !cursorable(keys)) {
    const enums = keys.filter((k) => !cursorable([k])).map((k) => k.field.name).join(', ');
    throw syntaxError(name('cursor'), `a list sorted on ${enums} (an enum, ordered as the database decides) is paged by offset, not by cursor`);
  }
  const countWhere = combine(parts);
  const seal = sealOf(plan.operationId, orderText(keys), countWhere);
  const where = hasCursor ? combine([...parts, keysetWhere(keys, decodeCursor(cursor, keys, seal, name('cursor')))]) : countWhere;

  return {
    findMany: {
      ...(where ? { where } : {}),
      orderBy: orderBy(keys),
      ...(skip ? { skip } : {}),
      take,
      select: selection.select,
    },
    count,
    ...(countWhere ? { countWhere } : {}),
    ...(selection.fields ? { fields: selection.fields } : {}),
    encodeNext: (lastRow) => (cursorable(keys) ? encodeCursor(keys, seal, lastRow) : undefined),
  };
}

/** The where of a parameter that filters one field. */
function fieldWhere(field: FieldParam, given: unknown, options: FilterOptions): Where {
  const { param, path, op } = field;
  if (op === 'isNull') {
    const flag = given === true || given === 'true' ? true : given === false || given === 'false' ? false : undefined;
    if (flag === undefined) throw syntaxError(param, `expected true or false, found ${quote(String(given))}`);
    return wrapPath(path, clause(path, { op, isNull: flag }, param));
  }
  const list = Array.isArray(given);
  if (op === 'in' || (op === 'eq' && list)) {
    const values = list ? given : [given];
    if (values.length > FILTER_LIMITS.inValues) throw syntaxError(param, `${values.length} values; the most is ${FILTER_LIMITS.inValues}`);
    return wrapPath(path, clause(path, { op: 'in', values: values.map(rawOf) }, param));
  }
  if (list) throw syntaxError(param, 'expected one value');
  return wrapPath(path, clause(path, { op, value: rawOf(given) }, param, options));
}

function parseCount(given: unknown, param: string): boolean {
  if (given === undefined) return false;
  if (given === true || given === 'true') return true;
  if (given === false || given === 'false') return false;
  throw syntaxError(param, `expected true or false, found ${quote(String(given))}`);
}

/** The AND of where clauses (none: no where; one: itself). */
function combine(parts: Where[]): Where | undefined {
  if (!parts.length) return undefined;
  return parts.length === 1 ? parts[0] : { AND: parts };
}
