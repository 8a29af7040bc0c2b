/**
 * Bearer JSON Web Tokens (RFC 7519) checked with jose: a shared secret (HS*), a
 * public key (RS*, PS*, ES*, EdDSA), a local key set, or a remote JWKS. jose's
 * errors are translated here, once, by their `code`, into the stable reasons.
 */
import { KeyObject, createPublicKey, createSecretKey, type JsonWebKey } from 'node:crypto';
import { allow, deny, type RequestContext, type VerifyResult } from 'burrowjs';
import { createLocalJWKSet, createRemoteJWKSet, customFetch, jwtVerify, type JWK, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { readCredential } from '../credentials.js';
import { TokenCache } from '../token-cache.js';
import { authErrors } from '../errors.js';
import type { Principal, SchemeEnv, SchemeKind, SchemeRuntime } from '../types.js';

/** Options of {@link jwt}. Give exactly one of `secret`, `publicKey`, `keys`, `jwksUrl`. */
export interface JwtOptions {
  /** HMAC secret (HS256/384/512). At least 32 bytes. */
  secret?: string | Uint8Array;
  /** A public key: PEM (SPKI or certificate), a KeyObject or CryptoKey, or a public JWK. */
  publicKey?: string | KeyObject | CryptoKey | JWK;
  /** A local key set (public keys, or `oct` secrets), chosen by the token's `kid`. */
  keys?: JWK[];
  /** A JWKS endpoint: fetched on first use, cached, fetched again for an unknown `kid` (at most once per `jwksCooldown`). */
  jwksUrl?: string;
  /** Seconds between two fetches of the JWKS for unknown `kid`s. Default 30. */
  jwksCooldown?: number;
  /** Seconds the fetched JWKS is used before it is fetched again. Default 600. */
  jwksMaxAge?: number;
  /** Milliseconds a JWKS fetch may take (then 503). Default 5000. */
  jwksTimeout?: number;
  /** Accepted `alg` values. Default: inferred from the key (HS* for a secret; RS/PS/ES/EdDSA for public keys). `none` is never accepted. */
  algorithms?: string[];
  /** Required `iss` (one or any of several). */
  issuer?: string | string[];
  /** Required `aud` (one or any of several). */
  audience?: string | string[];
  /** Leeway in seconds for `exp` and `nbf`. Default 5. */
  clockTolerance?: number;
  /** Claims that must be present. */
  requiredClaims?: string[];
  /** Which claims make the principal. Defaults: `sub`; `preferred_username` else `sub`; `groups` else `roles`; `scope` else `scp`. */
  claims?: { id?: string; name?: string; groups?: string; scopes?: string };
  /** `claims` (default): the principal comes from the token. `lookup`: the user store is asked for the user whose id is the token's id claim (groups from the store; unknown or disabled → 401). */
  user?: 'claims' | 'lookup';
  /**
   * Verified tokens kept so that a client reusing its token is not checked again on
   * every request: `{ max: 10000, ttl: 60 }` (seconds; never beyond the token's `exp`).
   * `false` checks every request. Not used with `user: 'lookup'` (the store decides each time).
   */
  cache?: { max?: number; ttl?: number } | false;
}

const HMAC = ['HS256', 'HS384', 'HS512'];
const RSA = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const ASYMMETRIC = [...RSA, 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
const CURVES: Record<string, string> = { prime256v1: 'ES256', 'P-256': 'ES256', secp384r1: 'ES384', 'P-384': 'ES384', secp521r1: 'ES512', 'P-521': 'ES512' };

/** Raised by the JWKS fetch when the endpoint cannot be used: answered 503, never 401. */
class JwksUnavailable extends Error {}

/**
 * A bearer-token security scheme verifying JWTs. The token is read where the
 * scheme object says (`Authorization: Bearer` for `http`/`bearer`). Reasons:
 * `missing`, `malformed`, `expired`, `not-yet-valid`, `bad-signature`,
 * `unknown-key`, `wrong-audience`, `wrong-issuer`, `invalid`. A JWKS endpoint that
 * cannot be reached answers 503 (BURROW_ERR_AUTH_STORE_UNAVAILABLE, store `JWKS`).
 *
 * @example
 * auth({ schemes: { bearerAuth: jwt({ jwksUrl: 'https://id.example.com/.well-known/jwks.json', issuer: 'https://id.example.com/', audience: 'api' }) } })
 */
export function jwt(options: JwtOptions): SchemeKind {
  const { key, algorithms } = resolveKey(options);
  return {
    kind: 'jwt',
    setup(env: SchemeEnv): SchemeRuntime {
      const cache = options.cache === false || options.user === 'lookup' ? undefined : new TokenCache<Principal>(options.cache?.max ?? 10_000, (options.cache?.ttl ?? 60) * 1000);
      if (!cache) return { verify: (ctx) => verifyJwt(env, options, key, algorithms, ctx) };
      return {
        verify(ctx) {
          const token = readCredential(ctx, env.definition);
          const now = Date.now();
          const known = token === undefined ? undefined : cache.get(token, now);
          // A token verified a moment ago answers at once, without a promise.
          if (known) return allow(known);
          return verifyJwt(env, options, key, algorithms, ctx).then((result) => {
            if (result.ok && token !== undefined) {
              const principal = result.principal as Principal;
              const exp = principal.claims?.exp;
              cache.set(token, principal, now, typeof exp === 'number' ? exp * 1000 : undefined);
            }
            return result;
          });
        },
      };
    },
  };
}

async function verifyJwt(env: SchemeEnv, options: JwtOptions, key: JWTVerifyGetKey | KeyObject, algorithms: string[], ctx: RequestContext): Promise<VerifyResult> {
  const token = readCredential(ctx, env.definition);
  if (token === undefined) return deny('no credentials', 'missing');
  let payload: JWTPayload;
  try {
    const verify = { algorithms, issuer: options.issuer, audience: options.audience, clockTolerance: options.clockTolerance ?? 5, requiredClaims: options.requiredClaims };
    ({ payload } = key instanceof KeyObject ? await jwtVerify(token, key, verify) : await jwtVerify(token, key, verify));
  } catch (error) {
    if (error instanceof JwksUnavailable) throw authErrors.create('BURROW_ERR_AUTH_STORE_UNAVAILABLE', { store: 'JWKS' }, { cause: error.cause, headers: { 'retry-after': '5' } });
    const reason = reasonOf(error);
    if (!reason) throw error;
    return deny(DETAILS[reason] ?? 'the token is not valid', reason);
  }
  const names = options.claims ?? {};
  const id = payload[names.id ?? 'sub'];
  if (typeof id !== 'string' || !id) return deny('the token names no subject', 'invalid');
  const scopes = words(names.scopes ? payload[names.scopes] : (payload.scope ?? payload.scp));
  if (options.user === 'lookup') {
    const user = await env.users.findById(id);
    if (!user || user.disabled) return deny('the token\'s user is unknown or disabled', 'invalid');
    return allow(env.principalOf(user, { scopes, claims: payload }));
  }
  const name = names.name ? payload[names.name] : (payload.preferred_username ?? id);
  const principal: Principal = {
    id,
    name: typeof name === 'string' && name ? name : id,
    groups: words(names.groups ? payload[names.groups] : (payload.groups ?? payload.roles)),
    scheme: env.name,
    scopes,
    claims: payload,
  };
  return allow(principal);
}

const DETAILS: Record<string, string> = {
  expired: 'the token has expired',
  'not-yet-valid': 'the token is not valid yet',
  'bad-signature': 'the token\'s signature does not verify',
  'unknown-key': 'no known key matches the token',
  'wrong-audience': 'the token is not meant for this audience',
  'wrong-issuer': 'the token comes from an issuer not accepted here',
  malformed: 'the token is not a well-formed JWS',
};

/** The reason for a jose error, by its `code` (and `claim`); undefined for errors that are not about the token. */
function reasonOf(error: unknown): string | undefined {
  const { code, claim } = (error ?? {}) as { code?: unknown; claim?: unknown };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'nbf' || claim === 'iat') return 'not-yet-valid';
      if (claim === 'aud') return 'wrong-audience';
      if (claim === 'iss') return 'wrong-issuer';
      return 'invalid';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'bad-signature';
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'unknown-key';
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return 'malformed';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
    case 'ERR_JWK_INVALID':
      return 'invalid';
    default:
      return undefined;
  }
}

