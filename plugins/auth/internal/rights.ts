/**
 * Who may call what, and which records they see: group rights from the options,
 * `x-burrow-rights` from the contract, and the access guard that carries both to
 * data binders (record conditions inside their queries, batch items).
 */
import { coreError, type AccessTarget, type ExtensionBinder, type Guard, type RecordCondition, type RequestContext } from 'burrowjs';
import type { GroupOptions, ResolvedAuthOptions, RightAction } from '../options.js';
import type { Principal } from './types.js';

/** The value of `x-burrow-rights` on an operation. */
export interface OperationRights {
  /** Groups that may call the operation (beside those the options grant it). */
  groups?: string[];
  /** Record field holding the owner's user id: a caller sees and writes only their own records. */
  owner?: string;
  /** Record field holding a group name: a caller sees and writes only records of their groups. */
  group?: string;
  /** Groups the record rules (`owner`, `group`) do not apply to (admins see everything). */
  exempt?: string[];
}

/** The JSON Schema of `x-burrow-rights` (the auth plugin owns it). */
export const RIGHTS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    groups: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true },
    owner: { type: 'string', minLength: 1 },
    group: { type: 'string', minLength: 1 },
    exempt: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
  },
} as const;

/** Which right each resource action needs (a batch needs some write right; its items are checked one by one). */
const ACTION_RIGHT: Record<string, RightAction | 'write'> = {
  list: 'read',
  get: 'read',
  count: 'read',
  create: 'create',
  replace: 'update',
  patch: 'update',
  delete: 'delete',
  batch: 'write',
};

/** The rights of one kernel: filled at bind time, read per request. */
export class Rights {
  /** `x-burrow-rights` by operationId. */
  readonly declared = new Map<string, OperationRights>();
  /** The plugin's own operations: open to any authenticated caller (`'any'`) or to some groups. */
  readonly builtin = new Map<string, 'any' | readonly string[]>();
  /** Model and action of operations bound by `x-burrow-resource`, by operationId. */
  readonly resources = new Map<string, { model: string; action: string }>();

  constructor(private readonly options: Pick<ResolvedAuthOptions, 'groups' | 'rightsConfigured' | 'records'>) {}

  /** The binder of `x-burrow-rights`: records each use; problems for uses off an operation or naming unknown groups. */
  binder(): ExtensionBinder<OperationRights> {
    return {
      schema: RIGHTS_SCHEMA,
      bind: ({ value, operation, pointer }) => {
        if (!operation) return { problems: [`#${pointer}: x-burrow-rights belongs on an operation`] };
        this.declared.set(operation.id, value);
        const known = Object.keys(this.options.groups);
        if (!known.length) return;
        const unknown = [...(value.groups ?? []), ...(value.exempt ?? [])].filter((g) => !known.includes(g));
        if (unknown.length) return { problems: [`#${pointer}: ${unknown.join(', ')} ${unknown.length > 1 ? 'are not groups' : 'is not a group'} of the auth plugin (groups: ${known.join(', ')})`] };
      },
    };
  }

  /** Whether rights are checked for an operation: groups are configured, or it declares `x-burrow-rights.groups`. */
  enforced(operationId: string): boolean {
    return this.options.rightsConfigured || this.builtin.has(operationId) || Boolean(this.declared.get(operationId)?.groups);
  }

  /** Throws 403 (BURROW_ERR_AUTH_FORBIDDEN, reason `rights`) unless one of the principal's groups may run the operation. */
  check(principal: Principal, target: AccessTarget): void {
    if (!this.enforced(target.operationId) || this.allows(principal, target)) return;
    throw coreError(
      'BURROW_ERR_AUTH_FORBIDDEN',
      { reasons: `${principal.scheme}: the groups of the caller (${principal.groups.join(', ') || 'none'}) may not call ${target.operationId}` },
      { extensions: { schemes: [principal.scheme], failures: [{ scheme: principal.scheme, reason: 'rights' }] } },
    );
  }

  private allows(principal: Principal, target: AccessTarget): boolean {
    const builtin = this.builtin.get(target.operationId);
    if (builtin === 'any') return true;
    if (builtin) return principal.groups.some((g) => builtin.includes(g));
    if (this.declared.get(target.operationId)?.groups?.some((g) => principal.groups.includes(g))) return true;
    const resource = target.resource ?? this.resources.get(target.operationId);
    return principal.groups.some((name) => grants(this.options.groups[name], target.operationId, resource));
  }

  /** The record conditions of the principal on a data operation (owner, group, the options' hook). */
  async records(ctx: RequestContext, target: AccessTarget): Promise<RecordCondition[] | undefined> {
    const principal = ctx.principal as Principal | undefined;
    const declared = this.declared.get(target.operationId);
    const conditions: RecordCondition[] = [];
    if (declared && (declared.owner || declared.group)) {
      const exempt = principal?.groups.some((g) => declared.exempt?.includes(g));
      if (!exempt) {
        // Without a principal (a public operation) the rules match nothing.
        if (declared.owner) conditions.push({ field: declared.owner, in: principal ? [principal.id] : [] });
        if (declared.group) conditions.push({ field: declared.group, in: principal ? [...principal.groups] : [] });
      }
    }
    if (this.options.records && principal) conditions.push(...((await this.options.records(ctx, target, principal)) ?? []));
    return conditions.length ? conditions : undefined;
  }

  /** The access guard: batch items and JSON-RPC calls are checked like requests; data binders get the record conditions. */
  guard(): Guard {
    return {
      operation: (ctx, target) => {
        const principal = ctx.principal as Principal | undefined;
        // A principal of a verifier the app registered itself carries no groups this plugin knows.
        if (principal && Array.isArray(principal.groups)) this.check(principal, target);
      },
      records: (ctx, target) => this.records(ctx, target),
    };
  }
}

function grants(group: GroupOptions | undefined, operationId: string, resource: { model: string; action: string } | undefined): boolean {
  const rights = group?.rights;
  if (!rights) return false;
  if (rights === '*') return true;
  if (rights.operations?.includes('*') || rights.operations?.includes(operationId)) return true;
  if (!resource || !rights.resources) return false;
  const actions = rights.resources[resource.model] ?? rights.resources['*'];
  if (!actions) return false;
  if (actions === '*') return true;
  const needed = ACTION_RIGHT[resource.action];
  if (needed === 'write') return actions.some((a) => a !== 'read');
  return needed !== undefined && actions.includes(needed);
}
