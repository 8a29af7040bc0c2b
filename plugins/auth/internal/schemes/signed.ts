/**
 * The signed-session scheme, modelled on mORMot's default authentication
 * (`TRestServerAuthenticationDefault`) with HMAC-SHA256, a per-user salt and scrypt.
 *
 * Protocol (the contract: `type: http, scheme: Burrow-Signed`):
 *
 * 1. `POST {basePath}/signed/challenge` `{ username }` → 200
 *    `{ nonce, salt, params: { algorithm: 'scrypt', N, r, p, keyLength } }`: a single-use
 *    server nonce (32 random bytes, base64url, valid `challengeTtl`, default 5 min) and
 *    the salt and parameters of the user's stored scrypt hash. An unknown name gets a
 *    salt made from the name with a server secret: the same on every call, so the answer
 *    does not tell whether the user exists.
 * 2. The client derives `K = scrypt(NFC(password), salt, N, r, p, keyLength)` (the bytes of
 *    the stored hash) and sends `POST {basePath}/signed/login`
 *    `{ username, nonce, clientNonce, proof }` with
 *    `proof = base64url(HMAC-SHA256(K, "${nonce}.${clientNonce}.${username}"))`. The
 *    password never travels. A nonce unknown, used, expired or asked for another name
 *    → 401 BURROW_ERR_AUTH_CHALLENGE_INVALID; a wrong proof or an unknown user → 401
 *    BURROW_ERR_AUTH_LOGIN_FAILED (the same answer); repeated failures → 429 with
 *    `Retry-After`. Success → 200 `{ sessionId, key, expiresIn, serverTime }`: `key` is
 *    the session's HMAC key (32 random bytes, base64url), sent in this answer only.
 * 3. Every later request carries
 *    `Authorization: Burrow-Signed sessionId=<id>, ts=<ms>, nonce=<random>, sig=<sig>`
 *    and, when it has a body, `X-Burrow-Content-SHA256: base64url(SHA-256(body bytes))`.
 *    `sig = base64url(HMAC-SHA256(key, METHOD\npath\nsortedQuery\nts\nnonce\ndigest))`:
 *    `path` as sent (mount point included), the raw query's `&` parts sorted,
 *    `digest` the header's value (that of no bytes when there is no body). The server
 *    answers 401 with the reason `missing`, `malformed`, `stale-timestamp` (`ts` more than
 *    `window` seconds from its clock), `session-ended`, `bad-signature` (the signature,
 *    or the body's bytes against the signed digest), `replayed` (a nonce seen within
 *    twice the window).
 *
 * The stored scrypt hash is what a client proves it knows: like mORMot's, whoever
 * reads the user table can log in as anyone in it. Keep that table as secret as the
 * passwords it replaces.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { allow, coreError, deny, type RequestContext, type VerifyResult } from 'burrowjs';
import { authorizationValue } from '../credentials.js';
import type { SchemeEnv, SchemeKind, SchemeRuntime } from '../types.js';
import { SIGNED_OPERATIONS, signedPathItems, signedSchemas } from './signed-contract.js';
import { createLoginHandlers } from './signed-login.js';
import {
  announcesBody, canonicalRequest, DIGEST_HEADER, EMPTY_DIGEST, isDigest, parseSignedCredential, SIGNED_SCHEME, tapBody, type BodyTap,
} from './signed-request.js';

/** Options of {@link signed}. */
export interface SignedOptions {
  /**
   * How far (seconds) a request's `ts` may be from the server clock; a nonce is
   * remembered for twice as long, so a replay is refused either way. Default 30.
   */
  window?: number;
  /** How long a login challenge is valid, in seconds. Default 300. */
  challengeTtl?: number;
  /**
   * Keys the salt made up for unknown names. Give the same value to every instance
   * (and across restarts), or an unknown name's salt changes where a real one does
   * not. Default: random per process.
   */
  secret?: string | Uint8Array;
}

/**
 * The signed-session scheme (`type: http, scheme: Burrow-Signed`): a challenge-response
 * login in which the password never travels, then every request signed with the
 * session's key (HMAC-SHA256 over method, path, query, timestamp, nonce and body
 * digest) within a replay window. Contributes `authSignedChallenge` and
 * `authSignedLogin`. Use `createSignedSession` from `burrowjs/client/signed-session`
 * on the client.
 *
 * @example
 * // components.securitySchemes: { signedAuth: { type: http, scheme: Burrow-Signed } }
 * auth({ schemes: { signedAuth: signed({ window: 30, secret: process.env.SIGNED_SECRET }) }, users })
 */
