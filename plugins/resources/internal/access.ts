/**
 * The record conditions of the kernel's access guards, pushed into the plugin's
 * queries: ANDed into every `where` (so totals, pages and cursors count only what the
 * caller may see, and a record outside them is as absent as one that does not exist),
 * written into the data of a create, checked on the data of an update.
 */
import { coreError, recordConditions, type AccessTarget, type RecordCondition, type RequestContext } from 'burrowjs';
import type { Datamodel, Model, ModelField } from './datamodel.js';
import { toPrismaId } from './codec.js';
import type { Runtime } from './runtime.js';
import type { Route } from './scope.js';

/** One `{ field, in }` condition, its values as Prisma takes them. */
export interface FieldRule {
  /** The scalar field (a relation named by a condition is read as its foreign key). */
  field: ModelField;
  /** The to-one relation whose foreign key the field is, if any. */
  relation?: ModelField;
  /** The values the condition allows, coerced to the field's type; those that cannot be one are left out. */
  values: unknown[];
}

/** What the guards require of the records one request reads or writes. */
export interface RecordRules {
  model: Model;
  /** ANDed into the `where` of every query. */
  where: Record<string, unknown>[];
  /** The `{ field, in }` conditions. */
  fields: FieldRule[];
  /** The `{ where }` conditions: a record written must still meet them. */
  filters: Record<string, unknown>[];
}

/** The rules of one request on one operation. */
export type RecordAccess = (ctx: RequestContext) => Promise<RecordRules>;

/**
 * The record access of one bound operation, or `undefined` when no guard sets record
 * conditions: decided at bind time, so an app without guards pays nothing per request.
 */
export function compileAccess(runtime: Runtime, model: Model, target: AccessTarget): RecordAccess | undefined {
  const guards = runtime.guards().filter((guard) => guard.records);
  if (!guards.length) return undefined;
  const resolved = new Map<string, { field: ModelField; relation?: ModelField }>();
  const resolve = (name: string) => {
    let found = resolved.get(name);
    if (!found) resolved.set(name, (found = resolveField(model, name)));
    return found;
  };
  return async (ctx) => rulesOf(model, await recordConditions(guards, ctx, target), resolve, runtime.datamodel);
}

/**
 * Which parents of a nested route the caller may see: the guards' conditions on each
 * parent model's `get` operation (a parent you could not read is answered as absent).
 * `undefined` when no guard sets record conditions or the route has no parent.
 */
export function compileParentAccess(runtime: Runtime, route: Route): ((ctx: RequestContext) => (model: string) => Promise<Record<string, unknown>[]>) | undefined {
  if (!route.scope.some((s) => s.parent) || !runtime.guards().some((guard) => guard.records)) return undefined;
  const byModel = new Map<string, RecordAccess | undefined>();
  const accessOf = (name: string) => {
    if (!byModel.has(name)) {
      const operationId = runtime.readers.get(name);
      const model = runtime.models.get(name);
      byModel.set(name, operationId && model ? compileAccess(runtime, model, { operationId, resource: { model: name, action: 'get' } }) : undefined);
    }
    return byModel.get(name);
  };
  return (ctx) => async (name) => {
    const access = accessOf(name);
    return access ? (await access(ctx)).where : [];
  };
}

function rulesOf(model: Model, conditions: readonly RecordCondition[], resolve: (name: string) => { field: ModelField; relation?: ModelField }, datamodel: Datamodel): RecordRules {
  const rules: RecordRules = { model, where: [], fields: [], filters: [] };
  for (const condition of conditions) {
    if ('where' in condition) {
      rules.where.push(condition.where);
      rules.filters.push(condition.where);
      continue;
    }
    const { field, relation } = resolve(condition.field);
    const values: unknown[] = [];
    const seen = new Set<string>();
    for (const value of condition.in) {
      const coerced = conditionValue(field, value, datamodel);
      if (coerced === undefined || seen.has(keyOf(coerced))) continue;
      seen.add(keyOf(coerced));
      values.push(coerced);
    }
    // No value left: `in: []` matches no record (a principal id that cannot be one owns nothing).
    rules.where.push({ [field.name]: { in: values } });
    rules.fields.push({ field, ...(relation ? { relation } : {}), values });
  }
  return rules;
}

/** A guard naming a field the model does not have is a bug of the guard: a 500 with the reason in the log, never an open door. */
function resolveField(model: Model, name: string): { field: ModelField; relation?: ModelField } {
  const field = model.fields.find((f) => f.name === name);
  if (field && (field.kind === 'scalar' || field.kind === 'enum') && !field.isList && field.type !== 'Json' && field.type !== 'Bytes') return { field };
  if (field?.kind === 'object' && !field.isList && field.relationFromFields?.length === 1) {
    const key = model.fields.find((f) => f.name === field.relationFromFields![0]);
    if (key) return { field: key, relation: field };
  }
  const related = model.fields.find((f) => f.kind === 'object' && !f.isList && f.relationFromFields?.length === 1 && f.relationFromFields[0] === field?.name);
  if (field && related) return { field, relation: related };
  throw new Error(`an access guard's record condition names ${model.name}.${name}, which is not a scalar field (nor a to-one relation with one foreign key) of ${model.name}`);
}

