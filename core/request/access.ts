import type { RequestContext } from './context.js';

/**
 * What a caller is about to do, as an access guard sees it: an operation, and when
 * a data binder serves it, the model and action (`Task`, `list`).
 */
export interface AccessTarget {
  operationId: string;
  /** Set by a data binder (the resources plugin): the model and the action of the operation. */
  resource?: { model: string; action: string };
}

/**
 * A condition every record the caller reads or writes must meet, set by an access
 * guard and enforced by the data binder inside its query (never by filtering
 * fetched rows):
 * - `{ field, in }`: the field's value is one of `in` (the owner's id, the caller's
 *   groups). On a create, a single value is written to the field; with several, the
 *   written value must be one of them.
 * - `{ where }`: a data-layer filter ANDed into the query as it is (a Prisma `where`
 *   for the resources plugin), for rules the first form cannot say.
 */
export type RecordCondition = { field: string; in: readonly (string | number | bigint | boolean)[] } | { where: Record<string, unknown> };

/**
 * An access guard (registered with `kernel.guards.add(name, guard)`, by the auth
 * plugin for one). Data binders and dispatchers ask every guard before they run an
 * operation on the caller's behalf outside the request's own pipeline (a batch
 * item, a JSON-RPC call), and for the record conditions of every query.
 */
export interface Guard {
  /** Throws a BurrowError (403) when the caller may not run the operation. */
  operation?(ctx: RequestContext, target: AccessTarget): void | Promise<void>;
  /** The conditions records must meet for this caller on this operation, or nothing. */
  records?(ctx: RequestContext, target: AccessTarget): readonly RecordCondition[] | undefined | Promise<readonly RecordCondition[] | undefined>;
}

/** Asks every guard whether the caller may run the target operation; the first refusal throws. */
export async function checkAccess(guards: readonly Guard[], ctx: RequestContext, target: AccessTarget): Promise<void> {
  for (const guard of guards) if (guard.operation) await guard.operation(ctx, target);
}

/** The record conditions of every guard for the target, together (empty when none applies). */
export async function recordConditions(guards: readonly Guard[], ctx: RequestContext, target: AccessTarget): Promise<RecordCondition[]> {
  const all: RecordCondition[] = [];
  for (const guard of guards) {
    if (!guard.records) continue;
    const conditions = await guard.records(ctx, target);
    if (conditions) all.push(...conditions);
  }
  return all;
}
