import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { Kernel, SecuritySchemeObject } from 'burrowjs';
import { jwt, type JwtOptions } from '../../../plugins/auth/internal/schemes/jwt.js';
import { pluginKernel, schemeEnv, schemeKernel, testUsers } from './scheme-env.js';

const BEARER: SecuritySchemeObject = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' };
const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const now = () => Math.floor(Date.now() / 1000);

// RSA key generation is slow: three pairs, made in parallel once, serve the whole file.
const rsa = Promise.all([generateKeyPair('RS256'), generateKeyPair('RS256'), generateKeyPair('RS256')]);

const kernels: Kernel[] = [];
afterAll(() => Promise.all(kernels.map((k) => k.close())));

async function bearerKernel(options: JwtOptions, definition = BEARER): Promise<Kernel> {
  const users = await testUsers([{ id: 'u-ada', name: 'ada', groups: ['staff'] }, { id: 'u-off', name: 'off', disabled: true }]);
  const { kernel } = await schemeKernel(jwt(options), 'bearerAuth', definition, schemeEnv('bearerAuth', definition, { users }));
  kernels.push(kernel);
  return kernel;
}

function call(kernel: Kernel, token?: string, url = '/me') {
  return kernel.inject({ method: 'GET', url, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
}

/** Signs `claims` (sub u1, valid 5 min unless overridden) with `key` and `alg`. */
function sign(key: CryptoKey | Uint8Array, alg: string, claims: JWTPayload = {}, header: Record<string, unknown> = {}) {
  return new SignJWT({ sub: 'u1', iat: now(), exp: now() + 300, ...claims }).setProtectedHeader({ ...header, alg }).sign(key);
}

const secretKey = new TextEncoder().encode(SECRET);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function expectDenied(kernel: Kernel, token: string | undefined, reason: string) {
  const res = await call(kernel, token);
  expect(res.statusCode).toBe(401);
  expect(res.headers['www-authenticate']).toBe('Bearer realm="bearerAuth"');
  expect(res.json()).toMatchObject({ code: 'BURROW_ERR_AUTH_UNAUTHENTICATED', failures: [{ scheme: 'bearerAuth', reason }] });
  if (token) expect(res.body).not.toContain(token);
}

describe('jwt() algorithms', () => {
  it('accepts HS256 with a shared secret', async () => {
    const kernel = await bearerKernel({ secret: SECRET });
    const res = await call(kernel, await sign(secretKey, 'HS256', { preferred_username: 'ada' }));
    expect(res.statusCode).toBe(200);
    expect(res.json().principal).toMatchObject({ id: 'u1', name: 'ada', scheme: 'bearerAuth', groups: [], scopes: [] });
  });

  it('accepts RS256 with a PEM public key', async () => {
    const { publicKey, privateKey } = (await rsa)[0];
    const kernel = await bearerKernel({ publicKey: await exportSPKI(publicKey) });
    expect((await call(kernel, await sign(privateKey, 'RS256'))).statusCode).toBe(200);
  });

  it('accepts ES256 with a public JWK', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const kernel = await bearerKernel({ publicKey: await exportJWK(publicKey) });
    expect((await call(kernel, await sign(privateKey, 'ES256'))).statusCode).toBe(200);
  });

  it('accepts EdDSA (Ed25519) with a CryptoKey', async () => {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const kernel = await bearerKernel({ publicKey });
    expect((await call(kernel, await sign(privateKey, 'EdDSA'))).statusCode).toBe(200);
  });

  it('refuses an HS256 token signed with the public key of an RS256 scheme (algorithm confusion)', async () => {
    const { publicKey } = (await rsa)[0];
    const pem = await exportSPKI(publicKey);
    const kernel = await bearerKernel({ publicKey: pem });
    await expectDenied(kernel, await sign(new TextEncoder().encode(pem), 'HS256'), 'invalid');
  });

  it("refuses a token with alg 'none'", async () => {
    const kernel = await bearerKernel({ secret: SECRET });
    await expectDenied(kernel, `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u1', exp: now() + 300 })}.`, 'invalid');
  });
});

describe('jwt() claims and time', () => {
  let kernel: Kernel;
  let otherKey: CryptoKey;
  let privateKey: CryptoKey;
  beforeAll(async () => {
    const [pair, other] = await rsa;
    privateKey = pair.privateKey;
    otherKey = other.privateKey;
    kernel = await bearerKernel({ publicKey: pair.publicKey, issuer: 'https://id.test/', audience: 'api' });
  });
  const good = (claims: JWTPayload = {}) => sign(privateKey, 'RS256', { iss: 'https://id.test/', aud: 'api', ...claims });

  it('accepts a token with the right issuer and audience, mapping groups and scopes', async () => {
    const res = await call(kernel, await good({ groups: ['staff', 'ops'], scope: 'read write' }));
    expect(res.statusCode).toBe(200);
    expect(res.json().principal).toMatchObject({ id: 'u1', name: 'u1', groups: ['staff', 'ops'], scopes: ['read', 'write'] });
    expect(res.json().principal.claims).toMatchObject({ iss: 'https://id.test/', aud: 'api' });
  });

  it('reads scopes from an `scp` array and groups from `roles`', async () => {
    const res = await call(kernel, await good({ scp: ['a', 'b'], roles: 'x y' }));
    expect(res.json().principal).toMatchObject({ scopes: ['a', 'b'], groups: ['x', 'y'] });
  });

  it('answers no token with 401 missing', () => expectDenied(kernel, undefined, 'missing'));
  it('answers an expired token with 401 expired', async () => expectDenied(kernel, await good({ exp: now() - 60 }), 'expired'));
  it('answers a token whose nbf is ahead with 401 not-yet-valid', async () => expectDenied(kernel, await good({ nbf: now() + 60 }), 'not-yet-valid'));
  it('accepts a token expired within the clock tolerance (default 5 s)', async () => {
    expect((await call(kernel, await good({ exp: now() - 2 }))).statusCode).toBe(200);
    expect((await call(kernel, await good({ nbf: now() + 2 }))).statusCode).toBe(200);
  });
  it('refuses a token expired beyond the clock tolerance', async () => expectDenied(kernel, await good({ exp: now() - 20 }), 'expired'));
  it('applies a custom clock tolerance', async () => {
    const pair = await generateKeyPair('ES256');
    const tolerant = await bearerKernel({ publicKey: pair.publicKey, clockTolerance: 60 });
    expect((await call(tolerant, await sign(pair.privateKey, 'ES256', { exp: now() - 30 }))).statusCode).toBe(200);
    await expectDenied(tolerant, await sign(pair.privateKey, 'ES256', { exp: now() - 120 }), 'expired');
  });
  it('answers a token signed by another key with 401 bad-signature', async () => expectDenied(kernel, await sign(otherKey, 'RS256', { iss: 'https://id.test/', aud: 'api' }), 'bad-signature'));
  it('answers a token whose payload was altered with 401 bad-signature', async () => {
    const [header, , signature] = (await good()).split('.');
    await expectDenied(kernel, `${header}.${b64({ sub: 'admin', iss: 'https://id.test/', aud: 'api', exp: now() + 300 })}.${signature}`, 'bad-signature');
  });
  it('answers a token for another audience with 401 wrong-audience', async () => expectDenied(kernel, await good({ aud: 'other' }), 'wrong-audience'));
  it('answers a token from another issuer with 401 wrong-issuer', async () => expectDenied(kernel, await good({ iss: 'https://evil.test/' }), 'wrong-issuer'));
  it.each([
    // Not hexadecimal: the body's random request id could hold a short hex token by chance.
    ['not three parts', 'not-a-jwt-token'],
    ['a header that is not JSON', `${Buffer.from('nope').toString('base64url')}.${b64({ sub: 'u1' })}.c2ln`],
  ])('answers a malformed token (%s) with 401 malformed', (_name, token) => expectDenied(kernel, token, 'malformed'));
  it('answers a token without a subject with 401 invalid', async () => expectDenied(kernel, await good({ sub: undefined }), 'invalid'));
  it('refuses a token missing a required claim', async () => {
    const pair = await generateKeyPair('ES256');
    const strict = await bearerKernel({ publicKey: pair.publicKey, requiredClaims: ['jti'] });
    await expectDenied(strict, await sign(pair.privateKey, 'ES256'), 'invalid');
    expect((await call(strict, await sign(pair.privateKey, 'ES256', { jti: 'j1' }))).statusCode).toBe(200);
  });
  it('answers a token without a required scope with 403 missing-scope', async () => {
    const res = await call(kernel, await good({ scope: 'read' }), '/admin');
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'BURROW_ERR_AUTH_FORBIDDEN', failures: [{ scheme: 'bearerAuth', reason: 'missing-scope' }] });
    expect((await call(kernel, await good({ scope: 'read admin' }), '/admin')).statusCode).toBe(200);
  });
});

