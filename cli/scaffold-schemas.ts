/**
 * The schemas `burrow scaffold resource` writes for a model (`schemas/<model>.yaml`):
 * `<Model>` (what responses return), `New<Model>` (a create or replace body),
 * `<Model>Patch`, `<Model>Page` (a list's envelope), and the Prisma enums they use.
 * They agree with the model as the resources plugin's drift check reads it.
 */
import { idFields, type Datamodel, type Model, type ModelField } from '../plugins/resources/internal/datamodel.js';
import type { ResourceNames } from './scaffold-names.js';

export type Schema = Record<string, unknown>;

/** How a schema names a Prisma enum: a `$ref` (the files written) or the enum itself (to view the schemas at once). */
export type EnumSchema = (name: string) => Schema;

/** What the schemas of one model are built from. */
export interface SchemaContext {
  datamodel: Datamodel;
  model: Model;
  names: ResourceNames;
  /** Fields whose values the path supplies (a nested route's foreign keys): left out of request bodies. */
  supplied: ReadonlySet<string>;
  enumSchema: EnumSchema;
}

/** Fields that look secret: never returned (`writeOnly` in `<Model>`). */
const SECRET = /password|secret|token/i;
/** Fields worth showing when a record is embedded in another (besides ids and unique fields). */
const LABEL = /^(name|title|label|slug)$/;

