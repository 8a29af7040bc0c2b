/**
 * What a (dereferenced) contract schema says about one value, read the same way from
 * OpenAPI 3.0 and 3.1: `allOf` folded in, `nullable: true` (3.0, with a `type`) and
 * `type: [..., 'null']` (3.1) both meaning "may be null", and the markers the core's
 * request and response views leave for hidden properties (`x-burrow-read-only`,
 * `x-burrow-drop`, `x-burrow-write-only`) read as `readOnly` / `writeOnly`.
 */

/** A schema object of the dereferenced contract. */
export type Schema = Record<string, unknown>;

/** What a schema says about its value. */
export interface SchemaFacts {
  /** The schema with its `allOf` folded in (the original when it has none). */
  merged: Schema;
  /** The JSON types allowed besides null (`integer` where `number` and `integer` meet); `undefined`: no type said. */
  types?: string[];
  /** Null is a valid value. */
  nullable: boolean;
  readOnly: boolean;
  writeOnly: boolean;
  /** The core's view replaced the property by a marker: nothing else is known of it. */
  hidden: boolean;
  format?: string;
  /** The `enum` values, null left out; `undefined`: no enum. */
  enum?: unknown[];
  /** Object schemas: the properties, `allOf` parts merged (a property two parts declare is the `allOf` of both). */
  properties: Record<string, Schema>;
  required: string[];
  /** Array schemas: the items schema. */
  items?: Schema;
}

const MARKERS = { readOnly: ['x-burrow-read-only', 'x-burrow-drop'], writeOnly: ['x-burrow-write-only'] } as const;
/** Deeper `allOf` nesting is not read (the core refuses `allOf` loops at boot). */
const MAX_DEPTH = 32;

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One schema that applies to the value; `orNull`: reached through a branch of an `anyOf`/`oneOf` with null. */
interface Part {
  schema: Schema;
  orNull: boolean;
}

/** The parts of a schema that all apply to its value: itself, its `allOf` members, and the non-null branch of a nullable `anyOf`/`oneOf`. */
function parts(schema: Schema, orNull = false, depth = 0, seen = new Set<Schema>()): Part[] {
  if (seen.has(schema) || depth > MAX_DEPTH) return [];
  seen.add(schema);
  const out: Part[] = [{ schema, orNull }];
  if (Array.isArray(schema.allOf)) for (const part of schema.allOf) if (isObject(part)) out.push(...parts(part, orNull, depth + 1, seen));
  const branch = nullableBranch(schema);
  if (branch) out.push(...parts(branch, true, depth + 1, seen));
  return out;
}

/** The types a schema allows (null included), or `undefined` when it says none: its own, its `allOf`'s, its nullable branch's. */
function typesOf(schema: Schema, depth = 0): Set<string> | undefined {
  if (depth > MAX_DEPTH) return undefined;
  let types = partTypes(schema);
  const meet = (other: Set<string> | undefined) => {
    if (other) types = types ? intersect(types, other) : other;
  };
  if (Array.isArray(schema.allOf)) for (const part of schema.allOf) if (isObject(part)) meet(typesOf(part, depth + 1));
  const branch = nullableBranch(schema);
  if (branch) {
    const inner = typesOf(branch, depth + 1);
    meet(inner ? new Set([...inner, 'null']) : undefined);
  }
  return types;
}

function isNullSchema(schema: unknown): boolean {
  if (!isObject(schema)) return false;
  if (schema.type === 'null') return true;
  if ('const' in schema && schema.const === null) return true;
  return Array.isArray(schema.enum) && schema.enum.length > 0 && schema.enum.every((v) => v === null);
}

/**
 * `anyOf`/`oneOf` of one schema and null (`oneOf: [{ $ref: Status }, { type: 'null' }]`,
 * the 3.1 way of a nullable `$ref`): the non-null branch, else `undefined`.
 */
function nullableBranch(schema: Schema): Schema | undefined {
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (!Array.isArray(branches) || branches.length < 2) continue;
    const others = branches.filter((b) => !isNullSchema(b));
    if (others.length === 1 && isObject(others[0])) return others[0];
  }
  return undefined;
}

/** The types one part allows (null included), or `undefined` when it says none. */
function partTypes(part: Schema): Set<string> | undefined {
  let types: Set<string> | undefined;
  if (typeof part.type === 'string') types = new Set([part.type]);
  else if (Array.isArray(part.type)) types = new Set(part.type.filter((t): t is string => typeof t === 'string'));
  if (types && part.nullable === true) types.add('null');
  return types;
}