describe('jwt() options', () => {
  it('maps custom claim names', async () => {
    const kernel = await bearerKernel({ secret: SECRET, claims: { id: 'uid', name: 'email', groups: 'teams', scopes: 'permissions' } });
    const res = await call(kernel, await sign(secretKey, 'HS256', { uid: 'x9', email: 'x@y.z', teams: ['t'], permissions: ['p:q'] }));
    expect(res.json().principal).toMatchObject({ id: 'x9', name: 'x@y.z', groups: ['t'], scopes: ['p:q'] });
  });

  it("looks the user up with user: 'lookup' (groups from the store; unknown or disabled → 401)", async () => {
    const kernel = await bearerKernel({ secret: SECRET, user: 'lookup' });
    const res = await call(kernel, await sign(secretKey, 'HS256', { sub: 'u-ada', groups: ['forged'], scope: 's' }));
    expect(res.json().principal).toMatchObject({ id: 'u-ada', name: 'ada', groups: ['staff'], scopes: ['s'] });
    await expectDenied(kernel, await sign(secretKey, 'HS256', { sub: 'u-nobody' }), 'invalid');
    await expectDenied(kernel, await sign(secretKey, 'HS256', { sub: 'u-off' }), 'invalid');
  });

  it('reads the token from an apiKey header when the scheme says so', async () => {
    const definition: SecuritySchemeObject = { type: 'apiKey', in: 'header', name: 'X-Token' };
    const kernel = await bearerKernel({ secret: SECRET }, definition);
    const res = await kernel.inject({ method: 'GET', url: '/me', headers: { 'x-token': await sign(secretKey, 'HS256') } });
    expect(res.statusCode).toBe(200);
  });

  it('picks the key of a local key set by kid; an unknown kid is 401 unknown-key', async () => {
    const a = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(a.publicKey)), kid: 'k1', alg: 'ES256' };
    const kernel = await bearerKernel({ keys: [jwk] });
    expect((await call(kernel, await sign(a.privateKey, 'ES256', {}, { kid: 'k1' }))).statusCode).toBe(200);
    await expectDenied(kernel, await sign(a.privateKey, 'ES256', {}, { kid: 'k2' }), 'unknown-key');
  });

  it.each([
    ['no key', {}, /exactly one/],
    ['two keys', { secret: SECRET, jwksUrl: 'http://127.0.0.1/jwks' }, /exactly one/],
    ['a short secret', { secret: 'short' }, /32 bytes/],
    ["the 'none' algorithm", { secret: SECRET, algorithms: ['HS256', 'none'] }, /none/],
  ])('refuses options with %s', (_name, options, message) => {
    expect(() => jwt(options as JwtOptions)).toThrow(message);
  });
});

