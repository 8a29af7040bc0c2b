/**
 * The styles whose values are name=value pairs — `form`, `spaceDelimited`,
 * `pipeDelimited` and `deepObject` in the query string, `form` in the `Cookie`
 * header — read from the pairs as split (names decoded, values not yet).
 */
import { hasReserved, type RawQuery } from './query-string.js';
import type { ObjectShape, ValueKind } from './schema-kind.js';
import { addProperty, Invalid, pairsToObject, put, type Decode } from './styles.js';

/** Reads a parameter from the pairs: its value, `undefined` when absent, or {@link Invalid}. */
export type PairsReader = (pairs: RawQuery) => unknown;

/** What a pairs reader is built from (all known at boot). */
export interface PairsOptions {
  name: string;
  kind: ValueKind;
  style: string;
  explode: boolean;
  decode: Decode;
  /** Refuse values holding reserved characters left unencoded (query, `allowReserved: false`). */
  checkReserved: boolean;
  /** Whether an empty value (`color=`) is accepted (`allowEmptyValue`, or any cookie). */
  emptyAllowed: boolean;
  /** A name given more than once: the first one counts (cookies), or the value is refused (query). */
  firstWins: boolean;
  shape: ObjectShape | undefined;
}

const RESERVED = new Invalid('holds reserved characters that must be percent-encoded (allowReserved is false)');
const EMPTY = new Invalid('must not be empty (allowEmptyValue is false)');
const REPEATED = new Invalid('is given more than once');

/** Builds the reader of one parameter serialized as name=value pairs. */
export function pairsReader(options: PairsOptions): PairsReader {
  const { style, kind, explode } = options;
  if (style === 'deepObject') return deepObjectReader(options);
  if (style === 'spaceDelimited' || style === 'pipeDelimited') return delimitedReader(options);
  if (kind === 'object' && explode) return explodedObjectReader(options);
  if (kind === 'array' && explode) return explodedArrayReader(options);
  return singleValueReader(options);
}

/**
 * The one raw value of a parameter sent as a single pair (a style's, or a `content`
 * parameter's): `undefined` when absent, {@link Invalid} when repeated where the first
 * does not win, or empty where that is not allowed.
 */
export function singleRawValue(pairs: RawQuery, { name, emptyAllowed, firstWins }: PairsOptions): string | Invalid | undefined {
  let raw = pairs[name];
  if (raw !== undefined && typeof raw !== 'string') {
    if (!firstWins) return REPEATED;
    raw = raw[0]!;
  }
  return raw === '' && !emptyAllowed ? EMPTY : raw;
}

/** `color=blue` · `color=blue,black,brown` · `color=R,100,G,200,B,150` (one pair). */
function singleValueReader(options: PairsOptions): PairsReader {
  const { kind, decode, checkReserved, shape } = options;
  return (pairs) => {
    const raw = singleRawValue(pairs, options);
    if (raw === undefined || raw instanceof Invalid) return raw;
    if (raw === '') return kind === 'primitive' ? '' : kind === 'array' ? [] : {};
    if (kind === 'primitive') return checkReserved && hasReserved(raw) ? RESERVED : decode(raw);
    const items = raw.split(',');
    if (checkReserved) for (const item of items) if (hasReserved(item)) return RESERVED;
    if (kind === 'array') {
      for (let i = 0; i < items.length; i++) items[i] = decode(items[i]!);
      return items;
    }
    return pairsToObject(items, decode, shape!, 'form');
  };
}

/** `color=blue&color=black&color=brown`: every pair of the name is an item. */
function explodedArrayReader({ name, decode, checkReserved, emptyAllowed }: PairsOptions): PairsReader {
  return (pairs) => {
    const raw = pairs[name];
    if (raw === undefined) return undefined;
    if (typeof raw === 'string') {
      if (raw === '') return emptyAllowed ? [] : EMPTY;
      return checkReserved && hasReserved(raw) ? RESERVED : [decode(raw)];
    }
    const items: string[] = [];
    for (const item of raw) {
      if (checkReserved && hasReserved(item)) return RESERVED;
      items.push(decode(item));
    }
    return items;
  };
}

/**
 * `R=100&G=200&B=150`: the object's declared properties are pairs of their own.
 * Undeclared names are added by {@link takeUndeclared} when the object is open.
 */
function explodedObjectReader({ decode, checkReserved, shape }: PairsOptions): PairsReader {
  const properties = [...shape!.properties];
  return (pairs) => {
    let object: Record<string, unknown> | undefined;
    for (const property of properties) {
      const raw = pairs[property];
      if (raw === undefined) continue;
      object ??= {};
      for (const value of typeof raw === 'string' ? [raw] : raw) {
        if (checkReserved && hasReserved(value)) return RESERVED;
        addProperty(object, property, decode(value), shape!);
      }
    }
    return object;
  };
}

