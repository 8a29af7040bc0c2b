/**
 * The two steps of a signed-session login: the challenge (a nonce, and the salt and
 * scrypt parameters of the user's hash) and the proof that opens a session. The
 * server never sees the password: it checks an HMAC keyed by the stored scrypt hash.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RawHandler, RequestContext } from 'burrowjs';
import { authErrors } from '../errors.js';
import type { SchemeEnv, UserRecord } from '../types.js';

/** The scrypt parameters a client derives its key with. */
export interface ScryptParams {
  algorithm: 'scrypt';
  N: number;
  r: number;
  p: number;
  keyLength: number;
}

interface StoredHash {
  params: ScryptParams;
  salt: string;
  hash: Buffer;
}

/** What the login steps need beyond the scheme's environment. */
export interface LoginSettings {
  /** Lifetime of a challenge, in ms. */
  challengeTtl: number;
  /** Keys the made-up salt of unknown names. */
  secret: Buffer;
}

const NONCE_PREFIX = 'signed-nonce:';
const NO_STORE = { 'cache-control': 'no-store' };

/** Creates the handlers of `authSignedChallenge` and `authSignedLogin`. */
export function createLoginHandlers(env: SchemeEnv, settings: LoginSettings): { challenge: RawHandler; login: RawHandler } {
  // The parameters an unknown name is answered with: those of a hash made here, so they
  // match the users' own (a hash costs one scrypt, spent once, on first need).
  let fakeParams: Promise<ScryptParams> | undefined;
  const unknownParams = () =>
    (fakeParams ??= env.passwords.hash(randomBytes(16).toString('base64url')).then((hash) => {
      const parsed = parseStoredHash(hash);
      if (!parsed) throw new TypeError('signed(): the password hasher does not make scrypt$N$r$p$salt$hash strings');
      return parsed.params;
    }));
  const derived = (label: string, name: string, length: number) =>
    createHmac('sha256', settings.secret).update(`${label}\0${name}`).digest().subarray(0, length);

  async function challenge(ctx: RequestContext) {
    const { username } = ctx.body as { username: string };
    const user = await env.users.findByName(username);
    const stored = parseStoredHash(user?.passwordHash ?? null);
    // A disabled user keeps its real salt: switching to a made-up one would tell it changed.
    const answer = stored
      ? { salt: stored.salt, params: stored.params }
      : { salt: derived('salt', username, 16).toString('base64url'), params: await unknownParams() };
    const nonce = randomBytes(32).toString('base64url');
    await env.sessions.putTemporary(NONCE_PREFIX + nonce, username, settings.challengeTtl);
    return { status: 200, headers: NO_STORE, body: { nonce, ...answer } };
  }

  async function login(ctx: RequestContext) {
    const { username, nonce, clientNonce, proof } = ctx.body as { username: string; nonce: string; clientNonce: string; proof: string };
    const owner = await env.sessions.takeTemporary(NONCE_PREFIX + nonce);
    if (owner === undefined || owner !== username) throw authErrors.create('BURROW_ERR_AUTH_CHALLENGE_INVALID');
    await env.lockout.check(ctx, username);

    const user = await env.users.findByName(username);
    const stored = parseStoredHash(user?.passwordHash ?? null);
    // An unknown name costs the same HMAC and comparison as a known one.
    const key = stored?.hash ?? derived('key', username, 32);
    const expected = createHmac('sha256', key).update(`${nonce}.${clientNonce}.${username}`).digest();
    const given = Buffer.from(proof, 'base64url');
    const matches = given.length === expected.length && timingSafeEqual(given, expected);
    if (!matches || !stored || !user || user.disabled) {
      await env.lockout.fail(ctx, username);
      throw authErrors.create('BURROW_ERR_AUTH_LOGIN_FAILED');
    }
    await env.lockout.succeed(ctx, username);
    return openSigned(env, ctx, user);
  }

  return { challenge, login };
}

async function openSigned(env: SchemeEnv, ctx: RequestContext, user: UserRecord) {
  const key = randomBytes(32).toString('base64url');
  const { session } = await env.openSession(ctx, user, { key });
  // The key travels in this answer only; the opaque token of the session is not handed out.
  return {
    status: 200,
    headers: NO_STORE,
    body: { sessionId: session.id, key, expiresIn: session.timeout, serverTime: Date.now() },
  };
}

/**
 * The parts of a `scrypt$N$r$p$salt$hash` string (see `password.ts`), or undefined
 * for null or anything else. The bounds are password.ts's: a hash it would refuse is
 * answered like an unknown user.
 */
export function parseStoredHash(hash: string | null): StoredHash | undefined {
  if (hash === null) return undefined;
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((part) => (/^[0-9]{1,8}$/.test(part) ? Number(part) : NaN));
  if (!(N >= 2 && N <= 2 ** 20 && (N & (N - 1)) === 0 && r >= 1 && r <= 32 && p >= 1 && p <= 16)) return undefined;
  if (!/^[A-Za-z0-9_-]+$/.test(parts[4]) || !/^[A-Za-z0-9_-]+$/.test(parts[5])) return undefined;
  const hashBytes = Buffer.from(parts[5], 'base64url');
  if (Buffer.from(parts[4], 'base64url').length < 8 || hashBytes.length < 16 || hashBytes.length > 128) return undefined;
  return { params: { algorithm: 'scrypt', N, r, p, keyLength: hashBytes.length }, salt: parts[4], hash: hashBytes };
}
