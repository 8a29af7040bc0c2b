/**
 * A media type or media range (RFC 9110 §8.3.1, §12.5.1), parsed once: the keys of a
 * contract's `content` maps at boot, a request's `Content-Type` and `Accept` per
 * distinct header value.
 */
export interface MediaRange {
  /** `type/subtype` in lower case (`*\/*`, `text/*`, `application/json`). */
  readonly essence: string;
  readonly type: string;
  readonly subtype: string;
  /** Parameters by lower-case name, values unquoted (`charset` lower-cased). */
  readonly params: Readonly<Record<string, string>>;
  readonly paramCount: number;
  /** How specific the range is: 0 `*\/*`, 1 `type/*`, 2 `type/subtype`. */
  readonly level: 0 | 1 | 2;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/**
 * Parses a media type or range (`application/json; charset=utf-8`, `text/*`). Returns
 * `undefined` when the type or subtype is not a token; a malformed parameter is
 * skipped. `*` as a type needs `*` as its subtype.
 */
export function parseMediaType(text: string): MediaRange | undefined {
  const parts = splitOutsideQuotes(text, ';');
  const head = parts[0]!.trim().toLowerCase();
  const slash = head.indexOf('/');
  if (slash === -1) return undefined;
  const type = head.slice(0, slash).trim();
  const subtype = head.slice(slash + 1).trim();
  if (!TOKEN.test(type) || !TOKEN.test(subtype) || (type === '*' && subtype !== '*')) return undefined;
  const params: Record<string, string> = {};
  let paramCount = 0;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    let value = part.slice(eq + 1).trim();
    if (!TOKEN.test(name) || value === '') continue;
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    // RFC 9110 §8.3.2: the charset value is case-insensitive.
    if (name === 'charset') value = value.toLowerCase();
    if (!(name in params)) paramCount++;
    params[name] = value;
  }
  const level = type === '*' ? 0 : subtype === '*' ? 1 : 2;
  return { essence: `${type}/${subtype}`, type, subtype, params, paramCount, level };
}

/** Splits on a separator that is not inside a quoted string. */
export function splitOutsideQuotes(text: string, separator: string): string[] {
  if (!text.includes('"')) return text.split(separator);
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === separator && !quoted) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

const headerCache = new Map<string, MediaRange | null>();
const HEADER_CACHE_SIZE = 256;

/**
 * The media type of a `Content-Type` header, parsed once per distinct value (a bounded
 * cache: clients send few distinct values). `undefined` when missing or malformed.
 */
export function contentTypeOf(header: string | undefined): MediaRange | undefined {
  if (!header) return undefined;
  let parsed = headerCache.get(header);
  if (parsed === undefined) {
    if (headerCache.size >= HEADER_CACHE_SIZE) headerCache.clear();
    const range = parseMediaType(header);
    // A range is not a media type: `Content-Type: */*` names nothing.
    parsed = range && range.level === 2 ? range : null;
    headerCache.set(header, parsed);
  }
  return parsed ?? undefined;
}

/**
 * Does a media type fall under a range (a content key)? The type and subtype must be
 * covered, and every parameter the range names must have the same value in the media
 * type (RFC 9110 §12.5.1: `text/plain;format=flowed` only matches that format).
 */
export function rangeMatches(range: MediaRange, actual: MediaRange): boolean {
  if (range.level === 2) {
    if (range.essence !== actual.essence) return false;
  } else if (range.level === 1 && range.type !== actual.type) return false;
  if (range.paramCount !== 0) {
    for (const name in range.params) if (!sameParameter(name, range.params[name]!, actual)) return false;
  }
  return true;
}

/**
 * Does a media type carry this parameter value? JSON has no charset parameter and is
 * always UTF-8 (RFC 8259 §8.1), so a JSON type without one is `charset=utf-8`.
 */
function sameParameter(name: string, value: string, actual: MediaRange): boolean {
  const other = actual.params[name];
  if (other === undefined) return name === 'charset' && value === 'utf-8' && isJsonMediaType(actual.essence);
  return other === value;
}