/** Adds a pair no other parameter claims to an open exploded object (`additionalProperties`). */
export function takeUndeclared(object: Record<string, unknown>, key: string, raw: string | string[], options: PairsOptions): Invalid | undefined {
  for (const value of typeof raw === 'string' ? [raw] : raw) {
    if (options.checkReserved && hasReserved(value)) return RESERVED;
    addProperty(object, key, options.decode(value), options.shape!);
  }
  return undefined;
}

/**
 * `color=blue%20black%20brown`, `color=blue|black|brown` (or `%7C`): the whole value
 * is decoded, then split, since OpenAPI 3.0.4 and 3.1.1 percent-encode these
 * delimiters (Appendix E: a delimiter inside a value cannot be told apart).
 */
function delimitedReader({ name, kind, style, explode, decode, checkReserved, shape }: PairsOptions): PairsReader {
  const separator = style === 'spaceDelimited' ? ' ' : '|';
  return (pairs) => {
    const raw = pairs[name];
    if (raw === undefined) return undefined;
    if (typeof raw !== 'string' && !explode) return REPEATED;
    const items: string[] = [];
    for (const value of typeof raw === 'string' ? [raw] : raw) {
      if (value === '') return new Invalid(`must not be empty (${style} cannot express an empty value)`);
      if (checkReserved && hasReserved(value)) return RESERVED;
      items.push(...decode(value).split(separator));
    }
    if (kind !== 'object') return items;
    return pairsToObject(items, (s) => s, shape!, style);
  };
}

/** `color[R]=100&color[G]=200`; `color[a][b]=1` nests (the specification leaves it undefined). */
function deepObjectReader({ name, decode, checkReserved, shape }: PairsOptions): PairsReader {
  const prefix = `${name}[`;
  return (pairs) => {
    let object: Record<string, unknown> | undefined;
    for (const key in pairs) {
      if (!key.startsWith(prefix)) continue;
      const path = bracketPath(key, name.length);
      if (!path) return new Invalid(`is not a deepObject-style name: ${JSON.stringify(key)} (expected ${name}[property])`);
      object ??= {};
      const raw = pairs[key]!;
      for (const value of typeof raw === 'string' ? [raw] : raw) {
        if (checkReserved && hasReserved(value)) return RESERVED;
        const conflict = setPath(object, path, decode(value), shape!);
        if (conflict) return conflict;
      }
    }
    return object;
  };
}

/** `[a][b]` (from `start`) → `['a', 'b']`; `undefined` when the name is not made of brackets. */
function bracketPath(key: string, start: number): string[] | undefined {
  const path: string[] = [];
  let i = start;
  while (i < key.length) {
    if (key.charCodeAt(i) !== 91 /* [ */) return undefined;
    const close = key.indexOf(']', i + 1);
    if (close === -1) return undefined;
    path.push(key.slice(i + 1, close));
    i = close + 1;
  }
  return path.length ? path : undefined;
}

function setPath(object: Record<string, unknown>, path: string[], value: string, shape: ObjectShape): Invalid | undefined {
  let target = object;
  // `a[]=1&a[]=2`: the empty name only says "array", as in most query-string libraries.
  const last = path[path.length - 1] === '' && path.length > 1 ? path.length - 2 : path.length - 1;
  for (let i = 0; i < last; i++) {
    const key = path[i]!;
    const next = Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
    if (next === undefined) {
      const created: Record<string, unknown> = {};
      put(target, key, created);
      target = created;
    } else if (typeof next === 'object' && next !== null && !Array.isArray(next)) target = next as Record<string, unknown>;
    else return new Invalid(`gives ${path.slice(0, i + 1).join('.')} both a value and properties`);
  }
  const leaf = path[last]!;
  const existing = Object.prototype.hasOwnProperty.call(target, leaf) ? target[leaf] : undefined;
  if (existing !== undefined && typeof existing === 'object' && !Array.isArray(existing)) return new Invalid(`gives ${path.slice(0, last + 1).join('.')} both a value and properties`);
  if (last !== path.length - 1 && existing === undefined) put(target, leaf, [value]);
  else if (target === object) addProperty(target, leaf, value, shape);
  else addProperty(target, leaf, value, NO_SHAPE);
  return undefined;
}

const NO_SHAPE: ObjectShape = { properties: new Set(), arrays: new Set(), open: true, openArrays: false };