function defaultName(field: ModelField): string | undefined {
  const name = (field.default as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : undefined;
}

/**
 * True for a field the database (or Prisma) sets: an id with a default, `@updatedAt`,
 * `autoincrement()`, `sequence()`, `now()`, `dbgenerated()`, and the `version` counter
 * the plugin increments on every update. `readOnly` in `<Model>`, never in a request body.
 */
export function isSetByDatabase(field: ModelField): boolean {
  if ((field.isId && field.hasDefaultValue) || field.isUpdatedAt) return true;
  if (['autoincrement', 'sequence', 'now', 'dbgenerated'].includes(defaultName(field) ?? '')) return true;
  return field.name === 'version' && field.type === 'Int' && field.kind === 'scalar';
}

/** True for a scalar or enum field (not a relation, not an `Unsupported` column). */
export function isValueField(field: ModelField): boolean {
  return field.kind === 'scalar' || field.kind === 'enum';
}

/** The schema of one non-null value of a scalar or enum field (an element, for a list field). */
export function valueSchema(field: ModelField, enumSchema: EnumSchema): Schema {
  if (field.kind === 'enum') return enumSchema(field.type);
  switch (field.type) {
    case 'String':
      return defaultName(field) === 'uuid' ? { type: 'string', format: 'uuid' } : { type: 'string' };
    case 'Int':
      return { type: 'integer', format: 'int32' };
    case 'BigInt':
      // A string: JSON numbers are exact only up to 2^53.
      return { type: 'string', pattern: field.isId ? '^[0-9]+$' : '^-?[0-9]+$' };
    case 'Float':
      return { type: 'number', format: 'double' };
    case 'Decimal':
      // A string: exact, whatever its digits (Prisma writes very small or large ones with an exponent).
      return { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$' };
    case 'Boolean':
      return { type: 'boolean' };
    case 'DateTime':
      return { type: 'string', format: 'date-time' };
    case 'Bytes':
      return { type: 'string', format: 'byte' };
    default:
      // Json: any JSON value.
      return {};
  }
}

/** The schema of a field's value: an array for a list field, nullable (3.1 type arrays) for an optional one. */
export function fieldSchema(field: ModelField, enumSchema: EnumSchema, nullable = !field.isRequired): Schema {
  const value = valueSchema(field, enumSchema);
  if (field.isList) return { type: 'array', items: value };
  return nullable ? orNull(value) : value;
}

/** The same schema, null allowed. */
function orNull(schema: Schema): Schema {
  if (typeof schema.type === 'string') return { ...schema, type: [schema.type, 'null'] };
  if (schema.type === undefined && !('$ref' in schema) && !('enum' in schema)) return schema;
  return { anyOf: [schema, { type: 'null' }] };
}

function describeDefault(field: ModelField): string | undefined {
  if (field.isUpdatedAt) return 'Set by the database on every change.';
  if (field.name === 'version' && isSetByDatabase(field)) return 'Incremented on every change.';
  const name = defaultName(field);
  return name ? `Set by the database (${name}()).` : undefined;
}

/** `<Model>`: a record as responses return it. */
function readSchema(ctx: SchemaContext): Schema {
  const { model, datamodel, enumSchema, names } = ctx;
  const properties: Schema = {};
  for (const field of model.fields) {
    if (!isValueField(field)) continue;
    const schema = fieldSchema(field, enumSchema);
    if (field.isId || isSetByDatabase(field)) schema.readOnly = true;
    if (SECRET.test(field.name)) schema.writeOnly = true;
    const note = isSetByDatabase(field) ? describeDefault(field) : undefined;
    properties[field.name] = note ? { description: note, ...schema } : schema;
  }
  // To-one relations: embedded when the client asks (`include`), else left out.
  for (const field of model.fields) {
    if (field.kind !== 'object' || field.isList) continue;
    const related = datamodel.models.find((m) => m.name === field.type);
    if (!related) continue;
    const summary = summarySchema(related, enumSchema);
    properties[field.name] = {
      description: `The ${words(related.name)} of this ${names.singularWords} (model ${related.name}), returned when asked for with include=${field.name}. Add the fields of ${related.name} it should show.`,
      type: field.isRequired ? 'object' : ['object', 'null'],
      required: summary.required,
      properties: summary.properties,
    };
  }
  return {
    type: 'object',
    description: `A ${names.singularWords} (Prisma model ${model.name}).`,
    required: idFields(model).map((f) => f.name),
    properties,
  };
}

function words(model: string): string {
  return model.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** An embedded related record: its id, unique fields and label fields (`name`, `title`). */
function summarySchema(related: Model, enumSchema: EnumSchema): Schema {
  const properties: Schema = {};
  for (const field of related.fields) {
    if (!isValueField(field) || field.isList || SECRET.test(field.name)) continue;
    if (!field.isId && !field.isUnique && !LABEL.test(field.name) && !idFields(related).includes(field)) continue;
    properties[field.name] = fieldSchema(field, enumSchema);
  }
  return { type: 'object', required: idFields(related).map((f) => f.name), properties };
}

/** The fields a request body carries: values the database does not set and the path does not supply. */
export function writableFields(ctx: SchemaContext): ModelField[] {
  return ctx.model.fields.filter((f) => isValueField(f) && !isSetByDatabase(f) && !ctx.supplied.has(f.name));
}

/** `New<Model>`: the body of a create (and of a replace). */
function newSchema(ctx: SchemaContext): Schema {
  const properties: Schema = {};
  const required: string[] = [];
  for (const field of writableFields(ctx)) {
    const schema = fieldSchema(field, ctx.enumSchema);
    const value = field.default;
    const plain = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    if (plain && field.type !== 'BigInt' && field.type !== 'Decimal' && !field.isList) schema.default = value;
    properties[field.name] = schema;
    if (field.isRequired && !field.hasDefaultValue && !field.isList) required.push(field.name);
  }
  return {
    type: 'object',
    description: `A new ${ctx.names.singularWords}: what a create (or a replace) sends.`,
    additionalProperties: false,
    ...(required.length ? { required } : {}),
    properties,
  };
}

/** `<Model>Patch`: the fields a patch changes (each optional, at least one). */
function patchSchema(ctx: SchemaContext): Schema {
  const properties: Schema = {};
  for (const field of writableFields(ctx)) if (!field.isId) properties[field.name] = fieldSchema(field, ctx.enumSchema);
  return {
    type: 'object',
    description: `Changes to a ${ctx.names.singularWords}: only the fields sent change.`,
    additionalProperties: false,
    minProperties: 1,
    properties,
  };
}

/** `<Model>Page`: a list's envelope. */
function pageSchema(ctx: SchemaContext, itemRef: Schema): Schema {
  return {
    type: 'object',
    description: `A page of ${ctx.names.pluralWords}.`,
    additionalProperties: false,
    required: ['items'],
    properties: {
      items: { type: 'array', items: itemRef },
      total: { type: 'integer', minimum: 0, description: 'How many records match the filter: only when asked for with count=true.' },
      nextCursor: { type: 'string', description: 'The cursor of the next page (pass it as cursor); absent on the last page.' },
    },
  };
}

/** The schemas of a model, by name: `<Model>`, `New<Model>`, `<Model>Patch`, `<Model>Page`, then the enums they name. */
export function modelSchemas(ctx: SchemaContext, itemRef: Schema): Record<string, Schema> {
  const { model } = ctx;
  const named = new Set<string>();
  const recording: SchemaContext = {
    ...ctx,
    enumSchema: (name) => {
      named.add(name);
      return ctx.enumSchema(name);
    },
  };
  const schemas: Record<string, Schema> = {
    [model.name]: readSchema(recording),
    [`New${model.name}`]: newSchema(recording),
    [`${model.name}Patch`]: patchSchema(recording),
    [`${model.name}Page`]: pageSchema(recording, itemRef),
  };
  for (const name of named) {
    const values = ctx.datamodel.enums.find((e) => e.name === name)?.values.map((v) => v.name) ?? [];
    schemas[name] = { type: 'string', enum: values, description: `Prisma enum ${name}.` };
  }
  return schemas;
}

/** The enum schema itself (for a schema that must stand alone: a query parameter, the view of the schemas). */
export function inlineEnum(datamodel: Datamodel): EnumSchema {
  return (name) => ({ type: 'string', enum: datamodel.enums.find((e) => e.name === name)?.values.map((v) => v.name) ?? [] });
}
