/**
 * `Accept-Encoding` (RFC 9110 §12.5.3) against the codings the plugin answers: the
 * highest q-value wins, the plugin's order breaks ties, `*` stands for every coding the
 * header does not name, `q=0` refuses. Answers are remembered per header value (clients
 * send a handful of distinct values), so a request pays one map lookup.
 */
import type { Encoding } from '../options.js';

const CACHE_SIZE = 256;

/** The negotiator of one plugin instance: the coding to answer with, or `undefined` (identity). */
export function encodingNegotiator(encodings: readonly Encoding[]): (header: string | undefined) => Encoding | undefined {
  const cache = new Map<string, Encoding | null>();
  return (header) => {
    if (!header) return undefined;
    const known = cache.get(header);
    if (known !== undefined) return known ?? undefined;
    const chosen = negotiate(header, encodings);
    if (cache.size >= CACHE_SIZE) cache.clear();
    cache.set(header, chosen ?? null);
    return chosen;
  };
}

/** The coding `header` accepts best among `encodings` (in preference order), or `undefined`. */
export function negotiate(header: string, encodings: readonly Encoding[]): Encoding | undefined {
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [token, ...params] = part.split(';');
    const name = token!.trim().toLowerCase();
    if (!name) continue;
    let value = 1;
    for (const param of params) {
      const [key, raw] = param.split('=');
      if (key?.trim().toLowerCase() !== 'q') continue;
      const parsed = Number(raw?.trim());
      value = Number.isFinite(parsed) && parsed >= 0 && parsed <= 1 ? parsed : 0;
    }
    // The same coding named twice: the first says it (as most parsers do).
    if (!q.has(name)) q.set(name, value);
  }
  const star = q.get('*');
  let best: Encoding | undefined;
  let bestQ = 0;
  for (const encoding of encodings) {
    const value = q.get(encoding) ?? (encoding === 'gzip' ? q.get('x-gzip') : undefined) ?? star ?? 0;
    if (value > bestQ) {
      best = encoding;
      bestQ = value;
    }
  }
  return best;
}
