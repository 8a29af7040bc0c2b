/**
 * The serialization styles of OpenAPI 3.0.3 / 3.1 (Parameter Object, *Style Values*
 * and *Style Examples*), read back: each function takes the string a client sent,
 * still percent-encoded, and rebuilds the value the contract describes — a string,
 * an array of strings, or an object of strings. Types are not touched here: the
 * parameter validator coerces `"100"` to `100` by the schema.
 *
 * Delimiters are found before decoding, so a `,` sent as `%2C` stays inside a value.
 */
import type { ObjectShape, ValueKind } from './schema-kind.js';

/** A value that does not follow its style; `message` says why, for the client. */
export class Invalid {
  constructor(readonly message: string) {}
}

/** Turns one raw piece into the string the client meant (percent-decoding, or trimming for headers). */
export type Decode = (raw: string) => string;

/** Reads one string (a path segment's part, a header value) into the parameter's value. */
export type StringReader = (raw: string) => unknown;

/** Sets a key on a plain object without ever touching its prototype (`__proto__` as data). */
export function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Adds one property to an object being rebuilt: repeated keys and array properties collect arrays. */
export function addProperty(target: Record<string, unknown>, key: string, value: string, shape: ObjectShape): void {
  const previous = Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
  if (previous !== undefined) {
    if (Array.isArray(previous)) previous.push(value);
    else put(target, key, [previous, value]);
  } else put(target, key, shape.arrays.has(key) || (shape.openArrays && !shape.properties.has(key)) ? [value] : value);
}

/** `R,100,G,200` as a list → `{ R: '100', G: '200' }`. */
export function pairsToObject(items: string[], decode: Decode, shape: ObjectShape, style: string): Record<string, unknown> | Invalid {
  if (items.length % 2 !== 0) return new Invalid(`is not a ${style}-style object: expected name,value pairs`);
  const object: Record<string, unknown> = {};
  for (let i = 0; i < items.length; i += 2) addProperty(object, decode(items[i]!), decode(items[i + 1]!), shape);
  return object;
}

/** `R=100`, `G=200` → `{ R: '100', G: '200' }`. */
export function assignmentsToObject(items: string[], decode: Decode, shape: ObjectShape, style: string): Record<string, unknown> | Invalid {
  const object: Record<string, unknown> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq === -1) return new Invalid(`is not a ${style}-style object: expected name=value pairs`);
    addProperty(object, decode(item.slice(0, eq)), decode(item.slice(eq + 1)), shape);
  }
  return object;
}

function list(raw: string, separator: string, decode: Decode): string[] {
  if (raw === '') return [];
  const items = raw.split(separator);
  for (let i = 0; i < items.length; i++) items[i] = decode(items[i]!);
  return items;
}

/**
 * `simple` (path, header): `blue` · `blue,black,brown` · `R,100,G,200,B,150`
 * (explode false) or `R=100,G=200,B=150` (explode true).
 */
export function simpleReader(kind: ValueKind, explode: boolean, decode: Decode, shape: ObjectShape | undefined): StringReader {
  if (kind === 'primitive') return decode;
  if (kind === 'array') return (raw) => list(raw, ',', decode);
  return explode
    ? (raw) => (raw === '' ? {} : assignmentsToObject(raw.split(','), decode, shape!, 'simple'))
    : (raw) => (raw === '' ? {} : pairsToObject(raw.split(','), decode, shape!, 'simple'));
}

/**
 * `label` (path): `.blue` · `.blue.black.brown` · `.R.100.G.200.B.150` (explode
 * false) or `.R=100.G=200.B=150` (explode true); `.` alone is the empty value.
 * With explode false, OpenAPI 3.0.4 and 3.1.1 correct the table to RFC 6570's
 * `.blue,black,brown`: a value holding a `,` is split on commas, else on dots.
 */
export function labelReader(kind: ValueKind, explode: boolean, decode: Decode, shape: ObjectShape | undefined): StringReader {
  const split = (rest: string) => (rest === '' ? [] : (!explode && rest.includes(',') ? rest.split(',') : rest.split('.')));
  return (raw) => {
    if (raw.charCodeAt(0) !== 46 /* . */) return new Invalid('is not a label-style value: expected "." before the value');
    const rest = raw.slice(1);
    if (kind === 'primitive') return decode(rest);
    const items = split(rest);
    if (kind === 'array') return items.map(decode);
    return explode ? assignmentsToObject(items, decode, shape!, 'label') : pairsToObject(items, decode, shape!, 'label');
  };
}

/**
 * `matrix` (path): `;color=blue` · `;color=blue,black,brown` (explode false) or
 * `;color=blue;color=black;color=brown` (explode true) · `;color=R,100,G,200,B,150`
 * (explode false) or `;R=100;G=200;B=150` (explode true); `;color` alone is the
 * empty value.
 */
export function matrixReader(name: string, kind: ValueKind, explode: boolean, decode: Decode, shape: ObjectShape | undefined): StringReader {
  const expected = new Invalid(`is not a matrix-style value: expected ";${name}=…"`);
  // One `;name=value` (or `;name`) → the raw value, or undefined when it is another name.
  const valueOf = (part: string): string | undefined => {
    const eq = part.indexOf('=');
    const key = decode(eq === -1 ? part : part.slice(0, eq));
    if (key !== name) return undefined;
    return eq === -1 ? '' : part.slice(eq + 1);
  };
  return (raw) => {
    if (raw.charCodeAt(0) !== 59 /* ; */) return expected;
    const parts = raw.slice(1).split(';');
    if (kind === 'object' && explode) return assignmentsToObject(parts, decode, shape!, 'matrix');
    if (kind === 'array' && explode) {
      const items: string[] = [];
      for (const part of parts) {
        const value = valueOf(part);
        if (value === undefined) return expected;
        items.push(decode(value));
      }
      return items;
    }
    if (parts.length !== 1) return expected;
    const value = valueOf(parts[0]!);
    if (value === undefined) return expected;
    if (kind === 'primitive') return decode(value);
    const items = value === '' ? [] : value.split(',');
    if (kind === 'array') return items.map(decode);
    return pairsToObject(items, decode, shape!, 'matrix');
  };
}
