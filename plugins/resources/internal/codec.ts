/**
 * Values between the wire (JSON, as the contract types them) and Prisma (bigint,
 * Decimal, Date, Uint8Array, Json). Serialisers are compiled once per view at boot.
 */
import type { ModelField } from './datamodel.js';
import type { ResourceView, ViewField } from './binding.js';

/** Turns a Prisma row into the JSON the read view declares (only readable fields). */
export type Serializer = (row: Record<string, unknown>) => Record<string, unknown>;

/** Prisma's null for a Json column (`Prisma.DbNull`), resolved from the user's client. */
export interface PrismaNulls {
  DbNull: unknown;
}

function toWire(field: ViewField): (value: unknown) => unknown {
  switch (field.wire) {
    case 'string':
      return (v) => (v === null || v === undefined ? v : String(v));
    case 'number':
      return (v) => (v === null || v === undefined ? v : Number(v));
    case 'date-time':
      return (v) => (v instanceof Date ? v.toISOString() : v);
    case 'date':
      return (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v);
    case 'base64':
      return (v) => (v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : v);
    default:
      // A BigInt the contract types as an integer: a number, exact only up to 2^53.
      return (v) => (typeof v === 'bigint' ? Number(v) : v);
  }
}

const memo = new WeakMap<ResourceView, Serializer>();

/** The serializer of a read view (relations included when the row holds them). */
export function serializer(view: ResourceView): Serializer {
  const known = memo.get(view);
  if (known) return known;
  const steps: { name: string; convert: (v: unknown) => unknown }[] = [];
  const serialize: Serializer = (row) => {
    const out: Record<string, unknown> = {};
    for (const step of steps) {
      const value = row[step.name];
      if (value !== undefined) out[step.name] = step.convert(value);
    }
    return out;
  };
  // Memoised before the relations are compiled: views may be cyclic.
  memo.set(view, serialize);
  for (const field of view.fields.values()) {
    if (!field.readable) continue;
    if (field.relation) {
      const nested = serializer(field.relation);
      steps.push({
        name: field.name,
        convert: (v) => (v === null ? null : Array.isArray(v) ? v.map((r) => nested(r as Record<string, unknown>)) : nested(v as Record<string, unknown>)),
      });
    } else {
      const one = toWire(field);
      steps.push({ name: field.name, convert: field.field.isList ? (v) => (Array.isArray(v) ? v.map(one) : v) : one });
    }
  }
  return serialize;
}

/** Converts one wire value to what Prisma takes for a scalar field; throws a RangeError on a value that cannot be one. */
export function toPrismaScalar(field: ModelField, value: unknown, nulls?: PrismaNulls): unknown {
  if (value === null) return field.type === 'Json' && nulls ? nulls.DbNull : null;
  switch (field.type) {
    case 'BigInt':
      if (typeof value === 'bigint') return value;
      if ((typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && /^-?\d{1,20}$/.test(value))) return BigInt(value);
      throw new RangeError(`${String(value)} is not an integer`);
    case 'Int':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) return Number(value);
      throw new RangeError(`${String(value)} is not an integer`);
    case 'DateTime':
      if (value instanceof Date) return value;
      if (typeof value === 'string') {
        const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
        if (!Number.isNaN(date.getTime())) return date;
      }
      throw new RangeError(`${String(value)} is not a date`);
    case 'Bytes':
      return typeof value === 'string' ? Buffer.from(value, 'base64') : value;
    case 'Decimal':
      return typeof value === 'number' ? String(value) : value;
    default:
      return value;
  }
}

/** The id of a record as Prisma takes it, from a path parameter or a body value; `undefined` when it cannot be one. */
export function toPrismaId(field: ModelField, value: unknown): unknown {
  try {
    return toPrismaScalar(field, value);
  } catch {
    return undefined;
  }
}

/** The id of a record as the wire writes it (a string for a BigInt: ids are never rounded). */
export function idToWire(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}
