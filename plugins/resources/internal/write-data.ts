/** A validated request body turned into Prisma write data, through the write view only. */
import type { ResourceView } from './binding.js';
import { toPrismaScalar, type PrismaNulls } from './codec.js';
import { idFields } from './datamodel.js';

/**
 * Builds the `data` of a create or update from the body. Only properties of the write
 * view that are writable reach the database (mass assignment is impossible by
 * construction: nothing else is read from the body). A to-many relation written as a
 * list of ids connects (create) or sets (replace, patch) them. `replace` (PUT) clears
 * the optional fields the body leaves out.
 */
export function writeData(
  view: ResourceView,
  body: unknown,
  mode: 'create' | 'replace' | 'patch',
  nulls: PrismaNulls | undefined,
): { data: Record<string, unknown>; changed: string[]; invalid?: { field: string; message: string } } {
  const input = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const data: Record<string, unknown> = {};
  const changed: string[] = [];
  for (const field of view.fields.values()) {
    if (!field.writable) continue;
    const has = Object.prototype.hasOwnProperty.call(input, field.name);
    if (!has) {
      if (mode === 'replace' && !field.relation && !field.field.isRequired) {
        data[field.name] = toPrismaScalar(field.field, null, nulls);
        changed.push(field.name);
      } else if (mode === 'replace' && field.relation && field.field.isList) {
        data[field.name] = { set: [] };
        changed.push(field.name);
      }
      continue;
    }
    const value = input[field.name];
    try {
      if (field.relation) {
        const id = idFields(field.relation.model)[0]!;
        const ids = (Array.isArray(value) ? value : []).map((v) => ({ [id.name]: toPrismaScalar(id, v) }));
        data[field.name] = mode === 'create' ? { connect: ids } : { set: ids };
      } else {
        data[field.name] = field.field.isList && Array.isArray(value) ? value.map((v) => toPrismaScalar(field.field, v, nulls)) : toPrismaScalar(field.field, value, nulls);
      }
    } catch (error) {
      return { data, changed, invalid: { field: field.name, message: (error as Error).message } };
    }
    changed.push(field.name);
  }
  return { data, changed };
}