describe('jwt() with a remote JWKS', () => {
  let server: Server;
  let url: string;
  let hits = 0;
  let answer: { status: number; body: string } = { status: 200, body: '{"keys":[]}' };
  let k1: { privateKey: CryptoKey; jwk: JWK };
  let k2: { privateKey: CryptoKey; jwk: JWK };
  const serve = (...keys: JWK[]) => (answer = { status: 200, body: JSON.stringify({ keys }) });

  beforeAll(async () => {
    const [, b, c] = await rsa;
    k1 = { privateKey: b.privateKey, jwk: { ...(await exportJWK(b.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' } };
    k2 = { privateKey: c.privateKey, jwk: { ...(await exportJWK(c.publicKey)), kid: 'k2', alg: 'RS256', use: 'sig' } };
    server = createServer((_req, res) => {
      hits++;
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('verifies with the fetched keys, caches them, and fetches again for a new kid after a rotation', async () => {
    serve(k1.jwk);
    const kernel = await bearerKernel({ jwksUrl: url, jwksCooldown: 0 });
    const start = hits;
    expect((await call(kernel, await sign(k1.privateKey, 'RS256', {}, { kid: 'k1' }))).statusCode).toBe(200);
    expect((await call(kernel, await sign(k1.privateKey, 'RS256', {}, { kid: 'k1' }))).statusCode).toBe(200);
    expect(hits - start).toBe(1);
    serve(k1.jwk, k2.jwk);
    expect((await call(kernel, await sign(k2.privateKey, 'RS256', {}, { kid: 'k2' }))).statusCode).toBe(200);
    expect(hits - start).toBe(2);
  });

  it('answers an unknown kid with 401 unknown-key', async () => {
    serve(k1.jwk);
    const kernel = await bearerKernel({ jwksUrl: url, jwksCooldown: 0 });
    await expectDenied(kernel, await sign(k2.privateKey, 'RS256', {}, { kid: 'k9' }), 'unknown-key');
  });

  it('does not fetch again within the cooldown: a new kid stays unknown until it ends', async () => {
    serve(k1.jwk);
    const kernel = await bearerKernel({ jwksUrl: url });
    const start = hits;
    expect((await call(kernel, await sign(k1.privateKey, 'RS256', {}, { kid: 'k1' }))).statusCode).toBe(200);
    serve(k1.jwk, k2.jwk);
    await expectDenied(kernel, await sign(k2.privateKey, 'RS256', {}, { kid: 'k2' }), 'unknown-key');
    expect(hits - start).toBe(1);
  });

  it.each([
    ['answers 500', { status: 500, body: 'oops' }],
    ['answers something that is not JSON', { status: 200, body: '<html>' }],
    ['answers JSON that is not a key set', { status: 200, body: '{"nope":1}' }],
  ])('answers 503 (store JWKS) when the endpoint %s', async (_name, reply) => {
    answer = reply;
    const kernel = await bearerKernel({ jwksUrl: url });
    const res = await call(kernel, await sign(k1.privateKey, 'RS256', {}, { kid: 'k1' }));
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toMatchObject({ code: 'BURROW_ERR_AUTH_STORE_UNAVAILABLE' });
    expect(res.json().detail).toContain('JWKS');
  });

  it('answers 503 (store JWKS), not 401, when the endpoint is down', async () => {
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const port = (down.address() as AddressInfo).port;
    await new Promise<void>((resolve) => down.close(() => resolve()));
    const kernel = await bearerKernel({ jwksUrl: `http://127.0.0.1:${port}/jwks.json` });
    const res = await call(kernel, await sign(k1.privateKey, 'RS256', {}, { kid: 'k1' }));
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'BURROW_ERR_AUTH_STORE_UNAVAILABLE' });
    expect(res.json().detail).toContain('JWKS');
  });
});

describe('jwt() through auth()', () => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await pluginKernel(jwt({ secret: SECRET, audience: 'api' }), 'bearerAuth', BEARER);
    kernels.push(kernel);
  });

  it('authenticates a valid token', async () => {
    const res = await call(kernel, await sign(secretKey, 'HS256', { aud: 'api', scope: 'read' }));
    expect(res.statusCode).toBe(200);
    expect(res.json().principal).toMatchObject({ id: 'u1', scheme: 'bearerAuth', scopes: ['read'] });
  });

  it('answers an expired token with a 401 problem: failures, challenge', async () => {
    const res = await call(kernel, await sign(secretKey, 'HS256', { aud: 'api', exp: now() - 60 }));
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="bearerAuth"');
    expect(res.json()).toMatchObject({ code: 'BURROW_ERR_AUTH_UNAUTHENTICATED', failures: [{ scheme: 'bearerAuth', reason: 'expired' }] });
  });

  it('answers a token for another audience with reason wrong-audience', async () => {
    expect((await call(kernel, await sign(secretKey, 'HS256', { aud: 'other' }))).json().failures).toEqual([{ scheme: 'bearerAuth', reason: 'wrong-audience' }]);
  });

  it('answers a token without the required scope with 403 missing-scope', async () => {
    const res = await call(kernel, await sign(secretKey, 'HS256', { aud: 'api', scope: 'read' }), '/admin');
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'BURROW_ERR_AUTH_FORBIDDEN', failures: [{ scheme: 'bearerAuth', reason: 'missing-scope' }] });
    expect((await call(kernel, await sign(secretKey, 'HS256', { aud: 'api', scope: 'read admin' }), '/admin')).statusCode).toBe(200);
  });
});
