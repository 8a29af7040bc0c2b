/**
 * Query values converted to what Prisma takes for a field: numbers, `bigint`, `Date`,
 * Decimal strings, booleans, enum values, text. A value that does not fit is a 400
 * (`BURROW_ERR_QUERY_VALUE_INVALID`), never a Prisma error.
 */
import type { ViewField } from '../binding.js';
import { enumValues, isNullable, valueType } from './fields.js';
import { badValue, quote } from './fail.js';

/**
 * A value as the query wrote it: a quoted string, a bare number, `true`/`false` or
 * `null` of a filter expression; or `text` — a query parameter or cursor value whose
 * JSON type says nothing, parsed as the field's type.
 */
export type RawValue =
  | { kind: 'string'; text: string }
  | { kind: 'number'; text: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'text'; text: string };

const INTEGER = /^-?\d+$/;
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INT32 = [-2147483648, 2147483647] as const;
const INT64 = [-(2n ** 63n), 2n ** 63n - 1n] as const;
/** The longest number text taken (a Decimal has at most a few dozen digits). */
const NUMBER_MAX = 100;

/** A typed query parameter value (the core has coerced it) as a {@link RawValue}. */
export function rawOf(value: unknown): RawValue {
  // The core validated the value against the parameter's schema: its text is parsed as the field's type.
  return value === null ? { kind: 'null' } : { kind: 'text', text: String(value) };
}

/** How a detail shows a raw value. */
export function showRaw(raw: RawValue): string {
  switch (raw.kind) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(raw.value);
    case 'number':
      return raw.text.length > 40 ? `${raw.text.slice(0, 40)}…` : raw.text;
    default:
      return quote(raw.text);
  }
}

/**
 * Converts a raw value to the Prisma value of `field` (`name`: how the query names
 * the field). `null` converts to `null` only for a field that may be null.
 *
 * @throws BurrowError `BURROW_ERR_QUERY_VALUE_INVALID` naming `param`.
 */
export function convertValue(field: ViewField, raw: RawValue, param: string, name: string): unknown {
  const type = valueType(field);
  const fail = (expected: string): never => {
    throw badValue(param, showRaw(raw), name, expected);
  };
  if (raw.kind === 'null') return isNullable(field) ? null : fail(`${describe(field)}; it is never null`);
  const text = raw.kind === 'boolean' ? undefined : raw.text;
  switch (type) {
    case 'string':
      return raw.kind === 'string' || raw.kind === 'text' ? raw.text : fail('text in single quotes');
    case 'enum': {
      const values = enumValues(field);
      if ((raw.kind === 'string' || raw.kind === 'text') && (!values || values.includes(raw.text))) return raw.text;
      return fail(describe(field));
    }
    case 'boolean':
      if (raw.kind === 'boolean') return raw.value;
      if (raw.kind === 'text' && (raw.text === 'true' || raw.text === 'false')) return raw.text === 'true';
      return fail(describe(field));
    case 'int':
      if ((raw.kind === 'number' || raw.kind === 'text') && text !== undefined && INTEGER.test(text) && text.length <= 12) {
        const n = Number(text);
        if (n >= INT32[0] && n <= INT32[1]) return n;
      }
      return fail(describe(field));
    case 'float':
      if ((raw.kind === 'number' || raw.kind === 'text') && text !== undefined && text.length <= NUMBER_MAX && NUMBER.test(text)) {
        const n = Number(text);
        if (Number.isFinite(n)) return n;
      }
      return fail(describe(field));
    case 'decimal':
      // Prisma takes a Decimal as a string: no rounding through a JS number.
      if (raw.kind !== 'boolean' && text !== undefined && text.length <= NUMBER_MAX && NUMBER.test(text)) return text;
      return fail(describe(field));
    case 'bigint':
      if (raw.kind !== 'boolean' && text !== undefined && INTEGER.test(text) && text.length <= 20) {
        const n = BigInt(text);
        if (n >= INT64[0] && n <= INT64[1]) return n;
      }
      return fail(describe(field));
    case 'datetime': {
      const date = raw.kind === 'string' || raw.kind === 'text' ? parseDate(raw.text) : undefined;
      return date ?? fail(describe(field));
    }
    default:
      return fail(describe(field));
  }
}

/** What a field takes, in words (for details). */
export function describe(field: ViewField): string {
  switch (valueType(field)) {
    case 'string':
      return 'text in single quotes';
    case 'enum': {
      const values = enumValues(field);
      return values ? `one of ${values.map((v) => `'${v}'`).join(', ')}` : 'one of its enum values';
    }
    case 'boolean':
      return 'true or false';
    case 'int':
      return 'an integer from -2147483648 to 2147483647';
    case 'float':
      return 'a number';
    case 'decimal':
      return 'a decimal number';
    case 'bigint':
      return 'a 64-bit integer';
    case 'datetime':
      return "a date 'YYYY-MM-DD' or an RFC 3339 date-time '2025-01-31T12:00:00Z' in single quotes";
    default:
      return `no value: ${field.field.type} fields cannot be filtered`;
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** A `YYYY-MM-DD` date (midnight UTC) or an RFC 3339 date-time; `undefined` for anything else, including impossible dates (`2025-02-30`). */
export function parseDate(text: string): Date | undefined {
  const day = DATE.exec(text);
  if (day) {
    const [, y, m, d] = day;
    return validDay(+y, +m, +d) ? new Date(`${y}-${m}-${d}T00:00:00.000Z`) : undefined;
  }
  const stamp = DATE_TIME.exec(text);
  if (!stamp) return undefined;
  const [, y, m, d, hh, mm, ss, fraction, zulu, sign, oh, om] = stamp;
  if (!validDay(+y, +m, +d) || +hh > 23 || +mm > 59 || +ss > 59) return undefined;
  if (!zulu && (+oh > 23 || +om > 59)) return undefined;
  const ms = (fraction ?? '.000').slice(1).padEnd(3, '0').slice(0, 3);
  const zone = zulu ? 'Z' : `${sign}${oh}:${om}`;
  const date = new Date(`${y}-${m}-${d}T${hh}:${mm}:${ss}.${ms}${zone}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function validDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(2000, month, 0)).getUTCDate();
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 ? (leap ? 29 : 28) : days);
}
