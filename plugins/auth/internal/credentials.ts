/**
 * Reads the credential a security scheme object says the client sends: the
 * `Authorization` header's value for an `http` scheme (after its scheme word), the
 * header, query parameter or cookie an `apiKey` scheme names.
 */
import type { RequestContext, SecuritySchemeObject } from 'burrowjs';

/** The credential of `definition` in the request, or undefined when absent. */
export function readCredential(ctx: RequestContext, definition: SecuritySchemeObject): string | undefined {
  if (definition.type === 'http') return authorizationValue(ctx, String(definition.scheme ?? 'bearer'));
  if (definition.type === 'apiKey' && definition.name) {
    if (definition.in === 'header') return headerValue(ctx, definition.name.toLowerCase());
    if (definition.in === 'query') return queryValue(ctx.rawQuery, definition.name);
    if (definition.in === 'cookie') return cookieValue(ctx, definition.name);
  }
  return undefined;
}

/** The `Authorization` header's credentials after `scheme` (case-insensitive), or undefined. */
export function authorizationValue(ctx: RequestContext, scheme: string): string | undefined {
  const header = headerValue(ctx, 'authorization');
  if (!header) return undefined;
  const space = header.indexOf(' ');
  if (space === -1 || header.slice(0, space).toLowerCase() !== scheme.toLowerCase()) return undefined;
  const value = header.slice(space + 1).trim();
  return value || undefined;
}

function headerValue(ctx: RequestContext, name: string): string | undefined {
  const value = ctx.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text ? text : undefined;
}

/** A query parameter's first value (form-decoded), from the raw query string. */
export function queryValue(rawQuery: string, name: string): string | undefined {
  if (!rawQuery) return undefined;
  for (const [key, value] of new URLSearchParams(rawQuery)) if (key === name) return value || undefined;
  return undefined;
}

/** A cookie's value (percent-decoded when it decodes), from the `Cookie` header. */
export function cookieValue(ctx: RequestContext, name: string): string | undefined {
  const header = headerValue(ctx, 'cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(raw) || undefined;
    } catch {
      return raw || undefined;
    }
  }
  return undefined;
}
