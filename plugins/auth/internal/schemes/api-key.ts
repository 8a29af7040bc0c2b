/**
 * API keys, stored hashed: only `sha256:<base64url digest>` of each key is kept,
 * so a leaked configuration or database does not leak usable keys. A presented key
 * is hashed, found by its digest, and the digests compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { allow, deny, type RequestContext, type VerifyResult } from 'burrowjs';
import { readCredential } from '../credentials.js';
import type { Principal, SchemeEnv, SchemeKind, SchemeRuntime } from '../types.js';

/** One API key as the server keeps it: its hash (never the key) and who it stands for. */
export interface ApiKeyRecord {
  /** `hashApiKey(key)`: `sha256:` and the base64url SHA-256 of the key. */
  hash: string;
  /** The principal's name (the client or service the key was issued to). */
  name: string;
  /** The principal's id. Default: `name`. */
  id?: string;
  /** Groups whose rights apply. Default: none. */
  groups?: string[];
  /** Scopes granted. Default: none. */
  scopes?: string[];
  /** A revoked key: refused like an unknown one. */
  disabled?: boolean;
}

/** Options of {@link apiKey}. */
export interface ApiKeyOptions {
  /** Keys known up front (configuration). */
  keys?: ApiKeyRecord[];
  /** Finds a key by its hash when `keys` does not hold it (a database table). */
  lookup?: (hash: string) => Promise<ApiKeyRecord | undefined>;
}

const HASH = /^sha256:[A-Za-z0-9_-]{43}$/;
const MAX_KEY_LENGTH = 1024;
/**
 * The lockout account API-key failures count under. A key names no account, and a
 * shared label would let anyone lock every client out, so only the address counts:
 * the lockout treats the empty account as "address only".
 */
export const API_KEY_ACCOUNT = '';

/**
 * The `apiKey` security scheme (or `http` bearer with opaque keys): the key is read
 * where the scheme object says (header, query parameter or cookie), hashed, and
 * matched against `keys`, then `lookup`. Failures count against the caller's
 * address in the lockout. Reasons: `missing`, `malformed`, `invalid`.
 *
 * @example
 * // once: const key = generateApiKey(); give it to the client; keep hashApiKey(key)
 * auth({ schemes: { keyAuth: apiKey({ keys: [{ name: 'billing', hash: process.env.BILLING_KEY_HASH!, scopes: ['invoices:read'] }] }) } })
 */
export function apiKey(options: ApiKeyOptions): SchemeKind {
  const known = new Map<string, ApiKeyRecord>();
  for (const record of options.keys ?? []) {
    if (!HASH.test(record.hash)) throw new TypeError(`apiKey(): the key "${record.name}" has no valid hash; store hashApiKey(key), never the key`);
    if (known.has(record.hash)) throw new TypeError(`apiKey(): the key "${record.name}" is given twice`);
    known.set(record.hash, record);
  }
  if (!known.size && !options.lookup) throw new TypeError('apiKey(): give `keys`, `lookup`, or both');
  return {
    kind: 'api-key',
    setup(env: SchemeEnv): SchemeRuntime {
      return { verify: (ctx) => verifyKey(env, known, options.lookup, ctx) };
    },
  };
}

async function verifyKey(
  env: SchemeEnv,
  known: Map<string, ApiKeyRecord>,
  lookup: ApiKeyOptions['lookup'],
  ctx: RequestContext,
): Promise<VerifyResult> {
  const key = readCredential(ctx, env.definition);
  if (key === undefined) return deny('no credentials', 'missing');
  if (key.length > MAX_KEY_LENGTH) return deny('the API key is too long', 'malformed');
  await env.lockout.check(ctx, API_KEY_ACCOUNT);
  const digest = sha256(key);
  const hash = `sha256:${digest.toString('base64url')}`;
  const record = known.get(hash) ?? (lookup ? await lookup(hash) : undefined);
  // The map is keyed by the digest; comparing the digests again in constant time keeps
  // a lookup that matched loosely (a database collation, a custom `lookup`) from granting access.
  const matches = record !== undefined && HASH.test(record.hash) && timingSafeEqual(Buffer.from(record.hash.slice(7), 'base64url'), digest);
  if (!record || !matches || record.disabled) {
    await env.lockout.fail(ctx, API_KEY_ACCOUNT);
    return deny('the API key is not valid', 'invalid');
  }
  const principal: Principal = {
    id: record.id ?? record.name,
    name: record.name,
    groups: [...(record.groups ?? [])],
    scheme: env.name,
    scopes: [...(record.scopes ?? [])],
  };
  return allow(principal);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * The hash of an API key as {@link apiKey} stores it: `sha256:` and the base64url
 * SHA-256 of the key. (A fast hash is right here: keys are 256-bit random, not guessable passwords.)
 *
 * @example
 * hashApiKey('bk_…') // 'sha256:3q2-…'
 */
export function hashApiKey(key: string): string {
  return `sha256:${sha256(key).toString('base64url')}`;
}

/**
 * A new API key: `bk_` and 32 random bytes in base64url (256 bits). Give it to the
 * client once; keep only {@link hashApiKey} of it.
 *
 * @example
 * const key = generateApiKey()   // 'bk_Q2x…' (46 characters)
 */
export function generateApiKey(): string {
  return `bk_${randomBytes(32).toString('base64url')}`;
}
