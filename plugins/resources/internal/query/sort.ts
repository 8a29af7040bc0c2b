/**
 * The order of a list: the client's sort keys (`-priority,due` or
 * `priority:desc,due:asc`, at most {@link MAX_SORT_KEYS}), then the id field(s)
 * ascending so that pages are stable. Fields that may be null sort last in either
 * direction (`nulls: 'last'`), the same on SQLite and PostgreSQL, which keyset paging
 * relies on.
 */
import type { ModelField } from '../datamodel.js';
import type { ResourceView, ViewField } from '../binding.js';
import { isNullable, scalarField, sortableNames, valueType } from './fields.js';
import { quote, syntaxError, unknownField } from './fail.js';

/** The most sort keys a client may send. */
export const MAX_SORT_KEYS = 5;

export type Direction = 'asc' | 'desc';

/** One key of the order. */
export interface OrderKey {
  /** The field (for an id the view does not declare, a stand-in that reads as a required field). */
  field: ViewField;
  dir: Direction;
  /** The field may be null (sorted last). */
  nullable: boolean;
}

const KEY = /^([+-]?)([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z]+))?$/;

/** Reads a `dir` parameter (`asc` or `desc`, any case); `undefined` when absent. */
export function parseDirection(value: unknown, param: string): Direction | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (text === 'asc' || text === 'desc') return text;
  throw syntaxError(param, `expected asc or desc, found ${quote(String(value))}`);
}

/**
 * The order of the list: the sort parameter's keys (`dir` applies to keys without a
 * direction), then the id field(s) ascending; with no keys, the id field(s) in the
 * `dir` direction (ascending by default).
 *
 * @throws BurrowError `BURROW_ERR_QUERY_SYNTAX` or `BURROW_ERR_QUERY_FIELD_UNKNOWN`, naming `param`.
 */
export function parseSort(value: unknown, dir: Direction | undefined, view: ResourceView, param: string): OrderKey[] {
  const items = splitList(value, param);
  if (items.length > MAX_SORT_KEYS) throw syntaxError(param, `${items.length} sort keys; the most is ${MAX_SORT_KEYS}`);
  const keys: OrderKey[] = [];
  for (const item of items) {
    const m = KEY.exec(item);
    if (!m) throw syntaxError(param, `${quote(item)} is not a sort key: write field, -field or field:asc / field:desc`);
    const [, sign, name, suffix] = m;
    const explicit = suffix?.toLowerCase();
    if (explicit !== undefined && explicit !== 'asc' && explicit !== 'desc') throw syntaxError(param, `${quote(item)}: the direction is asc or desc`);
    if (sign && explicit) throw syntaxError(param, `${quote(item)}: give the direction once (-field or field:desc)`);
    const field = scalarField(view, name);
    if (!field || valueType(field) === 'none') throw unknownField(param, name, 'sort on', sortableNames(view));
    if (keys.some((k) => k.field.field.name === field.field.name)) throw syntaxError(param, `the list sorts on ${name} twice`);
    const direction: Direction = sign === '-' ? 'desc' : sign === '+' ? 'asc' : ((explicit as Direction | undefined) ?? dir ?? 'asc');
    keys.push({ field, dir: direction, nullable: isNullable(field) });
  }
  const idDir: Direction = keys.length ? 'asc' : (dir ?? 'asc');
  for (const id of view.id) {
    if (keys.some((k) => k.field.field.name === id.name)) continue;
    keys.push({ field: view.fields.get(id.name) ?? standIn(id), dir: idDir, nullable: false });
  }
  return keys;
}

/** The Prisma `orderBy` of an order. */
export function orderBy(keys: readonly OrderKey[]): Record<string, unknown>[] {
  return keys.map((k) => ({ [k.field.field.name]: k.nullable ? { sort: k.dir, nulls: 'last' } : k.dir }));
}

/** The order as text (`priority:desc,id:asc`), for the cursor's fingerprint. */
export function orderText(keys: readonly OrderKey[]): string {
  return keys.map((k) => `${k.field.field.name}:${k.dir}`).join(',');
}

/**
 * The items of a comma-separated list parameter (a string, or an array of them when
 * the contract declares an array): trimmed; empty: none.
 *
 * @throws BurrowError `BURROW_ERR_QUERY_SYNTAX` for an empty item (`a,,b`) or a value that is not text.
 */
export function splitList(value: unknown, param: string): string[] {
  if (value === undefined) return [];
  const parts = Array.isArray(value) ? value : [value];
  const items: string[] = [];
  for (const part of parts) {
    if (typeof part !== 'string') throw syntaxError(param, 'expected a comma-separated list of names');
    if (!part.trim()) continue;
    for (const item of part.split(',')) {
      const name = item.trim();
      if (!name) throw syntaxError(param, `an item of ${quote(part)} is empty`);
      items.push(name);
    }
  }
  return items;
}

/** An id field the view does not declare, as a view field (read only by the order and the cursor). */
function standIn(field: ModelField): ViewField {
  return { name: field.name, field, schema: {}, wire: 'plain', readable: true, writable: false, required: true, nullable: false };
}
