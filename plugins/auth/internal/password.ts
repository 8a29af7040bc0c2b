/**
 * Password hashing with scrypt (node:crypto), as a PHC-like string:
 * `scrypt$N$r$p$<salt base64url>$<hash base64url>`. The parameters travel with
 * each hash, so they can be raised later without breaking the hashes already stored.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Passwords } from './types.js';

/** The cost parameters of new hashes. */
export interface PasswordOptions {
  /** CPU/memory cost, a power of two. Default 2^15 (32 MiB with r = 8). */
  N?: number;
  /** Block size. Default 8. */
  r?: number;
  /** Parallelism. Default 1. */
  p?: number;
  /** Derived key length in bytes: 32 (default) or 64. */
  keyLength?: 32 | 64;
}

interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

const SALT_BYTES = 16;
const MIN_MAXMEM = 64 * 1024 * 1024;
// Parameters read from a stored hash are bounded: a tampered row must not make one login cost gigabytes.
const MAX_LOG2_N = 20;
const MAX_R = 32;
const MAX_P = 16;
// The salt an unknown user's login is checked against: the work is the same, the answer always false.
const DUMMY_SALT = Buffer.alloc(SALT_BYTES, 0x5a);

/**
 * Creates the password hasher a {@link SchemeEnv} carries.
 *
 * `verify(null, password)` (an unknown user, a user without a password) and
 * `verify('garbage', password)` spend one scrypt like a real check and answer false,
 * so the time of a failed login does not tell whether the user exists.
 *
 * @example
 * const passwords = createPasswords()
 * const stored = await passwords.hash('s3cret')           // 'scrypt$32768$8$1$…$…'
 * await passwords.verify(stored, 's3cret')                // true
 */
export function createPasswords(options: PasswordOptions = {}): Passwords {
  const params: ScryptParams = { N: options.N ?? 2 ** 15, r: options.r ?? 8, p: options.p ?? 1 };
  const keyLength = options.keyLength ?? 32;
  if (!validParams(params) || (keyLength !== 32 && keyLength !== 64)) {
    throw new TypeError('createPasswords: N must be a power of two in [2, 2^20], r in [1, 32], p in [1, 16], keyLength 32 or 64');
  }

  return {
    async hash(password: string): Promise<string> {
      const salt = randomBytes(SALT_BYTES);
      const key = await derive(password, salt, keyLength, params);
      return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
    },

    async verify(hash: string | null, password: string): Promise<boolean> {
      const parsed = hash === null ? undefined : parseHash(hash);
      if (!parsed) {
        await derive(password, DUMMY_SALT, keyLength, params);
        return false;
      }
      const key = await derive(password, parsed.salt, parsed.expected.length, parsed.params);
      return timingSafeEqual(key, parsed.expected);
    },
  };
}

/**
 * Hashes a password with the default parameters: what `memoryUsers` and the admin
 * seed store as `passwordHash`.
 *
 * @example
 * memoryUsers([{ name: 'ada', passwordHash: await hashPassword('s3cret'), groups: ['admin'] }])
 */
export function hashPassword(password: string): Promise<string> {
  return defaultPasswords().hash(password);
}

let shared: Passwords | undefined;
function defaultPasswords(): Passwords {
  shared ??= createPasswords();
  return shared;
}

function parseHash(hash: string): { params: ScryptParams; salt: Buffer; expected: Buffer } | undefined {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((part) => (/^[0-9]{1,8}$/.test(part) ? Number(part) : NaN));
  const params = { N, r, p };
  if (!validParams(params)) return undefined;
  if (!/^[A-Za-z0-9_-]+$/.test(parts[4]) || !/^[A-Za-z0-9_-]+$/.test(parts[5])) return undefined;
  const salt = Buffer.from(parts[4], 'base64url');
  const expected = Buffer.from(parts[5], 'base64url');
  if (salt.length < 8 || expected.length < 16 || expected.length > 128) return undefined;
  return { params, salt, expected };
}

function validParams({ N, r, p }: ScryptParams): boolean {
  return (
    Number.isInteger(N) && N >= 2 && N <= 2 ** MAX_LOG2_N && (N & (N - 1)) === 0 &&
    Number.isInteger(r) && r >= 1 && r <= MAX_R &&
    Number.isInteger(p) && p >= 1 && p <= MAX_P
  );
}

function derive(password: string, salt: Buffer, keyLength: number, { N, r, p }: ScryptParams): Promise<Buffer> {
  // Passwords are compared as NFC text (RFC 8265 OpaqueString), so a composed and a decomposed é match.
  // scrypt needs 128·N·r bytes; node's default maxmem (32 MiB) is just short of N = 2^15, r = 8.
  const options: ScryptOptions = { N, r, p, maxmem: Math.max(MIN_MAXMEM, 2 * 128 * N * r) };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}
