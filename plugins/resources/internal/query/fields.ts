/**
 * The fields a list query may name: readable scalar fields of the view, and (for
 * filters) the readable scalar fields of a to-one relation the view declares
 * (`project.name`). Names are looked up in the view's Map, never on an object, so
 * `__proto__` or `constructor` are just unknown names.
 */
import type { FilterOperator, ResourceView, ViewField } from '../binding.js';

/** How a field's values are compared and converted. `none`: the field cannot be filtered or sorted (Json, Bytes, lists). */
export type ValueType = 'string' | 'int' | 'float' | 'decimal' | 'bigint' | 'datetime' | 'boolean' | 'enum' | 'none';

/** A scalar field reached from the view: the to-one relations followed to it, and the field. */
export interface FieldPath {
  /** The name as a query writes it (`priority`, `project.name`). */
  name: string;
  /** The to-one relations followed, outermost first (empty for a field of the view itself). */
  via: ViewField[];
  field: ViewField;
}

/** The deepest path a filter may follow: a field of a relation of a relation. */
const MAX_SEGMENTS = 3;

const ORDERED: readonly FilterOperator[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in'];
const OPERATORS: Record<ValueType, readonly FilterOperator[]> = {
  string: [...ORDERED, 'contains', 'startsWith'],
  int: ORDERED,
  float: ORDERED,
  decimal: ORDERED,
  bigint: ORDERED,
  datetime: ORDERED,
  boolean: ['eq', 'ne'],
  enum: ['eq', 'ne', 'in'],
  none: [],
};

const SCALAR_TYPES: Record<string, ValueType> = {
  String: 'string',
  Int: 'int',
  Float: 'float',
  Decimal: 'decimal',
  BigInt: 'bigint',
  DateTime: 'datetime',
  Boolean: 'boolean',
};

/** The value type of a field of the view. */
export function valueType(field: ViewField): ValueType {
  const { kind, type, isList } = field.field;
  if (isList || field.relation) return 'none';
  if (kind === 'enum') return 'enum';
  if (kind !== 'scalar') return 'none';
  return SCALAR_TYPES[type] ?? 'none';
}

/** True when the database may hold null in the field. */
export function isNullable(field: ViewField): boolean {
  return !field.field.isRequired;
}

/** The operators that apply to a field (`isNull` only to a field that may be null). */
export function operatorsOf(field: ViewField): FilterOperator[] {
  const type = valueType(field);
  const ops = [...OPERATORS[type]];
  if (type !== 'none' && isNullable(field)) ops.push('isNull');
  return ops;
}

/** The values an enum field takes, from its schema (`enum`, or the `enum` of an `anyOf`/`oneOf` member); `undefined`: the schema does not list them. */
export function enumValues(field: ViewField): string[] | undefined {
  const pick = (schema: unknown): string[] | undefined => {
    if (!schema || typeof schema !== 'object') return undefined;
    const values = (schema as { enum?: unknown }).enum;
    return Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : undefined;
  };
  const direct = pick(field.schema);
  if (direct) return direct;
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const members = field.schema[key];
    if (!Array.isArray(members)) continue;
    for (const member of members) {
      const values = pick(member);
      if (values) return values;
    }
  }
  return undefined;
}

/** A readable scalar field of the view itself (what sort and select take), or `undefined`. */
export function scalarField(view: ResourceView, name: string): ViewField | undefined {
  const field = view.fields.get(name);
  return field && field.readable && !field.relation && field.field.kind !== 'object' ? field : undefined;
}

/** A readable relation of the view (what include takes), or `undefined`. */
export function relationField(view: ResourceView, name: string): ViewField | undefined {
  const field = view.fields.get(name);
  return field && field.readable && field.relation ? field : undefined;
}

/** The field a filter names (`due`, `project.name`): a readable scalar field, through readable to-one relations; `undefined` otherwise. */
export function resolvePath(view: ResourceView, name: string): FieldPath | undefined {
  const segments = name.split('.');
  if (segments.length > MAX_SEGMENTS) return undefined;
  const via: ViewField[] = [];
  let current = view;
  for (const [i, segment] of segments.entries()) {
    if (i === segments.length - 1) {
      const field = scalarField(current, segment);
      return field ? { name, via, field } : undefined;
    }
    const relation = relationField(current, segment);
    if (!relation || relation.field.isList || !relation.relation) return undefined;
    via.push(relation);
    current = relation.relation;
  }
  return undefined;
}

/** The names a filter may use, for messages: the view's filterable fields, then those of its to-one relations (`project.name`). */
export function filterableNames(view: ResourceView): string[] {
  const names: string[] = [];
  const own = (v: ResourceView, prefix: string) => {
    for (const field of v.fields.values()) if (scalarField(v, field.name) && valueType(field) !== 'none') names.push(prefix + field.name);
  };
  own(view, '');
  for (const field of view.fields.values()) {
    const relation = relationField(view, field.name);
    if (relation?.relation && !relation.field.isList) own(relation.relation, `${relation.name}.`);
  }
  return names;
}

/** The names sort takes: readable scalar fields that can be ordered. */
export function sortableNames(view: ResourceView): string[] {
  return [...view.fields.values()].filter((f) => scalarField(view, f.name) && valueType(f) !== 'none').map((f) => f.name);
}

/** The names select takes: readable scalar fields. */
export function selectableNames(view: ResourceView): string[] {
  return [...view.fields.values()].filter((f) => scalarField(view, f.name)).map((f) => f.name);
}

/** The names include takes: readable relations. */
export function includableNames(view: ResourceView): string[] {
  return [...view.fields.values()].filter((f) => relationField(view, f.name)).map((f) => f.name);
}

/** Wraps the clause on a path's field into the relations it goes through: `{ project: { is: { name: clause } } }` (keys are model field names). */
export function wrapPath(path: FieldPath, clause: unknown): Record<string, unknown> {
  let where: Record<string, unknown> = { [path.field.field.name]: clause };
  for (let i = path.via.length - 1; i >= 0; i--) where = { [path.via[i].field.name]: { is: where } };
  return where;
}
