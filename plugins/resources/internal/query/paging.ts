/** Page size, offset, and the keyset `where` of cursor paging. */
import type { Where } from './filter.js';
import type { OrderKey } from './sort.js';
import { valueType } from './fields.js';
import { quote, syntaxError } from './fail.js';
import { resourceErrors } from '../errors.js';

/** The largest offset taken (a 32-bit integer, what every database takes for `OFFSET`). */
export const MAX_OFFSET = 2147483647;

/** The page sizes of a list. */
export interface PageSizes {
  /** When the client names no size. */
  default: number;
  /** The most a client may ask. */
  max: number;
}

function integerOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/**
 * The page size: `page.default` when absent.
 *
 * @throws BurrowError `BURROW_ERR_QUERY_PAGE_TOO_LARGE` over `page.max`, `BURROW_ERR_QUERY_SYNTAX` below 1 or not an integer.
 */
export function parseLimit(value: unknown, param: string, page: PageSizes): number {
  if (value === undefined) return page.default;
  const size = integerOf(value);
  if (size === undefined || size < 1) throw syntaxError(param, `the page size is an integer from 1 to ${page.max}, not ${quote(String(value))}`);
  if (size > page.max) throw resourceErrors.create('BURROW_ERR_QUERY_PAGE_TOO_LARGE', { param, size, max: page.max });
  return size;
}

/**
 * The number of records to skip; `undefined` when absent.
 *
 * @throws BurrowError `BURROW_ERR_QUERY_SYNTAX` for a negative or non-integer offset, or one over {@link MAX_OFFSET}.
 */
export function parseOffset(value: unknown, param: string): number | undefined {
  if (value === undefined) return undefined;
  const offset = integerOf(value);
  if (offset === undefined || offset < 0 || offset > MAX_OFFSET) {
    throw syntaxError(param, `the offset is an integer from 0 to ${MAX_OFFSET}, not ${quote(String(value))}`);
  }
  return offset;
}

/** True when the order can be paged by cursor: no key is an enum, whose order the database decides (declaration order on PostgreSQL, text on SQLite). */
export function cursorable(keys: readonly OrderKey[]): boolean {
  return keys.every((key) => valueType(key.field) !== 'enum');
}

/**
 * The rows after a row, in the order of `keys` (`values`: the row's Prisma values of
 * each key, in the same order). For keys k1 desc, k2 asc, id asc:
 * `(k1 < v1) or (k1 = v1 and k2 > v2) or (k1 = v1 and k2 = v2 and id > vid)`. Nulls
 * sort last: after a non-null value come the greater values and the nulls; after a
 * null, only the other nulls (through the next keys). Booleans have no `gt` in
 * Prisma: after `false` ascending comes `equals: true`, after `true` nothing.
 */
export function keysetWhere(keys: readonly OrderKey[], values: readonly unknown[]): Where {
  const disjuncts: Where[] = [];
  const equal: Where[] = [];
  keys.forEach((key, i) => {
    const name = key.field.field.name;
    const value = values[i];
    if (value !== null) {
      const beyond = beyondOf(key, name, value);
      const after = key.nullable ? (beyond ? { OR: [beyond, { [name]: { equals: null } }] } : { [name]: { equals: null } }) : beyond;
      if (after) disjuncts.push(equal.length ? { AND: [...equal, after] } : after);
    }
    equal.push({ [name]: { equals: value } });
  });
  return disjuncts.length === 1 ? disjuncts[0] : { OR: disjuncts };
}

/** The non-null values past `value` in the key's direction; `undefined`: none. */
function beyondOf(key: OrderKey, name: string, value: unknown): Where | undefined {
  if (valueType(key.field) === 'boolean') {
    const last = key.dir === 'asc' ? true : false;
    return value === last ? undefined : { [name]: { equals: last } };
  }
  return { [name]: { [key.dir === 'asc' ? 'gt' : 'lt']: value } };
}
