/**
 * A parsed filter, or a field parameter's value, as a Prisma `where`: names are
 * resolved through the view (unknown, write-only and undeclared fields all answer
 * `BURROW_ERR_QUERY_FIELD_UNKNOWN`), operators checked against the field's type,
 * values converted. Every key of the result is a model field name or a Prisma
 * operator, never text from the URL.
 */
import type { FilterOperator, ResourceView } from '../binding.js';
import { filterableNames, operatorsOf, resolvePath, valueType, wrapPath, type FieldPath } from './fields.js';
import { badOperator, badValue, unknownField } from './fail.js';
import type { Comparison, FilterNode } from './parser.js';
import { convertValue, describe, showRaw, type RawValue } from './values.js';

/** A Prisma where clause. */
export type Where = Record<string, unknown>;

/** How values are written for the database. */
export interface FilterOptions {
  /**
   * Escape `\`, `%` and `_` with a backslash in `contains` and `startsWith` values, so
   * that they match literally. Prisma passes them to `LIKE` as they are (prisma/prisma#19506);
   * PostgreSQL and MySQL take a backslash as the escape of LIKE, SQLite has none.
   */
  likeEscape?: boolean;
}

const PRISMA_KEY: Record<Exclude<FilterOperator, 'in' | 'isNull'>, string> = {
  eq: 'equals',
  ne: 'not',
  gt: 'gt',
  gte: 'gte',
  lt: 'lt',
  lte: 'lte',
  contains: 'contains',
  startsWith: 'startsWith',
};

/**
 * The where of a parsed filter expression.
 *
 * @throws BurrowError `BURROW_ERR_QUERY_FIELD_UNKNOWN`, `..._OPERATOR_UNKNOWN` or `..._VALUE_INVALID`, naming `param`.
 */
export function filterWhere(node: FilterNode, view: ResourceView, param: string, options: FilterOptions = {}): Where {
  switch (node.kind) {
    case 'and':
      return { AND: node.items.map((item) => filterWhere(item, view, param, options)) };
    case 'or':
      return { OR: node.items.map((item) => filterWhere(item, view, param, options)) };
    case 'not':
      return { NOT: filterWhere(node.item, view, param, options) };
    default:
      return comparisonWhere(node, view, param, options);
  }
}

function comparisonWhere(cmp: Comparison, view: ResourceView, param: string, options: FilterOptions): Where {
  const path = resolvePath(view, cmp.field);
  if (!path) throw unknownField(param, cmp.field, 'filter on', filterableNames(view));
  checkOperator(path, cmp.op, param, cmp.op);
  return wrapPath(path, clause(path, cmp, param, options));
}

/**
 * Throws unless `op` applies to the field (`written`: the operator as the query spelled it).
 *
 * @throws BurrowError `BURROW_ERR_QUERY_OPERATOR_UNKNOWN`.
 */
export function checkOperator(path: FieldPath, op: FilterOperator, param: string, written: string): void {
  const ops = operatorsOf(path.field);
  if (ops.includes(op)) return;
  const type = path.field.field.type;
  const reason =
    valueType(path.field) === 'none'
      ? `does not apply to ${path.name}: ${type} fields cannot be filtered`
      : op === 'isNull'
        ? `does not apply to ${path.name}: it is never null`
        : `does not apply to ${path.name} (${type})`;
  throw badOperator(param, written, reason, ops);
}

/** The Prisma condition on the field itself (`{ gt: 3 }`, `{ in: [...] }`, `{ equals: null }`). */
export function clause(path: FieldPath, cmp: Omit<Comparison, 'kind' | 'field'>, param: string, options: FilterOptions = {}): Record<string, unknown> {
  const field = path.field;
  if (cmp.op === 'isNull') return cmp.isNull === false ? { not: null } : { equals: null };
  if (cmp.op === 'in') {
    const values = (cmp.values ?? []).map((raw) => {
      if (raw.kind === 'null') throw badValue(param, 'null', path.name, `${describe(field)}; in (...) takes no null: add "or ${path.name} isNull"`);
      return convertValue(field, raw, param, path.name);
    });
    return { in: values };
  }
  const raw: RawValue = cmp.value ?? { kind: 'null' };
  if (raw.kind === 'null' && cmp.op !== 'eq' && cmp.op !== 'ne') {
    throw badValue(param, showRaw(raw), path.name, `${describe(field)}; null goes only with eq, ne or isNull`);
  }
  const value = convertValue(field, raw, param, path.name);
  const like = cmp.op === 'contains' || cmp.op === 'startsWith';
  return { [PRISMA_KEY[cmp.op]]: like && options.likeEscape && typeof value === 'string' ? value.replace(/[\\%_]/g, '\\$&') : value };
}
