/**
 * The headers a CORS answer lists for one operation, worked out from the contract once
 * per operation (at boot), never per request.
 */
import type { CompiledOperation, OpenApiDocument, SecuritySchemeObject } from 'burrowjs';

/** What the CORS answers of one operation carry. */
export interface OperationHeaders {
  /** `Access-Control-Allow-Headers` of its preflight. */
  allow: string;
  /** The same, lower case, to check `Access-Control-Request-Headers` against. */
  allowed: ReadonlySet<string>;
  /** `Access-Control-Expose-Headers` of its responses (`''`: none). */
  expose: string;
}

// Request headers a browser may send without asking (CORS-safelisted); listed so that a
// preflight naming one (an unusual value makes a browser ask) is not refused.
const SAFELISTED_REQUEST = ['Accept', 'Accept-Language', 'Content-Language'];
// Response headers a page can always read, and those it never can: never worth listing.
const NOT_EXPOSED = new Set(['cache-control', 'content-language', 'content-length', 'content-type', 'expires', 'last-modified', 'pragma', 'set-cookie', 'set-cookie2']);
// The signed-session scheme of the auth plugin sends the body's digest beside Authorization.
const SIGNED_SCHEME = 'burrow-signed';
const SIGNED_DIGEST = 'X-Burrow-Content-SHA256';
// A service method (`x-burrow-service`) of a clientDriven service reads the instance id from this header.
const SERVICE_EXTENSION = 'x-burrow-service';
const SERVICE_INSTANCE = 'X-Burrow-Instance';

/** Merges header names, case-insensitively, keeping the first spelling. */
function union(names: Iterable<string>): string[] {
  const seen = new Map<string, string>();
  for (const name of names) if (!seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name);
  return [...seen.values()];
}

/** The request headers the security schemes of an operation read. */
function securityHeaders(op: CompiledOperation, schemes: Record<string, SecuritySchemeObject>): string[] {
  const names: string[] = [];
  for (const requirement of op.security) {
    for (const { scheme: name } of requirement) {
      const scheme = schemes[name];
      if (!scheme) continue;
      if (scheme.type === 'http' || scheme.type === 'oauth2' || scheme.type === 'openIdConnect') {
        names.push('Authorization');
        if (scheme.type === 'http' && String(scheme.scheme ?? '').toLowerCase() === SIGNED_SCHEME && op.body) names.push(SIGNED_DIGEST);
      } else if (scheme.type === 'apiKey' && scheme.in === 'header' && typeof scheme.name === 'string') {
        names.push(scheme.name);
      }
    }
  }
  return names;
}

/** The header names of the request parameters an operation declares `in: header` (path-level ones included). */
function headerParameters(op: CompiledOperation): string[] {
  const declared = (op.definition as { parameters?: { in?: string; name?: string }[] }).parameters ?? [];
  return declared.flatMap((p) => (p.in === 'header' && typeof p.name === 'string' ? [p.name] : []));
}

/** The response headers an operation declares, in any of its responses. */
function responseHeaders(op: CompiledOperation): string[] {
  const responses = (op.definition as { responses?: Record<string, { headers?: Record<string, unknown> }> }).responses ?? {};
  return Object.values(responses).flatMap((response) => Object.keys(response?.headers ?? {}));
}

/** Works out the CORS header lists of one operation. */
export function operationHeaders(
  op: CompiledOperation,
  document: OpenApiDocument,
  extra: { allow: readonly string[]; expose: readonly string[] },
): OperationHeaders {
  const schemes = ((document as { components?: { securitySchemes?: Record<string, SecuritySchemeObject> } }).components?.securitySchemes ?? {}) as Record<string, SecuritySchemeObject>;
  const allow = union([
    ...SAFELISTED_REQUEST,
    ...(op.body ? ['Content-Type'] : []),
    ...headerParameters(op),
    ...securityHeaders(op, schemes),
    ...(op.extensions[SERVICE_EXTENSION] !== undefined ? [SERVICE_INSTANCE] : []),
    'X-Request-Id',
    ...extra.allow,
  ]);
  const expose = union([...responseHeaders(op), ...extra.expose]).filter((name) => !NOT_EXPOSED.has(name.toLowerCase()));
  return { allow: allow.join(', '), allowed: new Set(allow.map((name) => name.toLowerCase())), expose: expose.join(', ') };
}

/** The headers exposed on a response no operation answered (a 404, a 405). */
export function defaultExpose(expose: readonly string[]): string {
  return union(expose).filter((name) => !NOT_EXPOSED.has(name.toLowerCase())).join(', ');
}
