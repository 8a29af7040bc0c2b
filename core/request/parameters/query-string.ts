import { unescape } from 'node:querystring';

/**
 * The query string split into names and values, values still percent-encoded: a
 * delimiter (`,` of `form` with `explode: false`) is told apart from the same
 * character percent-encoded inside a value only before decoding, and `allowReserved`
 * is about what the client left unencoded. Names are decoded. A name given more than
 * once holds its values in order.
 */
export type RawQuery = Record<string, string | string[]>;

/** Splits `a=1&b=2&a=3` into `{ a: ['1', '3'], b: '2' }` (a null-prototype object). */
export function splitQuery(raw: string): RawQuery {
  const pairs: RawQuery = Object.create(null);
  let start = 0;
  const end = raw.length;
  while (start <= end) {
    let amp = raw.indexOf('&', start);
    if (amp === -1) amp = end;
    if (amp > start) {
      const eq = raw.indexOf('=', start);
      const hasValue = eq !== -1 && eq < amp;
      const key = decodeQueryComponent(raw.slice(start, hasValue ? eq : amp));
      addPair(pairs, key, hasValue ? raw.slice(eq + 1, amp) : '');
    }
    start = amp + 1;
  }
  return pairs;
}

/** Adds a value under a name; a name given more than once keeps its values in order. */
export function addPair(pairs: RawQuery, name: string, value: string): void {
  const previous = pairs[name];
  if (previous === undefined) pairs[name] = value;
  else if (typeof previous === 'string') pairs[name] = [previous, value];
  else previous.push(value);
}

/**
 * Decodes a name or value of the query string as `application/x-www-form-urlencoded`
 * does (`+` is a space), tolerating malformed percent-escapes (kept as they are).
 */
export function decodeQueryComponent(value: string): string {
  return decodePercent(value.indexOf('+') === -1 ? value : value.replace(/\+/g, ' '));
}

/** Percent-decodes a path segment or a cookie value (`+` is itself there). */
export function decodePercent(value: string): string {
  // querystring.unescape tries decodeURIComponent first, and decodes byte by byte when that throws.
  return value.indexOf('%') === -1 ? value : unescape(value);
}

/**
 * RFC 3986's reserved characters, `:/?#[]@!$&'()*+,;=`, as they can reach a query
 * value unencoded: `&` and `#` never do (they end the value), and `+` is the space of
 * `application/x-www-form-urlencoded`, which query strings are (OpenAPI 3.2, Appendix
 * E.2: "`+` as the replacement for the space character"), not a reserved character
 * left in a value.
 */
const RESERVED = /[:/?[\]@!$'()*,;=]/;

/** Whether a raw (still encoded) value holds a reserved character left unencoded. */
export function hasReserved(raw: string): boolean {
  return RESERVED.test(raw);
}
