/**
 * A contract schema matched to a Prisma model — the {@link ResourceView} every part of
 * the plugin works from — and the drift check: each disagreement between the schema
 * and the model is one problem, `#<pointer>/properties/<name>: <what> (model Task,
 * field <name>: <prisma type>)`, all of them collected.
 *
 * What may be written (`ViewField.writable`): a property that is not `readOnly` and
 * whose field the database does not set. The database sets `@updatedAt` fields and
 * `@default(autoincrement())` (or `sequence()`) fields: they are never writable, and a
 * request schema that declares one without `readOnly` is a problem. Any other default
 * (`uuid()`, `cuid()`, `now()`, a constant) is only a default: the field is writable
 * unless the schema marks it `readOnly`.
 */
import { closest, distance } from 'fastest-levenshtein';
import type { ResourceView, ViewField } from './binding.js';
import { pointerToken } from './contract.js';
import { findModel, idFields, type Datamodel, type Model, type ModelField } from './datamodel.js';
import { describeType, isArraySchema, isObjectSchema, readSchema, type Schema, type SchemaFacts } from './view-schema.js';
import { matchScalar, prismaType } from './view-scalar.js';

/** What {@link buildView} matches. */
export interface BuildViewInput {
  /** The (dereferenced, possibly cyclic) schema: an item of a response, or a request body. */
  schema: Record<string, unknown>;
  /** Its JSON pointer in the contract, for messages (`#/paths/~1tasks/get/...`; the leading `#` is optional). */
  pointer: string;
  model: Model;
  /** For relations and enums. */
  datamodel: Datamodel;
  /** `read`: a response schema; `write`: a request body. */
  use: 'read' | 'write';
  /** For a request body: `create` and `replace` must require every field the model requires without a default. */
  action?: 'create' | 'replace' | 'patch';
  /** Fields whose values come from the path (a nested route's foreign keys): a request body need not carry them. */
  supplied?: string[];
}

/** The state of one {@link buildView}: views are memoised by schema object and model, problems reported once. */
interface Walk {
  datamodel: Datamodel;
  use: 'read' | 'write';
  action?: 'create' | 'replace' | 'patch';
  supplied: ReadonlySet<string>;
  problems: string[];
  memo: Map<object, Map<string, ResourceView>>;
}

/**
 * Matches a contract schema to a model: one {@link ViewField} per property (relations
 * viewed against their model, cycles included), and every drift between the two —
 * unknown properties (the closest field suggested), types and formats that do not fit,
 * enum values, nullability, DB-set fields in request schemas, fields a create must
 * carry, nested writes — each a problem naming its exact pointer and the model field.
 */
export function buildView(input: BuildViewInput): { view: ResourceView; problems: string[] } {
  const walk: Walk = {
    datamodel: input.datamodel,
    use: input.use,
    supplied: new Set(input.supplied ?? []),
    problems: [],
    memo: new Map(),
  };
  if (input.action) walk.action = input.action;
  const view = viewOf(input.schema, `#${input.pointer.replace(/^#/, '')}`, input.model, walk);
  return { view, problems: walk.problems };
}

function report(walk: Walk, problem: string): void {
  if (!walk.problems.includes(problem)) walk.problems.push(problem);
}

/** `(model Task, field title: String)`. */
function fieldNote(model: Model, field: ModelField): string {
  return `(model ${model.name}, field ${field.name}: ${prismaType(field)})`;
}

/** How the database sets a field, when the client cannot. */
function setByDatabase(field: ModelField): string | undefined {
  if (field.isUpdatedAt) return '@updatedAt';
  const name = (field.default as { name?: unknown } | undefined)?.name;
  return name === 'autoincrement' || name === 'sequence' ? `@default(${name}())` : undefined;
}

function viewOf(schema: Schema, pointer: string, model: Model, walk: Walk): ResourceView {
  let byModel = walk.memo.get(schema);
  if (!byModel) walk.memo.set(schema, (byModel = new Map()));
  const known = byModel.get(model.name);
  if (known) return known;
  const view: ResourceView = { model, pointer, fields: new Map(), id: idFields(model) };
  // Registered before the properties are walked: a cycle back to this schema meets this view.
  byModel.set(model.name, view);

  const facts = readSchema(schema);
  if (facts.types !== undefined && !isObjectSchema(facts)) {
    report(walk, `${pointer}: type ${describeType(facts)} is no object; a ${model.name} record is an object (model ${model.name})`);
    return view;
  }
  const required = new Set(facts.required);
  for (const [name, property] of Object.entries(facts.properties)) {
    const at = `${pointer}/properties/${pointerToken(name)}`;
    const field = model.fields.find((f) => f.name === name);
    if (!field) {
      report(walk, `${at}: the model has no field ${name}${suggestion(name, model)} (model ${model.name})`);
      continue;
    }
    view.fields.set(name, fieldView({ name, property, field, at, required: required.has(name), model, walk }));
  }
  if (walk.use === 'write' && (walk.action === 'create' || walk.action === 'replace')) requireFields(view, required, walk);
  return view;
}

/** `; did you mean title?` for a near name, else the model's fields. */
function suggestion(name: string, model: Model): string {
  const names = model.fields.map((f) => f.name);
  if (!names.length) return '';
  const near = closest(name, names);
  const close = distance(name.toLowerCase(), near.toLowerCase()) <= Math.max(2, Math.floor(name.length / 3));
  return close ? `; did you mean ${near}?` : `; its fields: ${names.join(', ')}`;
}

interface FieldSite {
  name: string;
  property: Schema;
  field: ModelField;
  /** The property's pointer. */
  at: string;
  required: boolean;
  model: Model;
  walk: Walk;
}

