import type { RequestContext } from './context.js';
import type { CompiledOperation } from './operation.js';
import { coreError } from '../errors/burrow-error.js';
import { compareSpecificity, isJsonMediaType, parseMediaType, rangeMatches, rangesOverlap, splitOutsideQuotes, type MediaRange } from './media-type.js';

/** One media range of an `Accept` header, with its weight. */
export interface AcceptRange extends MediaRange {
  readonly q: number;
}

const acceptCache = new Map<string, readonly AcceptRange[]>();
const ACCEPT_CACHE_SIZE = 256;

/**
 * The ranges of an `Accept` header, parsed once per distinct value. Parameters after
 * `q` are accept extensions and dropped; a malformed range is skipped, and a header
 * with no well-formed range constrains nothing (empty list).
 */
export function parseAccept(header: string): readonly AcceptRange[] {
  let ranges = acceptCache.get(header);
  if (ranges === undefined) {
    if (acceptCache.size >= ACCEPT_CACHE_SIZE) acceptCache.clear();
    const parsed: AcceptRange[] = [];
    for (const item of splitOutsideQuotes(header, ',')) {
      if (item.trim() === '') continue;
      const qAt = item.search(/;\s*q\s*=/i);
      const range = parseMediaType(qAt === -1 ? item : item.slice(0, qAt));
      if (!range) continue;
      let q = 1;
      if (qAt !== -1) {
        const weight = /^;\s*q\s*=\s*([0-9.]+)/i.exec(item.slice(qAt));
        q = weight ? Number(weight[1]) : NaN;
        if (!(q >= 0 && q <= 1)) continue;
      }
      parsed.push({ ...range, q });
    }
    acceptCache.set(header, (ranges = parsed));
  }
  return ranges;
}

/**
 * The weight the client gives a media type: that of the most specific range that
 * matches it (RFC 9110 §12.5.1: "Media ranges can be overridden by more specific media
 * ranges or specific media types"); 0 when none does.
 */
export function weightOf(accept: readonly AcceptRange[], type: MediaRange): number {
  let best: AcceptRange | undefined;
  for (const range of accept) {
    if (!rangeMatches(range, type)) continue;
    if (!best || compareSpecificity(range, best) < 0) best = range;
  }
  return best ? best.q : 0;
}

/** How much the client wants something under a content key: a type by its weight, a range by the best type it could be narrowed to. */
function keyWeight(accept: readonly AcceptRange[], key: MediaRange): number {
  if (key.level === 2) return weightOf(accept, key);
  let q = 0;
  for (const range of accept) if (range.q > q && rangesOverlap(range, key)) q = range.q;
  return q;
}

/**
 * Answers 406 when the `Accept` header allows none of the operation's response media
 * types. Response keys may be ranges (`*\/*`, `application/*`): a range is acceptable
 * when the client accepts some type inside it.
 */
export function checkAcceptable(ctx: RequestContext, op: CompiledOperation): void {
  const header = ctx.headers.accept;
  if (!header || header === '*/*' || op.responseRanges.length === 0) return;
  const accept = parseAccept(header);
  if (accept.length === 0) return;
  for (const key of op.responseRanges) if (keyWeight(accept, key) > 0) return;
  throw coreError('BURROW_ERR_REQUEST_NOT_ACCEPTABLE', { operationId: op.id, available: op.responseMediaTypes.join(', ') });
}

/** The media type a reply is sent as, and the content key of its status it falls under. */
export interface ReplyMediaType<K extends { range: MediaRange }> {
  key: K;
  /** The media type sent; `undefined` when a range key cannot be narrowed (the handler must set `content-type`). */
  type: MediaRange | undefined;
}

const FALLBACKS = {
  json: parseMediaType('application/json')!,
  text: parseMediaType('text/plain')!,
  bytes: parseMediaType('application/octet-stream')!,
};

/**
 * Chooses what a reply is sent as among the content keys its status declares: the key
 * the client weighs highest (ties: the contract's order, its own preference), or the
 * first key when the client accepts none (RFC 9110 §12.5.1 lets a server disregard
 * `Accept` rather than answer 406). A range key is narrowed to a type: for a JSON value,
 * JSON when acceptable; else the type the client weighs highest inside the range; else
 * the type the body is (bytes, text, JSON).
 */
export function chooseReplyMediaType<K extends { range: MediaRange }>(keys: readonly K[], header: string | undefined, body: unknown): ReplyMediaType<K> {
  const accept = header && header !== '*/*' ? parseAccept(header) : undefined;
  let key = keys[0]!;
  if (accept?.length && keys.length > 1) {
    let best = 0;
    for (const candidate of keys) {
      const q = keyWeight(accept, candidate.range);
      if (q > best) [best, key] = [q, candidate];
    }
  }
  if (key.range.level === 2) return { key, type: key.range };
  return { key, type: narrow(key.range, accept?.length ? accept : undefined, body) };
}

function narrow(range: MediaRange, accept: readonly AcceptRange[] | undefined, body: unknown): MediaRange | undefined {
  const natural = Buffer.isBuffer(body) ? FALLBACKS.bytes : typeof body === 'string' ? FALLBACKS.text : FALLBACKS.json;
  const allowed = (type: MediaRange) => rangeMatches(range, type) && (!accept || weightOf(accept, type) > 0);
  // Only JSON can represent a value that is not text or bytes.
  if (natural === FALLBACKS.json && allowed(FALLBACKS.json)) return FALLBACKS.json;
  if (accept) {
    let best: AcceptRange | undefined;
    for (const candidate of accept) {
      if (candidate.level !== 2 || candidate.q === 0 || !rangeMatches(range, candidate)) continue;
      if (weightOf(accept, candidate) !== candidate.q) continue;
      if (!best || candidate.q > best.q) best = candidate;
    }
    if (best) return best;
  }
  for (const type of [natural, FALLBACKS.json, FALLBACKS.text, FALLBACKS.bytes]) if (allowed(type)) return type;
  return undefined;
}

/** Is this media type sent as JSON (a value serialised with `JSON.stringify`)? */
export function sendsJson(type: MediaRange | undefined): boolean {
  return type !== undefined && isJsonMediaType(type.essence);
}
