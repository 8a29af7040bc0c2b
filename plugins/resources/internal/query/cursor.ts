/**
 * The opaque cursor of cursor paging: base64url of `{"k":[...],"h":"..."}`, the sort
 * key values of the last row (the id last) and a check that binds them to the list
 * (operation, order, filter and scope). A cursor from another order or filter, an
 * edited one, or anything that is not a cursor is `BURROW_ERR_QUERY_CURSOR_INVALID`.
 *
 * The check is a hash, not a signature: a client that rebuilds one only moves its own
 * position; every value is still converted to its field's type before it reaches Prisma.
 */
import { createHash } from 'node:crypto';
import type { OrderKey } from './sort.js';
import { badCursor } from './fail.js';
import { convertValue, type RawValue } from './values.js';

/** The longest cursor read (five keys and an id take a few hundred characters). */
const CURSOR_MAX = 4096;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A key value as the cursor holds it. */
type Stored = string | number | boolean | null;

/** What binds a cursor to one list: the operation, its order and its filter (scope included). */
export function sealOf(operationId: string, order: string, where: unknown): string {
  const text = JSON.stringify(['burrow-cursor-1', operationId, order, where ?? null], (_key, value: unknown) =>
    typeof value === 'bigint' ? `${value}n` : value,
  );
  return createHash('sha256').update(text).digest('base64url');
}

function check(seal: string, values: readonly Stored[]): string {
  return createHash('sha256').update(seal).update('\n').update(JSON.stringify(values)).digest('base64url').slice(0, 22);
}

/** A value of a Prisma row as the cursor stores it: bigint, Date and Decimal as strings. */
function stored(value: unknown, name: string): Stored {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  // A Prisma Decimal (decimal.js): its text is exact.
  if (typeof value === 'object' && typeof (value as { toFixed?: unknown }).toFixed === 'function') return String(value);
  throw new TypeError(`the cursor cannot hold the value of ${name} (${value === undefined ? 'the row does not have it: select it' : typeof value})`);
}

/**
 * The cursor after `row` in the order of `keys`.
 *
 * @throws TypeError when the row lacks a key (the plan's select always has them).
 */
export function encodeCursor(keys: readonly OrderKey[], seal: string, row: Record<string, unknown>): string {
  const values = keys.map((key) => stored(row[key.field.field.name], key.field.field.name));
  return Buffer.from(JSON.stringify({ k: values, h: check(seal, values) }), 'utf8').toString('base64url');
}

/**
 * The Prisma values of the keys a cursor holds.
 *
 * @throws BurrowError `BURROW_ERR_QUERY_CURSOR_INVALID` naming `param`, for anything but a cursor this list made.
 */
export function decodeCursor(text: unknown, keys: readonly OrderKey[], seal: string, param: string): unknown[] {
  if (typeof text !== 'string' || text.length > CURSOR_MAX || !BASE64URL.test(text)) throw badCursor(param);
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) throw badCursor(param);
  let payload: unknown;
  try {
    payload = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw badCursor(param);
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw badCursor(param);
  const { k, h } = payload as { k?: unknown; h?: unknown };
  if (!Array.isArray(k) || k.length !== keys.length || typeof h !== 'string') throw badCursor(param);
  if (!k.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) throw badCursor(param);
  const values = k as Stored[];
  if (check(seal, values) !== h) throw badCursor(param);
  return keys.map((key, i) => {
    const value = values[i];
    if (value === null && !key.nullable) throw badCursor(param);
    const raw: RawValue =
      value === null
        ? { kind: 'null' }
        : typeof value === 'boolean'
          ? { kind: 'boolean', value }
          : typeof value === 'number'
            ? { kind: 'number', text: String(value) }
            : { kind: 'text', text: value };
    try {
      return convertValue(key.field, raw, param, key.field.name);
    } catch {
      throw badCursor(param);
    }
  });
}
