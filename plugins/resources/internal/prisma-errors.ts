/**
 * Prisma's errors translated at the boundary into the plugin's coded problems. The
 * database's own message never reaches the client (it is in the log, with the cause).
 */
import { isBurrowError, type BurrowError } from 'burrowjs';
import { resourceErrors } from './errors.js';

interface KnownRequestError {
  name: string;
  code: string;
  meta?: Record<string, unknown>;
}

function isKnown(error: unknown): error is KnownRequestError {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && /^P\d{4}$/.test(code);
}

/**
 * The table and fields of a violated constraint: the fields as the driver adapter reports
 * them (SQLite), or read from the constraint's name under Prisma's naming convention
 * (`Project_name_key`, `Task_projectId_fkey` on PostgreSQL). `model`: the table the name
 * starts with, when known (a model name may hold `_`).
 */
function constraintOf(meta: Record<string, unknown> | undefined, model?: string): { table?: string; fields?: string } {
  const constraint = (meta?.driverAdapterError as { cause?: { constraint?: { fields?: string[]; index?: string } } } | undefined)?.cause?.constraint;
  const fields = constraint?.fields ?? meta?.target;
  if (Array.isArray(fields)) return { fields: fields.map((f) => String(f).replace(/^"|"$/g, '')).join(', ') };
  if (typeof fields === 'string') return { fields };
  const index = constraint?.index;
  if (!index) return {};
  const named = model && index.startsWith(`${model}_`) ? [index, model, index.slice(model.length + 1)] : /^([A-Za-z]\w*?)_(\w+)$/.exec(index);
  if (!named) return {};
  return { table: named[1], fields: named[2]!.replace(/_(key|fkey)$/, '').split('_').join(', ') };
}

/** Prisma's codes for a database that cannot be reached or stopped answering, and the socket errors under them. */
const UNREACHABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);

function connectionFailure(error: unknown): boolean {
  if ((error as { name?: string } | null)?.name === 'PrismaClientInitializationError') return true;
  const code = (error as { code?: unknown; errorCode?: unknown } | null)?.code ?? (error as { errorCode?: unknown } | null)?.errorCode;
  return typeof code === 'string' && UNREACHABLE.has(code);
}

/**
 * Turns what a Prisma call threw into a BurrowError: P2002 → 409, P2025 → 404,
 * P2003 → 422 on a create or update (the referenced record is missing) or 409 on a
 * delete (other records refer to this one), an unreachable database → 503. Anything
 * else is rethrown as it is (a 500 whose log has everything).
 */
export function translatePrismaError(error: unknown, context: { model: string; id?: unknown; action: string; referencedBy?: string }): unknown {
  if (isBurrowError(error)) return error;
  if (isKnown(error)) {
    switch (error.code) {
      case 'P2002':
        return resourceErrors.create('BURROW_ERR_RESOURCE_CONFLICT', { model: context.model, fields: constraintOf(error.meta, context.model).fields ?? 'unique fields' }, { cause: error });
      case 'P2025':
        // A create cannot miss its own record, and `expectedRows` is a connect or set that found fewer records than it names.
        if (context.action === 'create' || error.meta?.expectedRows !== undefined) {
          return resourceErrors.create('BURROW_ERR_RESOURCE_REFERENCE_MISSING', { model: context.model, field: 'a related record named by id' }, { cause: error });
        }
        return resourceErrors.create('BURROW_ERR_RESOURCE_NOT_FOUND', { model: context.model, id: String(context.id ?? '?') }, { cause: error });
      case 'P2001':
      case 'P2018':
        return resourceErrors.create('BURROW_ERR_RESOURCE_NOT_FOUND', { model: context.model, id: String(context.id ?? '?') }, { cause: error });
      case 'P2003':
      case 'P2014': {
        const own = constraintOf(error.meta, context.action === 'delete' ? undefined : context.model);
        const field = typeof error.meta?.field_name === 'string' ? error.meta.field_name : (own.fields ?? 'a relation');
        // On a delete the constraint is another model's (`Project_ownerId_fkey`): name it, or every field that may refer.
        const referrer = own.table && own.fields ? `${own.table}.${own.fields}` : context.referencedBy ?? field;
        return context.action === 'delete'
          ? resourceErrors.create('BURROW_ERR_RESOURCE_STILL_REFERENCED', { model: context.model, field: referrer }, { cause: error })
          : resourceErrors.create('BURROW_ERR_RESOURCE_REFERENCE_MISSING', { model: context.model, field }, { cause: error });
      }
    }
  }
  if (connectionFailure(error)) {
    return resourceErrors.create('BURROW_ERR_DATABASE_UNAVAILABLE', {}, { cause: error, headers: { 'retry-after': '5' } }) as BurrowError;
  }
  return error;
}
