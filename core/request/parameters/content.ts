/**
 * `content` parameters: "For more complex scenarios, the content property can define
 * the media type and schema of the parameter." JSON media types are parsed; any
 * other is handed over as the text sent.
 */
import { isJsonMediaType, parseMediaType } from '../media-type.js';
import { singleRawValue, type PairsOptions, type PairsReader } from './form.js';
import { Invalid, type Decode, type StringReader } from './styles.js';

/** Reads one `content` value (a path segment, a header): decoded, then parsed when JSON. */
export function contentReader(mediaType: string, decode: Decode): StringReader {
  const range = parseMediaType(mediaType);
  if (!range || !isJsonMediaType(range.essence)) return decode;
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
    const raw = singleRawValue(pairs, options);
    return raw === undefined || raw instanceof Invalid ? raw : parse(raw);
  };
}