/** A claim as a list of words: an array of strings, or a space-separated string. */
function words(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  return [];
}

/** The key (or key resolver) of the options, and the algorithms it may verify. Throws TypeError on bad options. */
function resolveKey(options: JwtOptions): { key: JWTVerifyGetKey | KeyObject; algorithms: string[] } {
  const given = (['secret', 'publicKey', 'keys', 'jwksUrl'] as const).filter((k) => options[k] !== undefined);
  if (given.length !== 1) throw new TypeError(`jwt(): give exactly one of secret, publicKey, keys or jwksUrl (got ${given.join(', ') || 'none'})`);
  if (options.algorithms?.some((alg) => alg.toLowerCase() === 'none')) throw new TypeError('jwt(): the "none" algorithm is never accepted');
  const pick = (inferred: string[]) => {
    const algorithms = options.algorithms ?? inferred;
    if (!algorithms.length) throw new TypeError('jwt(): no algorithm is accepted; set `algorithms`');
    return algorithms;
  };

  if (options.secret !== undefined) {
    const secret = typeof options.secret === 'string' ? Buffer.from(options.secret, 'utf8') : Buffer.from(options.secret);
    // RFC 7518 §3.2: an HS256 key must be at least as long as the hash output.
    if (secret.length < 32) throw new TypeError('jwt(): the secret must be at least 32 bytes');
    return { key: createSecretKey(secret), algorithms: pick(HMAC) };
  }
  if (options.publicKey !== undefined) {
    const key = publicKeyObject(options.publicKey);
    return { key, algorithms: pick(algorithmsOf(key)) };
  }
  if (options.keys !== undefined) {
    const inferred = options.keys.flatMap((jwk) => {
      if (jwk.alg) return [jwk.alg];
      return jwk.kty === 'oct' ? HMAC : algorithmsOf(createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }));
    });
    return { key: createLocalJWKSet({ keys: options.keys }), algorithms: pick([...new Set(inferred)].filter((alg) => alg.toLowerCase() !== 'none')) };
  }
  const url = new URL(options.jwksUrl!);
  const remote = createRemoteJWKSet(url, {
    cooldownDuration: (options.jwksCooldown ?? 30) * 1000,
    cacheMaxAge: (options.jwksMaxAge ?? 600) * 1000,
    timeoutDuration: options.jwksTimeout ?? 5000,
    [customFetch]: fetchJwks,
  });
  return { key: remote, algorithms: pick(ASYMMETRIC) };
}