/** Types allowed by both sets (`integer` is a `number`). */
function intersect(a: Set<string>, b: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const t of a) {
    if (b.has(t)) out.add(t);
    else if (t === 'integer' && b.has('number')) out.add('integer');
    else if (t === 'number' && b.has('integer')) out.add('integer');
  }
  return out;
}

function typeOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Reads a schema: its types, nullability, readOnly/writeOnly, format, enum, properties and items. */
export function readSchema(schema: Schema): SchemaFacts {
  const found = parts(schema);
  const all = found.map((p) => p.schema);
  let types = typesOf(schema);
  const first = <T>(pick: (part: Schema) => T | undefined): T | undefined => {
    for (const part of all) {
      const value = pick(part);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const enumPart = found.find((p) => Array.isArray(p.schema.enum) || 'const' in p.schema);
  let enumValues: unknown[] | undefined;
  if (enumPart) {
    enumValues = Array.isArray(enumPart.schema.enum) ? [...(enumPart.schema.enum as unknown[])] : [enumPart.schema.const];
    if (enumPart.orNull) enumValues.push(null);
  }
  // An enum without a type says its type through its values.
  if (!types && enumValues) types = new Set(enumValues.map(typeOfValue));
  if (!types && all.some((p) => isObject(p.properties))) types = new Set(['object']);
  if (!types && all.some((p) => isObject(p.items))) types = new Set(['array']);
  // Inferred through the branch of an anyOf/oneOf with null: null stays allowed.
  if (types && !typesOf(schema) && found.some((p) => p.orNull)) types.add('null');

  const properties: Record<string, Schema> = {};
  const required = new Set<string>();
  let items: Schema | undefined;
  for (const part of all) {
    if (isObject(part.properties)) {
      for (const [name, sub] of Object.entries(part.properties)) {
        if (!isObject(sub)) continue;
        const known = Object.prototype.hasOwnProperty.call(properties, name) ? properties[name] : undefined;
        properties[name] = known && known !== sub ? { allOf: [known, sub] } : sub;
      }
    }
    if (Array.isArray(part.required)) for (const name of part.required) if (typeof name === 'string') required.add(name);
    if (isObject(part.items)) items = items && items !== part.items ? { allOf: [items, part.items] } : part.items;
  }

  const nullable =
    (types === undefined || types.has('null')) && (enumValues === undefined || enumValues.includes(null));
  const marked = (names: readonly string[]) => all.some((p) => names.some((n) => p[n] === true));
  const readOnly = all.some((p) => p.readOnly === true) || marked(MARKERS.readOnly);
  const writeOnly = all.some((p) => p.writeOnly === true) || marked(MARKERS.writeOnly);
  const hidden = marked([...MARKERS.readOnly, ...MARKERS.writeOnly]);

  const merged = all.length === 1 ? schema : mergeParts(all, properties, [...required], items);
  const facts: SchemaFacts = { merged, nullable, readOnly, writeOnly, hidden, properties, required: [...required] };
  const nonNull = types ? [...types].filter((t) => t !== 'null') : undefined;
  if (nonNull) facts.types = nonNull;
  const format = first((p) => (typeof p.format === 'string' ? p.format : undefined));
  if (format !== undefined) facts.format = format;
  if (enumValues) facts.enum = enumValues.filter((v) => v !== null);
  if (items) facts.items = items;
  return facts;
}

/** One schema holding what every part says (the first part saying a keyword wins, but for the merged ones). */
function mergeParts(all: Schema[], properties: Record<string, Schema>, required: string[], items: Schema | undefined): Schema {
  const merged: Schema = {};
  for (const part of all) {
    for (const [key, value] of Object.entries(part)) {
      if (key === 'allOf' || key in merged) continue;
      merged[key] = value;
    }
  }
  if (Object.keys(properties).length) merged.properties = properties;
  if (required.length) merged.required = required;
  else delete merged.required;
  if (items) merged.items = items;
  return merged;
}

/** True for an object schema, or a schema that says no type but declares properties. */
export function isObjectSchema(facts: SchemaFacts): boolean {
  return facts.types !== undefined && facts.types.length === 1 && facts.types[0] === 'object';
}

/** True for an array schema. */
export function isArraySchema(facts: SchemaFacts): boolean {
  return facts.types !== undefined && facts.types.length === 1 && facts.types[0] === 'array';
}

/** The schema's type as messages write it: `integer`, `string (format date)`, `string or integer`, `untyped`. */
export function describeType(facts: SchemaFacts): string {
  if (!facts.types) return 'untyped';
  if (!facts.types.length) return 'of no type (its allOf parts exclude each other)';
  const types = facts.types.join(' or ');
  return facts.format ? `${types} (format ${facts.format})` : types;
}
