/**
 * Sets up one verifier per security scheme of the contract: the kind the options
 * name (or the default for its type), wrapped so that scopes are checked the same
 * way for every kind and failures are published on the bus.
 */
import { forbid, type Kernel, type RequestContext, type SecuritySchemeObject, type Verifier, type VerifyResult } from 'burrowjs';
import type { ResolvedAuthOptions } from '../options.js';
import { basic } from './schemes/basic.js';
import { session } from './schemes/session.js';
import type { Principal, SchemeEnv, SchemeKind, SchemeRuntime } from './types.js';

/** A scheme that is set up: its name, kind and runtime. */
export interface SetUpScheme {
  name: string;
  kind: string;
  definition: SecuritySchemeObject;
  runtime: SchemeRuntime;
}

/** The kind a scheme gets when the options name none, or undefined when it needs configuring. */
export function defaultKind(definition: SecuritySchemeObject): SchemeKind | undefined {
  if (definition.type === 'http' && String(definition.scheme).toLowerCase() === 'basic') return basic();
  if (definition.type === 'http' && String(definition.scheme).toLowerCase() === 'bearer' && String(definition.bearerFormat ?? '').toUpperCase() !== 'JWT') return session();
  if (definition.type === 'apiKey' && definition.in === 'cookie') return session();
  return undefined;
}

/**
 * Sets up every scheme of the contract the app did not give a verifier of its own,
 * registers its verifier, and answers them. Throws, naming them all, when schemes
 * need a kind the options do not give.
 */
export async function setUpSchemes(
  kernel: Kernel,
  options: ResolvedAuthOptions,
  envFor: (name: string, definition: SecuritySchemeObject) => SchemeEnv,
): Promise<SetUpScheme[]> {
  const declared = (kernel.contractSource.components?.securitySchemes ?? {}) as Record<string, SecuritySchemeObject>;
  const unknown = Object.keys(options.schemes).filter((name) => !(name in declared));
  if (unknown.length) {
    throw new Error(`schemes names ${unknown.join(', ')}, which the contract does not declare in components.securitySchemes (it declares: ${Object.keys(declared).join(', ') || 'none'})`);
  }
  const missing: string[] = [];
  const setUp: SetUpScheme[] = [];
  for (const [name, definition] of Object.entries(declared)) {
    if (kernel.security.has(name)) continue; // the app verifies it itself
    const kind = options.schemes[name] ?? defaultKind(definition);
    if (!kind) {
      missing.push(`${name} (${definition.type}${definition.scheme ? ` ${definition.scheme}` : ''}${definition.in ? ` in ${definition.in}` : ''}): give it a kind, e.g. auth({ schemes: { ${name}: ${suggest(definition)} } })`);
      continue;
    }
    const runtime = await kind.setup(envFor(name, definition));
    kernel.security.add(name, verifierOf(kernel, name, runtime));
    setUp.push({ name, kind: kind.kind, definition, runtime });
  }
  if (missing.length) throw new Error(`these security schemes need a kind:\n  - ${missing.join('\n  - ')}`);
  return setUp;
}

function suggest(definition: SecuritySchemeObject): string {
  if (definition.type === 'http' && String(definition.scheme).toLowerCase() === 'bearer') return 'jwt({ secret })';
  if (definition.type === 'apiKey') return 'apiKey({ keys })';
  if (definition.type === 'oauth2' || definition.type === 'openIdConnect') return 'jwt({ jwksUrl, issuer, audience })';
  return 'passport(strategy)';
}

/**
 * The verifier of a scheme: the kind's check, then the scopes the operation requires
 * (OAuth scopes, or roles for other schemes: a principal's groups count as roles).
 */
function verifierOf(kernel: Kernel, name: string, runtime: SchemeRuntime): Verifier {
  const settle = (ctx: RequestContext, scopes: readonly string[], result: VerifyResult): VerifyResult => {
    if (!result.ok) {
      if (result.reason !== 'missing') {
        kernel.events.emit('auth.failed', { scheme: name, reason: result.reason ?? 'invalid', address: ctx.req.socket?.remoteAddress, operationId: ctx.operationId });
      }
      return result;
    }
    if (scopes.length) {
      const principal = result.principal as Principal;
      const missing = scopes.filter((s) => !principal.scopes.includes(s) && !principal.groups.includes(s));
      if (missing.length) return forbid(`missing scope${missing.length > 1 ? 's' : ''} ${missing.join(' ')}`, 'missing-scope');
    }
    return result;
  };
  return (ctx, { scopes }) => {
    const result = runtime.verify(ctx);
    return result instanceof Promise ? result.then((settled) => settle(ctx, scopes, settled)) : settle(ctx, scopes, result);
  };
}
