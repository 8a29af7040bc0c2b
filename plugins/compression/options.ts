import type { IncomingMessage, ServerResponse } from 'node:http';
import { readOptions } from 'burrowjs';

/** A content coding the plugin can answer with. */
export type Encoding = 'br' | 'gzip' | 'deflate';

/**
 * Decides whether a response is considered for compression, from its headers (`res.getHeader('content-type')`).
 * Asked only for responses the plugin may compress at all (not an event stream, not 204/304,
 * no `Content-Encoding`, no `Cache-Control: no-transform`); it replaces the default test,
 * {@link compressibleType} (a type the mime database marks compressible), which it may call.
 */
export type CompressionFilter = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Options of the `compression` plugin, as the application passes them. */
export interface CompressionOptions {
  /** Responses smaller than this many bytes (by their `Content-Length`) are sent as they are. Default: `1024`. */
  threshold?: number;
  /** The codings answered, most preferred first (it breaks ties between equal q-values). Default: `['br', 'gzip']`. */
  encodings?: Encoding[];
  /** zlib level of gzip and deflate, `-1` (zlib's default, 6) or `0`–`9`. Default: `-1`. */
  level?: number;
  /** Brotli quality, `0`–`11`. Default: `4` (the `compression` package's: fast, close to gzip -9 in size). */
  brotliQuality?: number;
  /** Which responses are considered; default: those whose type is compressible. */
  filter?: CompressionFilter;
}

/** The options after defaults are applied. */
export interface ResolvedCompressionOptions {
  threshold: number;
  encodings: Encoding[];
  level: number;
  brotliQuality: number;
  filter: CompressionFilter | undefined;
}

/** The defaults of {@link CompressionOptions}. */
export const COMPRESSION_DEFAULTS: Readonly<ResolvedCompressionOptions> = Object.freeze({
  threshold: 1024,
  encodings: ['br', 'gzip'] as Encoding[],
  level: -1,
  brotliQuality: 4,
  filter: undefined,
});

const KEYS = ['threshold', 'encodings', 'level', 'brotliQuality', 'filter'] as const;
const ENCODINGS: readonly string[] = ['br', 'gzip', 'deflate'];

const wholeIn = (value: unknown, min: number, max: number) => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/**
 * Checks the options and merges them with the defaults; every problem in one message.
 *
 * @example
 * parseCompressionOptions({ threshold: 2048 }) // { threshold: 2048, encodings: ['br', 'gzip'], level: -1, brotliQuality: 4, filter: undefined }
 */
export function parseCompressionOptions(input: unknown): ResolvedCompressionOptions {
  if (input === undefined) return { ...COMPRESSION_DEFAULTS, encodings: [...COMPRESSION_DEFAULTS.encodings] };
  const { given, problems } = readOptions(input, KEYS);
  const { threshold, encodings, level, brotliQuality, filter } = given;
  if (threshold !== undefined && !wholeIn(threshold, 0, Number.MAX_SAFE_INTEGER)) problems.push(`threshold must be a whole number of bytes (0 or more), got ${JSON.stringify(threshold)}`);
  if (encodings !== undefined) {
    const list = Array.isArray(encodings) ? (encodings as unknown[]) : undefined;
    if (!list || list.length === 0 || list.some((e) => typeof e !== 'string' || !ENCODINGS.includes(e)) || new Set(list).size !== list.length) {
      problems.push(`encodings must be a non-empty list of distinct codings among ${ENCODINGS.map((e) => `"${e}"`).join(', ')}, got ${JSON.stringify(encodings)}`);
    }
  }
  if (level !== undefined && !wholeIn(level, -1, 9)) problems.push(`level must be -1 (zlib's default) or a whole number from 0 to 9, got ${JSON.stringify(level)}`);
  if (brotliQuality !== undefined && !wholeIn(brotliQuality, 0, 11)) problems.push(`brotliQuality must be a whole number from 0 to 11, got ${JSON.stringify(brotliQuality)}`);
  if (filter !== undefined && typeof filter !== 'function') problems.push(`filter must be a function (req, res) => boolean, got ${typeof filter}`);
  if (problems.length) throw new Error(problems.join('; '));
  return {
    threshold: (threshold as number | undefined) ?? COMPRESSION_DEFAULTS.threshold,
    encodings: encodings === undefined ? [...COMPRESSION_DEFAULTS.encodings] : [...(encodings as Encoding[])],
    level: (level as number | undefined) ?? COMPRESSION_DEFAULTS.level,
    brotliQuality: (brotliQuality as number | undefined) ?? COMPRESSION_DEFAULTS.brotliQuality,
    filter: filter as CompressionFilter | undefined,
  };
}
