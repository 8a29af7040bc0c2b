import type { RequestContext } from './context.js';
import type { CompiledOperation } from './operation.js';
import { coreError } from '../errors/burrow-error.js';

/** What a security verifier answers. Build it with {@link allow}, {@link deny} or {@link forbid}. */
export type VerifyResult =
  | { ok: true; principal: unknown }
  | { ok: false; status: 401 | 403; detail: string; reason?: string };

/** The scheme a verifier is asked to check, as the contract declares it. */
export interface VerifyRequest {
  /** The name in `components.securitySchemes`. */
  scheme: string;
  /** Scopes the operation requires of this scheme (OAuth2 / OpenID scopes, or roles). */
  scopes: readonly string[];
  /** The security scheme object of the contract. */
  definition: SecuritySchemeObject;
}

/** The parts of an OpenAPI security scheme object Burrow reads. */
export interface SecuritySchemeObject {
  type: 'apiKey' | 'http' | 'oauth2' | 'openIdConnect' | 'mutualTLS';
  scheme?: string;
  name?: string;
  in?: 'header' | 'query' | 'cookie';
  [key: string]: unknown;
}

/**
 * Checks the credentials of one security scheme. Registered by scheme name with
 * `kernel.security.add(name, verifier)`.
 */
export type Verifier = (ctx: RequestContext, request: VerifyRequest) => VerifyResult | Promise<VerifyResult>;

/** Credentials are valid: `principal` becomes `ctx.principal`. */
export const allow = (principal: unknown): VerifyResult => ({ ok: true, principal });
/**
 * Credentials are missing or invalid: 401 with a `WWW-Authenticate` challenge.
 * `reason` is a stable word for clients (`missing`, `expired`, `bad-signature`…),
 * listed with the scheme in the problem's `failures`; the detail must never tell
 * whether a user name exists.
 */
export const deny = (detail = 'missing or invalid credentials', reason = 'invalid'): VerifyResult => ({ ok: false, status: 401, detail, reason });
/** Credentials are valid but do not grant what is required (`reason`: `missing-scope`, `rights`…): 403. */
export const forbid = (detail = 'insufficient rights', reason = 'forbidden'): VerifyResult => ({ ok: false, status: 403, detail, reason });

/**
 * Evaluates the operation's security requirements: OR across requirement objects,
 * AND inside one. The first satisfied object wins; its principals are set on the
 * context. Otherwise: 403 when some scheme authenticated the caller but refused
 * the rights, else 401 with a challenge per scheme tried; the detail names the
 * scheme(s) that failed.
 */
export function checkSecurity(
  ctx: RequestContext,
  op: CompiledOperation,
  verifiers: ReadonlyMap<string, Verifier>,
  schemes: Record<string, SecuritySchemeObject>,
): void | Promise<void> {
  // The common case, one requirement of one scheme whose verifier answers at once (a cached token): no promise at all.
  if (op.security.length === 1 && op.security[0]!.length === 1) {
    const { scheme, scopes } = op.security[0]![0]!;
    const result = verifiers.get(scheme)!(ctx, { scheme, scopes, definition: schemes[scheme] });
    if (!isThenable(result) && result.ok) {
      ctx.auth = { [scheme]: result.principal };
      ctx.principal = result.principal;
      return;
    }
    return checkAll(ctx, op, verifiers, schemes, result);
  }
  return checkAll(ctx, op, verifiers, schemes, undefined);
}

const isThenable = (value: unknown): value is PromiseLike<VerifyResult> => typeof (value as PromiseLike<unknown> | null)?.then === 'function';

/** Every requirement in turn (`first`: the answer of the first verifier, already asked). */
async function checkAll(
  ctx: RequestContext,
  op: CompiledOperation,
  verifiers: ReadonlyMap<string, Verifier>,
  schemes: Record<string, SecuritySchemeObject>,
  first: VerifyResult | PromiseLike<VerifyResult> | undefined,
): Promise<void> {
  const failures: { scheme: string; status: 401 | 403; detail: string; reason: string }[] = [];
  for (const requirement of op.security) {
    const principals: Record<string, unknown> = {};
    let satisfied = true;
    for (const { scheme, scopes } of requirement) {
      const asked = first ?? verifiers.get(scheme)!(ctx, { scheme, scopes, definition: schemes[scheme] });
      first = undefined;
      const result = await asked;
      if (!result.ok) {
        failures.push({ scheme, status: result.status, detail: result.detail, reason: result.reason ?? (result.status === 403 ? 'forbidden' : 'invalid') });
        satisfied = false;
        break;
      }
      principals[scheme] = result.principal;
    }
    if (satisfied) {
      ctx.auth = principals;
      ctx.principal = requirement.length ? principals[requirement[0].scheme] : undefined;
      return;
    }
  }
  const detail = failures.map((f) => `${f.scheme}: ${f.detail}`).join('; ');
  const listed = failures.map((f) => ({ scheme: f.scheme, reason: f.reason }));
  if (failures.some((f) => f.status === 403)) {
    throw coreError('BURROW_ERR_AUTH_FORBIDDEN', { reasons: detail }, { extensions: { schemes: failures.map((f) => f.scheme), failures: listed } });
  }
  const challenges = [...new Set(failures.map((f) => challengeFor(f.scheme, schemes[f.scheme])))];
  throw coreError('BURROW_ERR_AUTH_UNAUTHENTICATED', { reasons: detail }, {
    headers: { 'www-authenticate': challenges.join(', ') },
    extensions: { schemes: failures.map((f) => f.scheme), failures: listed },
  });
}

/** The `WWW-Authenticate` challenge of a scheme (RFC 9110 §11.6.1). */
function challengeFor(name: string, scheme: SecuritySchemeObject | undefined): string {
  const realm = `realm="${name}"`;
  if (scheme?.type === 'http') {
    const kind = scheme.scheme ?? 'bearer';
    // The registered schemes as RFC 9110 spells them; any other as the contract does.
    const known = ({ basic: 'Basic', bearer: 'Bearer', digest: 'Digest' } as Record<string, string>)[kind.toLowerCase()];
    return `${known ?? kind} ${realm}`;
  }
  if (scheme?.type === 'apiKey') return `ApiKey ${realm}, in="${scheme.in}", name="${scheme.name}"`;
  return `Bearer ${realm}`;
}
