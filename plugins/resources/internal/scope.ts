/**
 * The route of a bound operation: which path parameter holds the record id, and
 * which scope the others put the records in (`/projects/{projectId}/tasks`).
 */
import type { Datamodel, Model, ModelField } from './datamodel.js';
import { idFields } from './datamodel.js';
import { toPrismaId } from './codec.js';

/** One path parameter that scopes the records. */
export interface ScopeParam {
  param: string;
  /** A scalar field of the model (`projectId`), or a relation (`tags`). */
  field: ModelField;
  /** The model and id field of the record the parameter names (checked to exist on list and create). */
  parent?: { model: string; idField: ModelField };
}

/** The route of one operation. */
export interface Route {
  idParam?: string;
  idField?: ModelField;
  scope: ScopeParam[];
}

/** Works out the route of an operation from its path parameters and the binding; problems name what does not fit. */
export function compileRoute(input: {
  model: Model;
  datamodel: Datamodel;
  pathParams: string[];
  needsId: boolean;
  id?: string;
  parent?: Record<string, string>;
  where: string;
}): { route: Route; problems: string[] } {
  const { model, datamodel, pathParams, where } = input;
  const problems: string[] = [];
  const ids = idFields(model);
  const route: Route = { scope: [] };
  if (input.needsId) {
    if (ids.length !== 1) problems.push(`${where}: model ${model.name} has a compound id; bind its operations by a single @id or @unique field`);
    const idParam = input.id ?? (pathParams.includes('id') ? 'id' : pathParams.filter((p) => !(input.parent && p in input.parent)).at(-1));
    if (!idParam || !pathParams.includes(idParam)) {
      problems.push(`${where}: no path parameter holds the ${model.name} id${input.id ? ` (x-burrow-resource.id names "${input.id}", which the path does not declare)` : ''}`);
    } else {
      route.idParam = idParam;
      route.idField = ids[0];
    }
  }
  const fieldByName = new Map(model.fields.map((f) => [f.name, f]));
  for (const param of pathParams) {
    if (param === route.idParam) continue;
    const target = input.parent?.[param] ?? (fieldByName.has(param) ? param : undefined);
    const field = target === undefined ? undefined : fieldByName.get(target);
    if (!field) {
      problems.push(
        `${where}: path parameter ${param} means nothing to model ${model.name}` +
          (target === undefined ? `: name a field or relation for it in x-burrow-resource.parent` : `: x-burrow-resource.parent maps it to ${target}, which is not a field of ${model.name}`),
      );
      continue;
    }
    route.scope.push({ param, field, parent: parentOf(model, field, datamodel) });
  }
  for (const param of Object.keys(input.parent ?? {})) {
    if (!pathParams.includes(param)) problems.push(`${where}: x-burrow-resource.parent names path parameter ${param}, which the path does not declare`);
  }
  return { route, problems };
}

function parentOf(model: Model, field: ModelField, datamodel: Datamodel): ScopeParam['parent'] {
  if (field.kind === 'object') {
    const related = datamodel.models.find((m) => m.name === field.type);
    const idField = related && idFields(related)[0];
    return idField ? { model: field.type, idField } : undefined;
  }
  const relation = model.fields.find((f) => f.kind === 'object' && f.relationFromFields?.length === 1 && f.relationFromFields[0] === field.name);
  if (!relation) return undefined;
  const related = datamodel.models.find((m) => m.name === relation.type);
  const idField = related?.fields.find((f) => f.name === relation.relationToFields?.[0]);
  return idField ? { model: relation.type, idField } : undefined;
}

/** The where clause of the route's scope for the request's path parameters (`undefined`: a parameter cannot name a record). */
export function scopeWhere(route: Route, params: Record<string, unknown>): Record<string, unknown> | undefined {
  const where: Record<string, unknown> = {};
  for (const { param, field, parent } of route.scope) {
    if (field.kind === 'object') {
      const value = toPrismaId(parent!.idField, params[param]);
      if (value === undefined) return undefined;
      where[field.name] = field.isList ? { some: { [parent!.idField.name]: value } } : { is: { [parent!.idField.name]: value } };
    } else {
      const value = toPrismaId(field, params[param]);
      if (value === undefined) return undefined;
      where[field.name] = value;
    }
  }
  return where;
}

/** The data a create under the route sets from the path (`projectId`, or a connect for a relation). */
export function scopeData(route: Route, params: Record<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const { param, field, parent } of route.scope) {
    if (field.kind === 'object') {
      const id = { [parent!.idField.name]: toPrismaId(parent!.idField, params[param]) };
      data[field.name] = { connect: field.isList ? [id] : id };
    } else {
      data[field.name] = toPrismaId(field, params[param]);
    }
  }
  return data;
}