export function signed(options: SignedOptions = {}): SchemeKind {
  const window = options.window ?? 30;
  const challengeTtl = options.challengeTtl ?? 300;
  if (!(Number.isFinite(window) && window > 0) || !(Number.isFinite(challengeTtl) && challengeTtl > 0)) {
    throw new TypeError('signed(): window and challengeTtl must be positive numbers of seconds');
  }
  const secret = options.secret === undefined ? randomBytes(32) : Buffer.from(options.secret);
  if (secret.length < 16) throw new TypeError('signed(): secret must hold at least 16 bytes');

  return {
    kind: 'signed',
    setup(env: SchemeEnv): SchemeRuntime {
      if (options.secret === undefined && env.sessions.kind !== 'memory') {
        // Shared sessions mean several instances: each would answer an unknown name with its own fake salt.
        env.logger.warn(`auth: signed() for ${env.name} has no \`secret\`: with several instances, set the same one on each, or an unknown user name shows by its salt changing between them`);
      }
      const handlers = createLoginHandlers(env, { challengeTtl: challengeTtl * 1000, secret });
      const verifier = createVerifier(env, window * 1000);
      return {
        verify: verifier.verify,
        preHandler: verifier.checkBody,
        operations: {
          paths: signedPathItems(env.basePath, env.name),
          schemas: signedSchemas,
          handlers: { [SIGNED_OPERATIONS.challenge]: handlers.challenge, [SIGNED_OPERATIONS.login]: handlers.login },
        },
      };
    },
  };
}

/** Longest time (ms) between two touches of a session (at most a tenth of its idle timeout). */
const TOUCH_EVERY = 5_000;

function createVerifier(env: SchemeEnv, windowMs: number) {
  // Bodies whose signed digest is checked once the kernel has read them: over ctx.rawBody, or
  // for a multipart body (streamed, never buffered whole) over the bytes tapped as they pass.
  const pending = new WeakMap<RequestContext, { claimed: string; tap: BodyTap | undefined }>();

  async function verify(ctx: RequestContext): Promise<VerifyResult> {
    const value = authorizationValue(ctx, SIGNED_SCHEME);
    if (value === undefined) {
      const bare = String(ctx.headers.authorization ?? '').trim().toLowerCase() === SIGNED_SCHEME.toLowerCase();
      return bare ? deny('the Burrow-Signed credentials are empty', 'malformed') : deny('no signed-session credentials', 'missing');
    }
    const credential = parseSignedCredential(value);
    if (!credential || credential.sig.length !== 32) {
      return deny('the Burrow-Signed credentials are not sessionId=…, ts=…, nonce=…, sig=…', 'malformed');
    }
    const hasBody = announcesBody(ctx);
    const header = ctx.headers[DIGEST_HEADER];
    if (header !== undefined && (typeof header !== 'string' || !isDigest(header))) {
      return deny(`${DIGEST_HEADER} is not base64url(SHA-256)`, 'malformed');
    }
    if (header === undefined && hasBody) return deny(`a request with a body must carry ${DIGEST_HEADER}`, 'malformed');
    const digest = header ?? EMPTY_DIGEST;
    if (!hasBody && digest !== EMPTY_DIGEST) return deny('the body does not match its signed digest', 'bad-signature');

    const now = Date.now();
    if (Math.abs(now - Number(credential.ts)) > windowMs) return deny('the request time is too far from the server clock', 'stale-timestamp');
    const session = await env.sessions.get(credential.sessionId);
    if (!session?.key) return deny('the session has ended', 'session-ended');

    const canonical = canonicalRequest(ctx.method, ctx.instance, ctx.rawQuery, credential.ts, credential.nonce, digest);
    const expected = createHmac('sha256', Buffer.from(session.key, 'base64url')).update(canonical).digest();
    if (!timingSafeEqual(credential.sig, expected)) return deny('the signature does not match the request', 'bad-signature');
    if (!(await env.sessions.claimOnce(`signed-sig:${session.id}:${credential.nonce}`, 2 * windowMs))) {
      return deny('this request was received already', 'replayed');
    }
    // Sliding idle timeout, touched at most every few seconds: with Redis that spares a round trip on most requests.
    if (now - session.lastSeenAt >= Math.min(TOUCH_EVERY, session.timeout * 100)) await env.sessions.touch(session.id, now);
    if (hasBody) pending.set(ctx, { claimed: digest, tap: isMultipart(ctx) ? tapBody(ctx.req) : undefined });
    const user = { id: session.userId, name: session.userName, groups: session.groups, passwordHash: null };
    return allow(env.principalOf(user, { sessionId: session.id }));
  }

  /** preHandler: the body read by the kernel must be the one whose digest was signed. */
  function checkBody(ctx: RequestContext): void {
    const entry = pending.get(ctx);
    if (!entry) return;
    pending.delete(ctx);
    const actual = entry.tap ? entry.tap.finish() : createHash('sha256').update(ctx.rawBody ?? EMPTY).digest('base64url');
    // Another requirement (OR) may have let the request in: then this scheme vouches for nothing.
    if (!(env.name in ctx.auth)) return;
    if (!timingSafeEqual(Buffer.from(actual), Buffer.from(entry.claimed))) {
      throw coreError('BURROW_ERR_AUTH_UNAUTHENTICATED', { reasons: `${env.name}: the body does not match its signed digest` }, {
        headers: { 'www-authenticate': `${SIGNED_SCHEME} realm="${env.name}"` },
        extensions: { schemes: [env.name], failures: [{ scheme: env.name, reason: 'bad-signature' }] },
      });
    }
  }

  return { verify, checkBody };
}

const EMPTY = Buffer.alloc(0);
const isMultipart = (ctx: RequestContext) => String(ctx.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/');
