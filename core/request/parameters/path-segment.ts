/**
 * Where a path parameter's raw text is: the router hands over decoded whole values,
 * but a style's delimiters must be found before decoding, so the readers of path
 * parameters take the segment from the request path as sent.
 */
import { segmentPattern } from '../router.js';

/** Where a path parameter sits in its template. */
export interface SegmentLocation {
  /** Index of its segment in the path (`/a/{id}` → 1), or -1 when the template lacks it. */
  segment: number;
  /** For a partial template (`/{name}.json`): the segment's pattern and the parameter's group. */
  pattern: RegExp | undefined;
  group: number;
}

/** Where a path parameter sits in the template: its segment, and the pattern of a partial one. */
export function locateSegment(segments: string[], name: string): SegmentLocation {
  const whole = `{${name}}`;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment === whole) return { segment: i, pattern: undefined, group: 0 };
    if (!segment.includes(whole)) continue;
    const { regex, names } = segmentPattern(segment);
    // A name given twice in a segment: the router keeps the last match, so does the reader.
    return { segment: i, pattern: regex, group: names.lastIndexOf(name) + 1 };
  }
  return { segment: -1, pattern: undefined, group: 0 };
}

/** The raw (still encoded) text of a path parameter, from the request path the router matched. */
export function rawPathValue(path: string, reader: SegmentLocation): string | undefined {
  if (reader.segment < 0) return undefined;
  let start = 1;
  for (let i = 0; i < reader.segment; i++) {
    const next = path.indexOf('/', start);
    if (next === -1) return undefined;
    start = next + 1;
  }
  const end = path.indexOf('/', start);
  const segment = end === -1 ? path.slice(start) : path.slice(start, end);
  if (!reader.pattern) return segment;
  return reader.pattern.exec(segment)?.[reader.group];
}
