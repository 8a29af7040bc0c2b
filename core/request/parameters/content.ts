/**
 * `content` parameters: "For more complex scenarios, the content property can define
 * the media type and schema of the parameter." JSON media types are parsed; any
 * other is handed over as the text sent.
 */
import type { PairsOptions, PairsReader } from './form.js';
import { Invalid, type Decode, type StringReader } from './styles.js';

/** JSON media types (`application/json`, `application/problem+json`…) are parsed; any other is kept as text. */
function isJson(mediaType: string): boolean {
  return /^application\/(?:[\w.!#$&^-]+\+)?json\s*(?:;|$)/i.test(mediaType);
}

/** Reads one `content` value (a path segment, a header): decoded, then parsed when JSON. */
export function contentReader(mediaType: string, decode: Decode): StringReader {
  if (!isJson(mediaType)) return decode;
  return (raw) => {
    try {
      return JSON.parse(decode(raw));
    } catch {
      return new Invalid(`is not valid JSON (its content is ${mediaType})`);
    }
  };
}

/** Reads one `content` value from name=value pairs (the query string, the `Cookie` header). */
export function contentPairsReader(mediaType: string, options: PairsOptions): PairsReader {
  const parse = contentReader(mediaType, options.decode);
  return (pairs) => {
    let raw = pairs[options.name];
    if (raw === undefined) return undefined;
    if (typeof raw !== 'string') {
      if (!options.firstWins) return new Invalid('is given more than once');
      raw = raw[0]!;
    }
    if (raw === '' && !options.emptyAllowed) return new Invalid('must not be empty (allowEmptyValue is false)');
    return parse(raw);
  };
}
