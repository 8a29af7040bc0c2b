/**
 * The wire of a signed request: the `Authorization: Burrow-Signed …` header, the
 * canonical text the signature covers, and the digest of the body's bytes as they
 * arrive. `client/signed-session.ts` builds the same canonical text (it cannot import
 * this file: it runs in browsers); the signed-session test keeps both in step.
 */
import { createHash, type Hash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestContext } from 'burrowjs';

/** The auth-scheme word of the `Authorization` header (compared case-insensitively). */
export const SIGNED_SCHEME = 'Burrow-Signed';
/** The request header carrying base64url(SHA-256(body bytes)); part of what is signed. */
export const DIGEST_HEADER = 'x-burrow-content-sha256';
/** base64url(SHA-256('')): the digest of a request without a body. */
export const EMPTY_DIGEST = createHash('sha256').digest('base64url');

/** The parameters of a `Burrow-Signed` credential. */
export interface SignedCredential {
  sessionId: string;
  /** The client's clock (ms since epoch), as sent: it is signed as text. */
  ts: string;
  nonce: string;
  /** The HMAC-SHA256, decoded (32 bytes). */
  sig: Buffer;
}

const PATTERNS = {
  sessionId: /^[A-Za-z0-9._~-]{1,128}$/,
  ts: /^[0-9]{1,16}$/,
  nonce: /^[A-Za-z0-9_-]{16,128}$/,
  sig: /^[A-Za-z0-9_-]{43}$/,
} as const;
type Field = keyof typeof PATTERNS;
const PARAM = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"([^"\\]*)"|([^\s",]*))\s*$/;
const DIGEST = /^[A-Za-z0-9_-]{43}$/;
const USUAL = /^sessionId=([A-Za-z0-9._~-]{1,128}), ts=([0-9]{1,16}), nonce=([A-Za-z0-9_-]{16,128}), sig=([A-Za-z0-9_-]{43})$/;

/**
 * Parses the credentials after `Burrow-Signed ` (`sessionId=…, ts=…, nonce=…, sig=…`;
 * values bare or quoted, in any order, unknown parameters ignored). Undefined when one
 * is missing, repeated or not of its form.
 */
export function parseSignedCredential(value: string): SignedCredential | undefined {
  if (value.length > 1024) return undefined;
  // The form clients send (this package's client among them), in one match; any other order or quoting below.
  const usual = USUAL.exec(value);
  if (usual) return { sessionId: usual[1]!, ts: usual[2]!, nonce: usual[3]!, sig: Buffer.from(usual[4]!, 'base64url') };
  const found: Partial<Record<Field, string>> = {};
  for (const part of value.split(',')) {
    const match = PARAM.exec(part);
    if (!match) return undefined;
    const name = match[1] as Field;
    if (!Object.hasOwn(PATTERNS, name)) continue;
    const text = match[2] ?? match[3];
    if (found[name] !== undefined || !PATTERNS[name].test(text)) return undefined;
    found[name] = text;
  }
  const { sessionId, ts, nonce, sig } = found;
  if (sessionId === undefined || ts === undefined || nonce === undefined || sig === undefined) return undefined;
  return { sessionId, ts, nonce, sig: Buffer.from(sig, 'base64url') };
}

/** True when `value` has the form of a body digest (base64url of 32 bytes). */
export const isDigest = (value: string): boolean => DIGEST.test(value);

/**
 * The text a signature covers: `METHOD\npath\nsortedQuery\nts\nnonce\nbodyDigest`.
 * `path` is the path the client sent (mount point included, no query); the query's
 * `&`-separated parts are sorted as raw text (no decoding: both sides sort the same
 * bytes), empty parts dropped.
 */
export function canonicalRequest(method: string, path: string, rawQuery: string, ts: string, nonce: string, digest: string): string {
  return `${method.toUpperCase()}\n${path}\n${sortQuery(rawQuery)}\n${ts}\n${nonce}\n${digest}`;
}

/** The raw query's parts sorted by code unit, empty parts dropped. */
export function sortQuery(rawQuery: string): string {
  if (!rawQuery) return '';
  const parts = rawQuery.split('&').filter((part) => part !== '');
  return parts.length > 1 ? parts.sort().join('&') : (parts[0] ?? '');
}

/** True when the request announces a body (the kernel's own test: a length other than 0, or chunked). */
export function announcesBody(ctx: RequestContext): boolean {
  const length = ctx.headers['content-length'];
  return (length !== undefined && length !== '0') || ctx.headers['transfer-encoding'] !== undefined;
}

/** A running digest of a request body; `finish()` answers base64url(SHA-256) and stops watching. */
export interface BodyTap {
  finish(): string;
}

type Emit = IncomingMessage['emit'];

/**
 * Hashes the body's bytes as the kernel reads them, without reading them itself: for
 * multipart bodies, which the kernel streams and never keeps whole (buffered bodies
 * are checked over `ctx.rawBody`).
 *
 * Why this way: security runs before the kernel reads the body. Listening to `data`
 * here would switch the stream to flowing before the kernel listens and lose chunks;
 * wrapping this one request's `emit` sees every chunk the kernel sees, in order, and
 * changes nothing else. `finish()` puts the request's own `emit` back.
 */
export function tapBody(req: IncomingMessage): BodyTap {
  const hash: Hash = createHash('sha256');
  const target = req as IncomingMessage & { emit: Emit };
  const original = target.emit;
  const own = Object.hasOwn(req, 'emit');
  target.emit = function (this: IncomingMessage, event: string | symbol, ...args: unknown[]) {
    if (event === 'data') {
      const chunk = args[0];
      hash.update(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array));
    }
    return original.call(this, event, ...args);
  } as Emit;
  return {
    finish() {
      if (own) target.emit = original;
      else delete (target as { emit?: Emit }).emit;
      return hash.digest('base64url');
    },
  };
}
