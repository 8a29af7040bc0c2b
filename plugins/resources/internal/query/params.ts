/**
 * Which query parameter of a list operation means what, worked out at boot from the
 * binding (`x-burrow-resource.query`), its preset, and the conventional names; each
 * mapping that names an undeclared parameter, and each declared parameter that maps
 * to nothing, is a boot problem.
 */
import type { FilterOperator, QueryBinding, ResourceView } from '../binding.js';
import { operatorsOf, resolvePath, scalarField, valueType, type FieldPath } from './fields.js';

/** What a query parameter of a list does. */
export type QueryRole = 'filter' | 'sort' | 'dir' | 'offset' | 'limit' | 'cursor' | 'select' | 'include' | 'count';

/** Every role, in the order a binding lists them (a `count` operation has only `filter`). */
export const QUERY_ROLES: readonly QueryRole[] = ['filter', 'sort', 'dir', 'offset', 'limit', 'cursor', 'select', 'include', 'count'];

/** The names of the presets (`preset: mormot`: YUI DataSource paging, as mORMot serves it). */
export const QUERY_PRESETS: Record<'mormot', Partial<Record<QueryRole, string>>> = {
  mormot: { sort: 'sort', dir: 'dir', offset: 'startIndex', limit: 'results', select: 'select' },
};

/** A query parameter that filters one field. */
export interface FieldParam {
  param: string;
  path: FieldPath;
  /** `eq`, or `in` for a parameter the contract declares as an array. */
  op: FilterOperator;
}

/** A declared query parameter: its name and (dereferenced) schema. */
export interface DeclaredParam {
  name: string;
  schema: Record<string, unknown>;
}

/** The parameters of a list, as {@link compileParams} works them out. */
export interface QueryParams {
  /** The query parameter of each role the operation has. */
  roles: Partial<Record<QueryRole, string>>;
  fields: FieldParam[];
  problems: string[];
}

function isArraySchema(schema: Record<string, unknown>): boolean {
  const type = schema.type;
  return type === 'array' || (Array.isArray(type) && type.includes('array'));
}

/** Works out the role of every declared query parameter; `problems` are sentences for the boot report. */
export function compileParams(input: {
  operationId: string;
  binding: QueryBinding | undefined;
  declared: readonly DeclaredParam[];
  view: ResourceView;
  /** False for a `count`: only the filter parameters mean something (default true). */
  paging?: boolean;
}): QueryParams {
  const { operationId: op, binding, view } = input;
  const paging = input.paging ?? true;
  const declared = new Map(input.declared.map((p) => [p.name, p.schema]));
  const claimedBy = new Map<string, string>();
  const problems: string[] = [];
  const roles: Partial<Record<QueryRole, string>> = {};
  const fields: FieldParam[] = [];
  const claim = (param: string, by: string): boolean => {
    const first = claimedBy.get(param);
    if (first !== undefined) {
      problems.push(`query parameter ${param} of ${op} is mapped twice: by ${first} and by ${by}`);
      return false;
    }
    claimedBy.set(param, by);
    return true;
  };

  const preset = binding?.preset ? QUERY_PRESETS[binding.preset] : undefined;
  for (const role of QUERY_ROLES) {
    const explicit = binding?.[role];
    if (!paging && role !== 'filter') {
      if (explicit !== undefined) problems.push(`x-burrow-resource.query.${role} of ${op} means nothing to a count, which only filters: remove it`);
      continue;
    }
    if (explicit !== undefined) {
      const pointer = `x-burrow-resource.query.${role}`;
      if (!declared.has(explicit)) problems.push(`${pointer} of ${op} names query parameter ${explicit}, which the operation does not declare`);
      else if (claim(explicit, pointer)) roles[role] = explicit;
      continue;
    }
    const name = preset && role in preset ? preset[role]! : role;
    if (declared.has(name) && claim(name, preset && role in preset ? `preset ${binding!.preset} (${role})` : `the conventional name ${role}`)) roles[role] = name;
  }

  for (const [param, target] of Object.entries(binding?.fields ?? {})) {
    const pointer = `x-burrow-resource.query.fields.${param}`;
    const schema = declared.get(param);
    if (!schema) {
      problems.push(`${pointer} of ${op} names query parameter ${param}, which the operation does not declare`);
      continue;
    }
    // Claimed even when the mapping is wrong: its problem is the mapping's, not an unmapped parameter.
    if (!claim(param, pointer)) continue;
    const fieldName = typeof target === 'string' ? target : target.field;
    const fieldOp: FilterOperator = typeof target === 'string' ? (isArraySchema(schema) ? 'in' : 'eq') : target.op;
    const path = resolvePath(view, fieldName);
    if (!path || valueType(path.field) === 'none') {
      problems.push(`${pointer} of ${op} maps to ${fieldName}, which is not a readable field of ${view.pointer} that can be filtered`);
      continue;
    }
    const ops = operatorsOf(path.field);
    if (!ops.includes(fieldOp)) {
      problems.push(`${pointer} of ${op}: operator ${fieldOp} does not apply to ${fieldName} (${path.field.field.type}); operators: ${ops.join(', ')}`);
      continue;
    }
    if (fieldOp === 'isNull' && schema.type !== 'boolean') {
      problems.push(`${pointer} of ${op}: isNull takes a boolean query parameter; ${param} is not declared as a boolean`);
      continue;
    }
    fields.push({ param, path, op: fieldOp });
  }

  for (const [param, schema] of declared) {
    if (claimedBy.has(param)) continue;
    const field = scalarField(view, param);
    if (field && valueType(field) !== 'none') {
      claim(param, `the field ${param}`);
      fields.push({ param, path: { name: param, via: [], field }, op: isArraySchema(schema) ? 'in' : 'eq' });
      continue;
    }
    problems.push(`query parameter ${param} of ${op} means nothing to the resource: map it in x-burrow-resource.query or remove it`);
  }
  return { roles, fields, problems };
}
