/**
 * The drift check of one scalar or enum field: does the contract's schema type the
 * model's values, and how do they travel in JSON (the {@link WireType})?
 *
 * | Prisma | contract | wire |
 * | --- | --- | --- |
 * | String | `string` | plain |
 * | Int | `integer` (or `number`) / `string` | plain / string |
 * | Float | `number` | plain |
 * | Boolean | `boolean` | plain |
 * | DateTime | `string` + `format: date-time` / `date` | date-time / date |
 * | BigInt | `integer` (format `int64` or none) / `string` | plain (a number) / string |
 * | Decimal | `string` / `number` | string / number |
 * | Json | anything | json |
 * | Bytes | `string` + `format: byte` | base64 |
 * | an enum | `string` + `enum` of exactly the Prisma enum's values | plain |
 * | a list (`String[]`) | `array` of the above | the element's |
 */
import type { WireType } from './binding.js';
import type { Datamodel, ModelField } from './datamodel.js';
import { describeType, readSchema, type SchemaFacts } from './view-schema.js';

/** The wire type of a field, and what is wrong with its schema (each a sentence fragment, empty when nothing). */
export interface ScalarMatch {
  wire: WireType;
  problems: string[];
}

/** What each Prisma scalar type expects of the contract, for messages. */
const EXPECTED: Record<string, string> = {
  String: 'string',
  Int: 'integer (or number, or a string of digits)',
  Float: 'number',
  Boolean: 'boolean',
  DateTime: 'string with format date-time or date',
  BigInt: 'integer (format int64) or string',
  Decimal: 'string or number',
  Bytes: 'string with format byte',
  Json: 'anything',
};

/** The wire type of a value of Prisma type `type` typed `t` (+ `format`) by the contract; `undefined` when they do not fit. */
function wireOf(type: string, t: string, format: string | undefined): WireType | undefined {
  switch (type) {
    case 'String':
      return t === 'string' ? 'plain' : undefined;
    case 'Int':
      // A string: ids a contract types as text on one database and BigInt on another (SQLite cannot autoincrement a BigInt).
      return t === 'integer' || t === 'number' ? 'plain' : t === 'string' ? 'string' : undefined;
    case 'Float':
      return t === 'number' ? 'plain' : undefined;
    case 'Boolean':
      return t === 'boolean' ? 'plain' : undefined;
    case 'DateTime':
      return t === 'string' && (format === 'date-time' || format === 'date') ? format : undefined;
    case 'BigInt':
      if (t === 'integer') return format === undefined || format === 'int64' ? 'plain' : undefined;
      return t === 'string' ? 'string' : undefined;
    case 'Decimal':
      return t === 'string' ? 'string' : t === 'number' ? 'number' : undefined;
    case 'Bytes':
      return t === 'string' && format === 'byte' ? 'base64' : undefined;
    default:
      return undefined;
  }
}

/** The Prisma type of a field as the schema file writes it: `String`, `DateTime?`, `Tag[]`. */
export function prismaType(field: ModelField): string {
  return `${field.type}${field.isList ? '[]' : field.isRequired ? '' : '?'}`;
}

/** Checks the schema of one value (a list's item, or the field's value) against the field's type. */
function matchValue(field: ModelField, facts: SchemaFacts, datamodel: Datamodel): ScalarMatch {
  if (field.kind === 'scalar' && field.type === 'Json') return { wire: 'json', problems: [] };
  if (facts.types === undefined) {
    return { wire: 'plain', problems: [`has no type; the model's ${field.type} expects ${expected(field, datamodel)}`] };
  }
  const mismatch = (): ScalarMatch => ({ wire: 'plain', problems: [`type ${describeType(facts)} does not fit the model's ${field.type} (expected ${expected(field, datamodel)})`] });
  if (!facts.types || facts.types.length !== 1) return mismatch();
  const t = facts.types[0]!;
  if (field.kind === 'enum') {
    if (t !== 'string') return mismatch();
    return { wire: 'plain', problems: enumProblems(field, facts, datamodel) };
  }
  if (field.kind !== 'scalar') return { wire: 'plain', problems: [`Prisma cannot read or write this ${field.kind} field`] };
  const wire = wireOf(field.type, t, facts.format);
  return wire ? { wire, problems: [] } : mismatch();
}

function expected(field: ModelField, datamodel: Datamodel): string {
  if (field.kind === 'enum') return `string with enum [${enumOf(field, datamodel).join(', ')}]`;
  return EXPECTED[field.type] ?? field.type;
}

function enumOf(field: ModelField, datamodel: Datamodel): string[] {
  return datamodel.enums.find((e) => e.name === field.type)?.values.map((v) => v.name) ?? [];
}

function enumProblems(field: ModelField, facts: SchemaFacts, datamodel: Datamodel): string[] {
  const values = enumOf(field, datamodel);
  if (!facts.enum) return [`lists no enum values; the model's enum ${field.type} takes ${values.join(', ')}`];
  const listed = facts.enum.map(String);
  const missing = values.filter((v) => !listed.includes(v));
  const extra = listed.filter((v) => !values.includes(v));
  if (!missing.length && !extra.length) return [];
  const parts: string[] = [];
  if (missing.length) parts.push(`missing ${missing.join(', ')}`);
  if (extra.length) parts.push(`not in the model: ${extra.join(', ')}`);
  return [`enum differs from the model's enum ${field.type}: ${parts.join('; ')}`];
}

/**
 * Checks a scalar or enum field's schema (already read) against the field: its type,
 * format and enum values; a list field takes an array of them.
 */
export function matchScalar(field: ModelField, facts: SchemaFacts, datamodel: Datamodel): ScalarMatch {
  if (!field.isList) return matchValue(field, facts, datamodel);
  const isArray = facts.types?.length === 1 && facts.types[0] === 'array';
  if (!isArray) {
    return { wire: 'plain', problems: [`type ${describeType(facts)} does not fit the model's ${field.type}[] (expected an array of ${expected(field, datamodel)})`] };
  }
  const item = matchValue(field, readSchema(facts.items ?? {}), datamodel);
  return { wire: item.wire, problems: item.problems.map((p) => `its items: ${p}`) };
}
