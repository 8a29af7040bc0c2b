/**
 * Reads the credential a security scheme object says the client sends: the
 * `Authorization` header's value for an `http` scheme (after its scheme word), the
 * header, query parameter or cookie an `apiKey` scheme names.
 */
import { decodePercent, decodeQueryComponent, splitCookies, splitQuery, type RequestContext, type SecuritySchemeObject } from 'burrowjs';

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
  return rawQuery ? firstValue(splitQuery(rawQuery)[name], decodeQueryComponent) : undefined;
}

/** A cookie's value (percent-decoded), from the `Cookie` header; the most specific when sent twice. */
export function cookieValue(ctx: RequestContext, name: string): string | undefined {
  const header = headerValue(ctx, 'cookie');
  return header ? firstValue(splitCookies(header)[name], decodePercent) : undefined;
}

function firstValue(value: string | string[] | undefined, decode: (raw: string) => string): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first ? decode(first) || undefined : undefined;
}
