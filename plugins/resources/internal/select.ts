/** The Prisma `select` of what an action reads. */
import type { Model } from './datamodel.js';
import type { ResourceView } from './binding.js';

/** Every scalar field of the model (the ETag covers them all). */
export function scalarSelect(model: Model): Record<string, true> {
  const select: Record<string, true> = {};
  for (const f of model.fields) if (f.kind === 'scalar' || f.kind === 'enum') select[f.name] = true;
  return select;
}

/** The select of a relation's rows: the readable scalar fields its view declares (one level: no relation of a relation). */
export function relationSelect(view: ResourceView, take?: number, isList = false): Record<string, unknown> {
  const select: Record<string, unknown> = {};
  for (const f of view.fields.values()) if (f.readable && !f.relation) select[f.name] = true;
  for (const id of view.id) select[id.name] = true;
  if (isList) return { select, orderBy: view.id.map((f) => ({ [f.name]: 'asc' })), ...(take ? { take } : {}) };
  return { select };
}

/**
 * The select of one record: every scalar field, plus the relations the view declares
 * that are asked for (`include`: all when the operation has no include parameter).
 */
export function recordSelect(model: Model, view: ResourceView | undefined, include: ReadonlySet<string> | 'all', take: number): Record<string, unknown> {
  const select: Record<string, unknown> = scalarSelect(model);
  if (!view) return select;
  for (const f of view.fields.values()) {
    if (!f.relation || !f.readable || (include !== 'all' && !include.has(f.name))) continue;
    select[f.name] = relationSelect(f.relation, f.field.isList ? take : undefined, f.field.isList);
  }
  return select;
}