/** Fetches the JWKS; any failure (no answer, not 200, not JSON) is a {@link JwksUnavailable}. */
async function fetchJwks(url: string, init: RequestInit): Promise<Response> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, init);
    text = await response.text();
  } catch (cause) {
    throw new JwksUnavailable('the JWKS endpoint did not answer', { cause });
  }
  if (response.status !== 200) throw new JwksUnavailable(`the JWKS endpoint answered ${response.status}`);
  try {
    const json = JSON.parse(text) as { keys?: unknown };
    if (!Array.isArray(json?.keys)) throw new TypeError('no "keys" array');
  } catch (cause) {
    throw new JwksUnavailable('the JWKS endpoint did not answer a JSON Web Key Set', { cause });
  }
  return new Response(text, { status: 200, headers: { 'content-type': 'application/json' } });
}

function publicKeyObject(input: NonNullable<JwtOptions['publicKey']>): KeyObject {
  if (input instanceof KeyObject) return input;
  if (typeof input === 'string') return createPublicKey(input);
  if (typeof CryptoKey !== 'undefined' && input instanceof CryptoKey) return KeyObject.from(input);
  return createPublicKey({ key: input as JsonWebKey, format: 'jwk' });
}

function algorithmsOf(key: KeyObject): string[] {
  if (key.type !== 'public') throw new TypeError(`jwt(): publicKey must be a public key, got a ${key.type} key`);
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return RSA;
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512'];
    case 'ec':
      return [CURVES[String(key.asymmetricKeyDetails?.namedCurve)]].filter(Boolean);
    case 'ed25519':
      return ['EdDSA', 'Ed25519'];
    default:
      return [];
  }
}