function fieldView(site: FieldSite): ViewField {
  const { property, field, at, model, walk } = site;
  const facts = readSchema(property);
  const dbSet = setByDatabase(field);
  const view: ViewField = {
    name: site.name,
    field,
    schema: facts.merged,
    wire: 'plain',
    readable: !facts.writeOnly,
    writable: !facts.readOnly && !dbSet,
    required: site.required,
    nullable: facts.hidden ? !field.isRequired : facts.nullable,
  };
  const note = fieldNote(model, field);
  const problem = (what: string) => report(walk, `${at}: ${what} ${note}`);
  // The core's request (response) view replaced a readOnly (writeOnly) property by a marker: it is never read from the body (never sent).
  if (facts.hidden) return view;
  // What this schema is never used for is not checked: a writeOnly property of a response, a readOnly one of a request.
  if (walk.use === 'read' ? facts.writeOnly : facts.readOnly) return view;
  if (walk.use === 'write' && dbSet) {
    problem(`${field.name} is set by the database: mark it readOnly or remove it from the request schema`);
    return view;
  }

  if (field.kind === 'object') {
    const checked = walk.use === 'read' ? readRelation(view, property, facts, site) : writeRelation(view, facts, site);
    for (const what of checked) problem(what);
    if (!checked.length) checkNullability(facts, field, walk.use, problem);
    return view;
  }
  const match = matchScalar(field, facts, walk.datamodel);
  view.wire = match.wire;
  for (const what of match.problems) problem(what);
  const isJson = field.kind === 'scalar' && field.type === 'Json';
  if (!isJson && facts.types !== undefined) checkNullability(facts, field, walk.use, problem);
  return view;
}

/**
 * Read schemas: nullable exactly when the model field is optional (a record may hold
 * null; a required field never does). Request schemas: a required field is not nullable.
 */
function checkNullability(facts: SchemaFacts, field: ModelField, use: 'read' | 'write', problem: (what: string) => void): void {
  if (facts.nullable && field.isRequired) problem('is nullable in the contract but required in the model');
  else if (use === 'read' && !facts.nullable && !field.isRequired) problem('is optional in the model but not nullable in the contract');
}

function relatedModel(site: FieldSite): Model | undefined {
  return findModel(site.walk.datamodel, site.field.type);
}

/** A relation in a response: one object of the related model (to-one), or an array of them (to-many), viewed in turn. */
function readRelation(view: ViewField, property: Schema, facts: SchemaFacts, site: FieldSite): string[] {
  const { field, at, walk } = site;
  const related = relatedModel(site);
  if (!related) return [`the model ${field.type} of this relation is not in the data model`];
  if (!field.isList) {
    if (isArraySchema(facts)) return [`is an array, but ${field.name} is a to-one relation: describe one ${related.name} object`];
    if (!isObjectSchema(facts)) return [`type ${describeType(facts)} does not fit the model's relation to one ${related.name} (expected an object)`];
    view.relation = viewOf(property, at, related, walk);
    return [];
  }
  const items = facts.items ? readSchema(facts.items) : undefined;
  if (!isArraySchema(facts) || !facts.items || !items || !isObjectSchema(items)) {
    return [`type ${describeType(facts)} does not fit the model's relation to many ${related.name} (expected an array of ${related.name} objects)`];
  }
  view.relation = viewOf(facts.items, `${at}/items`, related, walk);
  return [];
}

/**
 * A relation in a request body: only a to-many relation, as an array of the related
 * records' ids (connected on create, set on replace and patch). No nested writes.
 */
function writeRelation(view: ViewField, facts: SchemaFacts, site: FieldSite): string[] {
  const { field, at, walk } = site;
  view.writable = false;
  const related = relatedModel(site);
  if (!related) return [`the model ${field.type} of this relation is not in the data model`];
  if (!field.isList) {
    const keys = field.relationFromFields ?? [];
    return keys.length
      ? [`nested writes are not supported; write the foreign key field (${keys.join(', ')}) instead`]
      : [`nested writes are not supported; write this relation from the ${related.name} side, through its foreign key`];
  }
  const ids = idFields(related);
  const items = facts.items ? readSchema(facts.items) : undefined;
  if (items && isObjectSchema(items)) return [`nested writes are not supported; send the ids of the ${related.name} records to connect (an array of ${related.name} ids)`];
  if (!isArraySchema(facts) || !items) return [`type ${describeType(facts)} does not fit the model's relation to many ${related.name} (expected an array of ${related.name} ids)`];
  if (ids.length !== 1) return [`${related.name} has a compound id: a relation to it cannot be written as a list of ids`];
  const id = { ...ids[0]!, isList: false, isRequired: true };
  const match = matchScalar(id, items, walk.datamodel);
  if (match.problems.length) return match.problems.map((p) => `its items (ids of ${related.name}, ${id.name}: ${id.type}): ${p}`);
  view.wire = match.wire;
  view.writable = true;
  view.relation = { model: related, pointer: `${at}/items`, fields: new Map(), id: ids };
  return [];
}

/** `create`, `replace`: the body must carry every field the model requires without a default (but those the path supplies). */
function requireFields(view: ResourceView, required: ReadonlySet<string>, walk: Walk): void {
  for (const field of view.model.fields) {
    if (field.kind !== 'scalar' && field.kind !== 'enum') continue;
    if (!field.isRequired || field.isList || field.hasDefaultValue || field.isUpdatedAt || walk.supplied.has(field.name)) continue;
    const declared = view.fields.get(field.name);
    if (declared?.writable && required.has(field.name)) continue;
    const at = `${view.pointer}/properties/${pointerToken(field.name)}`;
    report(walk, `${at}: field ${field.name} is required by the model and has no default: the request schema must require it ${fieldNote(view.model, field)}`);
  }
}