const INT = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const BIGINT = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

/** A condition value as the field's Prisma type; `undefined` when it cannot be one (it then matches nothing rather than failing the query). */
function conditionValue(field: ModelField, value: unknown, datamodel: Datamodel): unknown {
  if (field.kind === 'enum') {
    const values = datamodel.enums.find((e) => e.name === field.type)?.values ?? [];
    return typeof value === 'string' && values.some((v) => v.name === value) ? value : undefined;
  }
  switch (field.type) {
    case 'String':
      return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : undefined;
    case 'Int': {
      const n = toPrismaId(field, typeof value === 'bigint' ? String(value) : value) as number | undefined;
      return n !== undefined && n >= INT.min && n <= INT.max ? n : undefined;
    }
    case 'BigInt': {
      const n = toPrismaId(field, value) as bigint | undefined;
      return n !== undefined && n >= BIGINT.min && n <= BIGINT.max ? n : undefined;
    }
    case 'Float':
      if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
      return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : undefined;
    case 'Decimal':
      if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
      return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? value : typeof value === 'bigint' ? String(value) : undefined;
    case 'Boolean':
      return typeof value === 'boolean' ? value : value === 'true' ? true : value === 'false' ? false : undefined;
    case 'DateTime':
      return typeof value === 'string' ? toPrismaId(field, value) : undefined;
    default:
      return undefined;
  }
}

function keyOf(value: unknown): string {
  return value instanceof Date ? value.toISOString() : `${typeof value}:${String(value)}`;
}

/** `where` with the rules ANDed in (the same object when there are none). */
export function conditioned<W extends Record<string, unknown> | undefined>(where: W, rules: RecordRules | undefined): W | Record<string, unknown> {
  if (!rules?.where.length) return where;
  return where ? { ...where, AND: rules.where } : { AND: rules.where };
}

function forbidden(reasons: string) {
  return coreError('BURROW_ERR_AUTH_FORBIDDEN', { reasons });
}

/**
 * Applies the `{ field, in }` rules to the Prisma data of a write. A create or a
 * replace writes the single allowed value (whatever the client sent); with several,
 * the value written must be one of them. A patch that sets the field must set an
 * allowed value. Throws 403 otherwise. `scalar`: write foreign keys as scalars
 * (createMany takes nothing else); by default a relation the data already connects
 * through its object field keeps Prisma's checked form.
 */
export function applyFieldRules(rules: RecordRules | undefined, data: Record<string, unknown>, mode: 'create' | 'replace' | 'patch', scalar = false): void {
  if (!rules) return;
  for (const { field, relation, values } of rules.fields) {
    if (mode !== 'patch' && values.length === 1) {
      writeValue(data, rules.model, field, relation, values[0], scalar);
      continue;
    }
    const written = writtenValue(data, field, relation);
    if (written.absent && mode === 'patch') continue;
    const value = written.absent ? undefined : written.value;
    if (value === undefined || value === null || !values.some((v) => keyOf(v) === keyOf(value))) {
      throw forbidden(`the ${field.name} written must be one the caller may write`);
    }
  }
}

/** Whether the data connects a to-one relation through its object field (Prisma's checked form: its foreign keys cannot be set as scalars too). */
function checkedForm(data: Record<string, unknown>, model: Model): boolean {
  return model.fields.some((f) => f.kind === 'object' && !f.isList && f.relationFromFields?.length && data[f.name] !== undefined);
}

function writeValue(data: Record<string, unknown>, model: Model, field: ModelField, relation: ModelField | undefined, value: unknown, scalar: boolean): void {
  if (relation && !scalar && checkedForm(data, model)) {
    delete data[field.name];
    data[relation.name] = { connect: { [relation.relationToFields![0]!]: value } };
    return;
  }
  if (relation) delete data[relation.name];
  data[field.name] = value;
}

function writtenValue(data: Record<string, unknown>, field: ModelField, relation: ModelField | undefined): { absent: boolean; value?: unknown } {
  if (Object.hasOwn(data, field.name)) return { absent: false, value: data[field.name] };
  const connect = relation ? (data[relation.name] as { connect?: Record<string, unknown> } | undefined)?.connect : undefined;
  if (connect && !Array.isArray(connect)) return { absent: false, value: connect[relation!.relationToFields![0]!] };
  return { absent: true };
}

/** 403 when a record just written no longer meets the `{ where }` conditions (the caller's transaction then rolls back). */
export async function checkWritten(
  rules: RecordRules | undefined,
  find: (where: Record<string, unknown>) => Promise<unknown>,
  idWhere: Record<string, unknown>,
): Promise<void> {
  if (!rules?.filters.length) return;
  if (!(await find({ ...idWhere, AND: rules.filters }))) throw forbidden('the record written would be outside what the caller may write');
}
