import { addPair, type RawQuery } from './query-string.js';

/**
 * Splits a `Cookie` header (`a=1; b=2`) into names and raw values: values keep their
 * percent-encoding (the reader decides), lose the double quotes RFC 6265 allows
 * around them, and a name sent more than once (cookies of several paths) keeps
 * every value, most specific first.
 */
export function splitCookies(header: string): RawQuery {
  const pairs: RawQuery = Object.create(null);
  const end = header.length;
  let start = 0;
  while (start < end) {
    let semicolon = header.indexOf(';', start);
    if (semicolon === -1) semicolon = end;
    const eq = header.indexOf('=', start);
    if (eq !== -1 && eq < semicolon) {
      const name = header.slice(start, eq).trim();
      let value = header.slice(eq + 1, semicolon).trim();
      if (value.length > 1 && value.charCodeAt(0) === 34 && value.charCodeAt(value.length - 1) === 34) value = value.slice(1, -1);
      if (name !== '') addPair(pairs, name, value);
    }
    start = semicolon + 1;
  }
  return pairs;
}
