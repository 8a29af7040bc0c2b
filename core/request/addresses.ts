/**
 * Address lists and security requirements as plugin options: who may call an operation a
 * plugin contributes (`/stat`, `/metrics`) when no security scheme protects it. Addresses
 * are matched with proxy-addr (as the kernel's `trustProxy`) against `ctx.ip`.
 */
import proxyaddr from 'proxy-addr';

/**
 * Compiles a list of addresses and CIDR ranges, plus the loopback addresses, into a test
 * of one address; throws on a malformed entry ({@link addressListProblems} says why first).
 *
 * @example
 * const allowed = loopbackOr(['10.0.0.0/8']);
 * allowed(ctx.ip) // true for 127.0.0.1, ::1, 10.1.2.3
 */
export function loopbackOr(allow: readonly string[]): (address: string) => boolean {
  const trusted = proxyaddr.compile(['loopback', ...allow]);
  return (address) => {
    try {
      return trusted(address, 0);
    } catch {
      // 'unknown' (a socket already gone) or anything that is not an address.
      return false;
    }
  };
}

/** The problems of an option naming addresses or CIDR ranges (`name` is the option's name), for an options parser. */
export function addressListProblems(name: string, allow: unknown): string[] {
  if (!Array.isArray(allow) || allow.some((a) => typeof a !== 'string' || a.trim() === '')) {
    return [`${name} must be an array of addresses or CIDR ranges ("10.0.0.0/8", "::1"), got ${JSON.stringify(allow)}`];
  }
  try {
    proxyaddr.compile(allow as string[]);
    return [];
  } catch (error) {
    return [`${name}: ${(error as Error).message}`];
  }
}

/** The problems of an option holding OpenAPI security requirements (`[{ basicAuth: [] }]`), for an options parser. */
export function securityRequirementProblems(name: string, security: unknown): string[] {
  const ok =
    Array.isArray(security) &&
    security.length > 0 &&
    security.every(
      (requirement) =>
        requirement !== null &&
        typeof requirement === 'object' &&
        !Array.isArray(requirement) &&
        Object.values(requirement as object).every((scopes) => Array.isArray(scopes) && scopes.every((s) => typeof s === 'string')),
    );
  return ok ? [] : [`${name} must be a non-empty array of OpenAPI security requirements ([{ basicAuth: [] }]), got ${JSON.stringify(security)}`];
}

/** An OpenAPI security requirement: scheme name → scopes. */
export type SecurityRequirement = Record<string, string[]>;

/**
 * The options that protect an operation a plugin contributes (`/stat`, `/metrics`), as the
 * application passes them; a plugin's options interface extends it.
 */
export interface ProtectionOptions {
  /**
   * The security requirements of the operation, naming schemes of the app's contract
   * (`[{ basicAuth: [] }]`). Without it, only loopback and `allow` addresses may call it.
   */
  security?: SecurityRequirement[];
  /** With `security` and the auth plugin: the groups that may call it (`x-burrow-rights.groups`). */
  groups?: string[];
  /**
   * Addresses or CIDR ranges (beside loopback) allowed to call it. Checked when `security`
   * is absent, or when given beside it (then both must pass). Default: `[]`.
   */
  allow?: string[];
}

/** {@link ProtectionOptions} once checked. */
export interface ResolvedProtection {
  security: SecurityRequirement[] | undefined;
  groups: string[] | undefined;
  allow: string[];
  /** Whether the address check runs: no `security`, or an explicit `allow`. */
  checkAddress: boolean;
}

/** The protection of {@link ProtectionOptions} checked by {@link protectionProblems} (call that first). */
export function resolveProtection(given: { security?: unknown; groups?: unknown; allow?: unknown }): ResolvedProtection {
  const security = given.security as SecurityRequirement[] | undefined;
  return {
    security,
    groups: given.groups as string[] | undefined,
    allow: [...((given.allow as string[] | undefined) ?? [])],
    checkAddress: security === undefined || given.allow !== undefined,
  };
}

/**
 * The problems of the options that protect an operation a plugin contributes (`/stat`,
 * `/metrics`): `security` (requirements naming the app's schemes), `groups` (the auth
 * plugin's groups allowed; needs `security`) and `allow` (addresses beside loopback).
 */
export function protectionProblems(given: { security?: unknown; groups?: unknown; allow?: unknown }): string[] {
  const problems: string[] = [];
  if (given.security !== undefined) problems.push(...securityRequirementProblems('security', given.security));
  if (given.groups !== undefined) {
    const { groups } = given;
    if (!Array.isArray(groups) || !groups.length || groups.some((g) => typeof g !== 'string' || g === '')) {
      problems.push(`groups must be a non-empty array of group names, got ${JSON.stringify(groups)}`);
    } else if (given.security === undefined) {
      problems.push('groups needs security: groups restrict the callers a security scheme authenticated');
    }
  }
  if (given.allow !== undefined) problems.push(...addressListProblems('allow', given.allow));
  return problems;
}

/** What {@link guardedOperation} gives a plugin for an operation it protects. */
export interface GuardedOperation {
  /** The operation's `security` and, with groups, `x-burrow-rights`: spread into its contract. */
  fields: { security: SecurityRequirement[]; 'x-burrow-rights'?: { groups: string[] } };
  /** Throws `refuse(address)` when the address check applies and the caller's address is not allowed. */
  guard(ctx: { ip: string }): void;
  /** One sentence for the operation's description: who may call it. */
  who: string;
}

/**
 * The protection of an operation a plugin contributes (`/stat`, `/metrics`), from its
 * resolved options: contract fields, the handler's address check, and its description.
 *
 * @example
 * const { fields, guard, who } = guardedOperation(options, { plugin: 'metrics', code: 'BURROW_ERR_METRICS_FORBIDDEN', refuse: (address) => metricsErrors.create('BURROW_ERR_METRICS_FORBIDDEN', { address }) })
 */
export function guardedOperation(protection: ResolvedProtection, refusal: { plugin: string; code: string; refuse: (address: string) => Error }): GuardedOperation {
  const allowed = loopbackOr(protection.allow);
  const { plugin, code, refuse } = refusal;
  return {
    fields: { security: protection.security ?? [], ...(protection.groups ? { 'x-burrow-rights': { groups: protection.groups } } : {}) },
    guard(ctx) {
      if (protection.checkAddress && !allowed(ctx.ip)) throw refuse(ctx.ip);
    },
    who: protection.security
      ? `Protected by the security requirements of the ${plugin} plugin's \`security\` option${protection.checkAddress ? ', and served to loopback and `allow` addresses only' : ''}.`
      : `Served to loopback addresses and those of the ${plugin} plugin's \`allow\` option only (403 \`${code}\` to others).`,
  };
}