/** Do two ranges have a media type in common (an `Accept` range and a response key)? */
export function rangesOverlap(a: MediaRange, b: MediaRange): boolean {
  if (a.type !== '*' && b.type !== '*' && a.type !== b.type) return false;
  if (a.subtype !== '*' && b.subtype !== '*' && a.subtype !== b.subtype) return false;
  // Parameters asked for must be those of a concrete type; a range can be narrowed to them.
  if (b.level === 2) for (const name in a.params) if (!sameParameter(name, a.params[name]!, b)) return false;
  if (a.level === 2) for (const name in b.params) if (!sameParameter(name, b.params[name]!, a)) return false;
  return true;
}

/**
 * Orders ranges most specific first, as the specification resolves a request that
 * matches several content keys: a type before its `type/*` range before `*\/*`, and
 * with parameters before without. Ties keep the contract's order.
 */
export function bySpecificity<T extends { range: MediaRange }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compareSpecificity(a.range, b.range));
}

/** Negative when `a` is more specific than `b` (by its level, then its parameter count), 0 when as specific. */
export function compareSpecificity(a: MediaRange, b: MediaRange): number {
  return b.level - a.level || b.paramCount - a.paramCount;
}

/** `application/json`, or any `+json` suffix type (`application/merge-patch+json`). */
export function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

/** How a body of a media type is read. */
export type BodyKind = 'json' | 'form' | 'multipart' | 'text' | 'bytes';

/** How a body of this media type (or under this content key) is parsed. */
export function bodyKindOf(range: MediaRange): BodyKind {
  if (isJsonMediaType(range.essence)) return 'json';
  if (range.essence === 'application/x-www-form-urlencoded') return 'form';
  if (range.essence === 'multipart/form-data') return 'multipart';
  if (range.type === 'text') return 'text';
  return 'bytes';
}

/** The `Content-Type` header of a media type: its parameters, and a charset for text and JSON unless it names one. */
export function contentTypeHeader(range: MediaRange): string {
  let header = range.essence;
  for (const name in range.params) header += `; ${name}=${quoteIfNeeded(range.params[name]!)}`;
  if (range.params.charset === undefined && (range.type === 'text' || isJsonMediaType(range.essence))) header += '; charset=utf-8';
  return header;
}

function quoteIfNeeded(value: string): string {
  return TOKEN.test(value.toLowerCase()) ? value : `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

/** The part of a schema that says what a value is. */
export interface SchemaLike {
  type?: string | string[];
  format?: string;
  contentMediaType?: string;
  contentEncoding?: string;
  properties?: Record<string, SchemaLike>;
  items?: SchemaLike;
  allOf?: SchemaLike[];
  oneOf?: SchemaLike[];
  anyOf?: SchemaLike[];
  [keyword: string]: unknown;
}

/**
 * Does a schema describe bytes rather than a JSON value? OpenAPI 3.0 writes
 * `type: string, format: binary`; 3.1 writes `contentMediaType` without a
 * `contentEncoding` (its Considerations for File Uploads), and 3.0's form is still common.
 */
export function isBinarySchema(schema: SchemaLike | undefined): boolean {
  if (!schema || typeof schema !== 'object') return false;
  if (schema.format === 'binary' && hasType(schema, 'string')) return true;
  return typeof schema.contentMediaType === 'string' && schema.contentEncoding === undefined;
}

/**
 * Can a text body be checked against this schema? A `text/*` body reaches the handler
 * as a string; a schema that describes another shape (an object for `text/xml`, an array
 * for `text/csv`) describes a format Burrow does not parse, so it is not applied.
 */
export function admitsText(schema: SchemaLike | undefined): boolean {
  if (!schema || typeof schema !== 'object') return true;
  const types = typesOf(schema);
  if (types.length) return types.includes('string');
  return !schema.properties && !schema.items && !schema.allOf && !schema.oneOf && !schema.anyOf;
}

/** Does a schema say its value is of this type (`type: x` or a 3.1 type list holding x)? */
export function hasType(schema: SchemaLike | undefined, type: string): boolean {
  if (!schema || typeof schema !== 'object') return false;
  return schema.type === type || (Array.isArray(schema.type) && schema.type.includes(type));
}

function typesOf(schema: SchemaLike): string[] {
  return schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
}
