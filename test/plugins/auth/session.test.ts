import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:https';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from 'burrowjs';
import { auth, createPasswords, memorySessions, memoryUsers, redisSessions, session, type AuthOptions, type SessionStore } from 'burrowjs/plugins/auth';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { hashSecret } from '../../../plugins/auth/internal/session-opener.js';

const REDIS_URL = process.env.BURROW_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Cheap hashes, computed once for the file: the hashing itself is tested in password.test.ts. */
const passwords = createPasswords({ N: 2 ** 10 });
const hashes = { ada: await passwords.hash('ada-pass'), root: await passwords.hash('root-pass'), gone: await passwords.hash('gone-pass') };
const users = () =>
  memoryUsers([
    { id: 'u1', name: 'ada', passwordHash: hashes.ada, groups: ['member'] },
    { id: 'u2', name: 'root', passwordHash: hashes.root, groups: ['admin'] },
    { id: 'u3', name: 'gone', passwordHash: hashes.gone, groups: ['member'], disabled: true },
    { id: 'u4', name: 'nopass', groups: ['member'] },
  ]);

const ok = { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } };
const contract = (schemes: Record<string, unknown>) => ({
  openapi: '3.1.0',
  info: { title: 'session scheme', version: '1' },
  security: Object.keys(schemes).map((name) => ({ [name]: [] })),
  components: { securitySchemes: schemes },
  paths: { '/whoami': { get: { operationId: 'whoami', responses: ok } } },
});
const BEARER = { sessionAuth: { type: 'http', scheme: 'bearer' } };
const COOKIE = { cookieAuth: { type: 'apiKey', in: 'cookie', name: 'sid' } };

async function sessionKernel(schemes: Record<string, unknown>, options: Partial<AuthOptions> = {}): Promise<Kernel> {
  return createKernel({
    contract: contract(schemes) as never,
    contractCache: false,
    logger: { level: 'silent' },
    handlers: { whoami: (ctx: { principal: unknown }) => ({ status: 200, body: { principal: ctx.principal } }) },
    plugins: [
      auth({
        users: users(),
        groups: { admin: { rights: '*', sessionTimeout: 3600 }, member: { rights: { operations: ['whoami'] } } },
        password: { N: 2 ** 10 },
        lockout: { attempts: 3 },
        admin: false,
        ...options,
      }),
    ],
  });
}

const login = (kernel: Kernel, body: unknown, headers: Record<string, string> = {}) =>
  kernel.inject({ method: 'POST', url: '/auth/login', headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });
const whoami = (kernel: Kernel, headers: Record<string, string>) => kernel.inject({ method: 'GET', url: '/whoami', headers });

describe('session(): bearer token from POST /auth/login', () => {
  let kernel: Kernel;
  let sessions: SessionStore;
  const opened: unknown[] = [];
  beforeAll(async () => {
    sessions = memorySessions();
    kernel = await sessionKernel(BEARER, { sessions });
    kernel.events.on('auth.session.opened', (event) => void opened.push(event));
  });
  afterAll(() => kernel?.close());

  it('logs in: a token `{id}.{secret}`, the session id, the idle timeout and the user', async () => {
    const res = await login(kernel, { username: 'ada', password: 'ada-pass' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual({
      token: expect.stringMatching(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/),
      sessionId: body.token.split('.')[0],
      expiresIn: 1800,
      user: { id: 'u1', name: 'ada', groups: ['member'] },
    });
    expect(res.headers['set-cookie']).toBeUndefined();
    const stored = (await sessions.get(body.sessionId))!;
    expect(stored).toMatchObject({ userId: 'u1', userName: 'ada', groups: ['member'], scheme: 'sessionAuth', timeout: 1800, remoteAddress: '127.0.0.1' });
    expect(stored.secretHash).toBe(hashSecret(body.token.split('.')[1]));
    expect(JSON.stringify(stored)).not.toContain(body.token.split('.')[1]); // the secret itself is never stored
    await kernel.events.idle();
    expect(opened).toContainEqual({ sessionId: body.sessionId, userId: 'u1', scheme: 'sessionAuth' });
  });

  it('gives the session the longest timeout of the user groups', async () => {
    expect((await login(kernel, { username: 'root', password: 'root-pass' })).json().expiresIn).toBe(3600);
  });

  it('authenticates with the token as a bearer token, and slides the idle timeout', async () => {
    const { token, sessionId } = (await login(kernel, { username: 'ada', password: 'ada-pass' })).json();
    const before = (await sessions.get(sessionId))!.lastSeenAt;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const res = await whoami(kernel, { authorization: `Bearer ${token}` });
    expect(res.statusCode).toBe(200);
    expect(res.json().principal).toEqual({ id: 'u1', name: 'ada', groups: ['member'], scheme: 'sessionAuth', scopes: [], sessionId });
    expect((await sessions.get(sessionId))!.lastSeenAt).toBeGreaterThan(before);
  });

  it('logs in from an HTML form (application/x-www-form-urlencoded)', async () => {
    const res = await kernel.inject({
      method: 'POST',
      url: '/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'username=ada&password=ada-pass',
    });
    expect(res.statusCode).toBe(200);
    expect((await whoami(kernel, { authorization: `Bearer ${res.json().token}` })).statusCode).toBe(200);
  });

  it('answers the same 401 BURROW_ERR_AUTH_LOGIN_FAILED for a wrong password, an unknown user, a disabled one and one without a password', async () => {
    const bodies = [];
    for (const [username, password] of [['ada', 'Wr0ng-Pa55'], ['nobody', 'ada-pass'], ['gone', 'gone-pass'], ['nopass', 'N0-Pa55']]) {
      const res = await login(kernel, { username, password });
      expect(res.statusCode, username).toBe(401);
      const { instance, requestId, ...body } = res.json();
      bodies.push(body);
      expect(res.body).not.toContain(password);
    }
    expect(bodies[0]).toMatchObject({ code: 'BURROW_ERR_AUTH_LOGIN_FAILED', detail: 'the user name or the password is wrong' });
    for (const body of bodies) expect(body).toEqual(bodies[0]);
  });

  it('refuses a login body without a name or a password, or of the wrong type: 400 before any check', async () => {
    for (const body of [{ username: 'ada' }, { password: 'x' }, { username: '', password: 'x' }, { username: 'ada', password: 7 }, 'ada:ada-pass']) {
      const res = await login(kernel, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe('BURROW_ERR_REQUEST_VALIDATION');
    }
  });

  it('answers no token with 401 reason `missing`', async () => {
    const res = await whoami(kernel, {});
    expect(res.statusCode).toBe(401);
    expect(res.json().failures).toEqual([{ scheme: 'sessionAuth', reason: 'missing' }]);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="sessionAuth"');
  });

  it('answers a malformed token with 401 reason `malformed`', async () => {
    const { token } = (await login(kernel, { username: 'ada', password: 'ada-pass' })).json();
    const [id, secret] = token.split('.');
    for (const bad of ['garbage', id, `${id}.`, `.${secret}`, `${id}.${secret}.x`, `${id}.${secret}x`, `${id}x.${secret}`, `${id}.${secret.slice(1)}`, `${id}.${secret.replace(/.$/, '+')}`]) {
      const res = await whoami(kernel, { authorization: `Bearer ${bad}` });
      expect(res.statusCode, bad).toBe(401);
      expect(res.json().failures, bad).toEqual([{ scheme: 'sessionAuth', reason: 'malformed' }]);
    }
  });

  it('answers a token whose secret does not match with 401 reason `invalid`', async () => {
    const { token } = (await login(kernel, { username: 'ada', password: 'ada-pass' })).json();
    const [id, secret] = token.split('.');
    const other = secret[0] === 'A' ? `B${secret.slice(1)}` : `A${secret.slice(1)}`;
    const res = await whoami(kernel, { authorization: `Bearer ${id}.${other}` });
    expect(res.statusCode).toBe(401);
    expect(res.json().failures).toEqual([{ scheme: 'sessionAuth', reason: 'invalid' }]);
    expect(res.body).not.toContain(secret);
  });

  it('answers a token of an ended session with 401 reason `session-ended`', async () => {
    const { token, sessionId } = (await login(kernel, { username: 'ada', password: 'ada-pass' })).json();
    await sessions.delete(sessionId);
    const res = await whoami(kernel, { authorization: `Bearer ${token}` });
    expect(res.statusCode).toBe(401);
    expect(res.json().failures).toEqual([{ scheme: 'sessionAuth', reason: 'session-ended' }]);
  });

  it('answers the token of an unknown session (never opened) with reason `session-ended`', async () => {
    const res = await whoami(kernel, { authorization: `Bearer ${'A'.repeat(22)}.${'B'.repeat(43)}` });
    expect(res.json().failures).toEqual([{ scheme: 'sessionAuth', reason: 'session-ended' }]);
  });

  it('never accepts a signed session (one with a key) as an opaque token: reason `invalid`', async () => {
    const secret = 'S'.repeat(43);
    const id = 'K'.repeat(22);
    await sessions.create({ id, secretHash: hashSecret(secret), key: 'a2V5', userId: 'u1', userName: 'ada', groups: ['member'], scheme: 'signedAuth', createdAt: Date.now(), lastSeenAt: Date.now(), timeout: 60 });
    const res = await whoami(kernel, { authorization: `Bearer ${id}.${secret}` });
    expect(res.json().failures).toEqual([{ scheme: 'sessionAuth', reason: 'invalid' }]);
  });

  it('locks the account after repeated failed logins: 429 with Retry-After, even with the right password', async () => {
    for (let i = 0; i < 2; i++) expect((await login(kernel, { username: 'root', password: 'wrong' }, { 'x-forwarded-for': `9.9.9.${i}` })).statusCode).toBe(401);
    const locking = await login(kernel, { username: 'root', password: 'wrong' });
    expect(locking.statusCode).toBe(429);
    expect(locking.json().code).toBe('BURROW_ERR_AUTH_LOCKED');
    expect(locking.headers['retry-after']).toBe('900');
    const right = await login(kernel, { username: 'root', password: 'root-pass' });
    expect(right.statusCode).toBe(429);
  });

  it('declares the login operation: public, JSON and form bodies, Problem responses for 401, 429 and 503', async () => {
    const op = (kernel.document.paths as Record<string, any>)['/auth/login'].post;
    expect(op.operationId).toBe('authLogin');
    expect(op.security).toEqual([]);
    expect(Object.keys(op.requestBody.content)).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    for (const status of ['401', '429', '503']) expect(op.responses[status]).toEqual({ $ref: '#/components/responses/BurrowProblem' });
    expect((kernel.document.components as any).schemas.AuthLoginResult.required).toEqual(['token', 'sessionId', 'expiresIn', 'user']);
  });
});

describe('session(): a cookie scheme (apiKey in a cookie)', () => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await sessionKernel(COOKIE);
  });
  afterAll(() => kernel?.close());

  it('sets the session cookie at login: HttpOnly, SameSite=Lax, Path=/, not Secure over plain HTTP', async () => {
    const res = await login(kernel, { username: 'ada', password: 'ada-pass' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['set-cookie']).toBe(`sid=${res.json().token}; HttpOnly; SameSite=Lax; Path=/`);
  });

  it('authenticates with the cookie', async () => {
    const { token, sessionId } = (await login(kernel, { username: 'ada', password: 'ada-pass' })).json();
    const res = await whoami(kernel, { cookie: `theme=dark; sid=${token}` });
    expect(res.statusCode).toBe(200);
    expect(res.json().principal).toMatchObject({ id: 'u1', scheme: 'cookieAuth', sessionId });
    expect((await whoami(kernel, { authorization: `Bearer ${token}` })).statusCode).toBe(401);
  });

  it('answers a malformed cookie with reason `malformed`', async () => {
    const res = await whoami(kernel, { cookie: 'sid=not-a-token' });
    expect(res.json().failures).toEqual([{ scheme: 'cookieAuth', reason: 'malformed' }]);
  });

  it('marks the cookie Secure when the login came over TLS (real HTTPS)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'burrow-tls-'));
    const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=localhost', '-days', '1'], { stdio: 'ignore' });
    const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => void kernel.handle(req, res)).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as { port: number };
      const req = request({ host: '127.0.0.1', port, path: '/auth/login', method: 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/json' } });
      req.end(JSON.stringify({ username: 'ada', password: 'ada-pass' }));
      const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
      let body = '';
      for await (const chunk of res) body += chunk;
      expect(res.statusCode).toBe(200);
      expect(res.headers['set-cookie']).toEqual([`sid=${JSON.parse(body).token}; HttpOnly; SameSite=Lax; Path=/; Secure`]);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('marks the cookie Secure when told (TLS ended by a proxy)', async () => {
    const secure = await sessionKernel(COOKIE, { schemes: { cookieAuth: session({ secureCookie: true }) } });
    const res = await login(secure, { username: 'ada', password: 'ada-pass' });
    expect(res.headers['set-cookie']).toBe(`sid=${res.json().token}; HttpOnly; SameSite=Lax; Path=/; Secure`);
    await secure.close();
  });
});

describe('session(): two session schemes (bearer and cookie)', () => {
  it('contribute one login, which answers the token and sets the cookie; either scheme accepts the session', async () => {
    const kernel = await sessionKernel({ ...BEARER, ...COOKIE });
    const res = await login(kernel, { username: 'ada', password: 'ada-pass' });
    expect(res.statusCode).toBe(200);
    const { token } = res.json();
    expect(res.headers['set-cookie']).toBe(`sid=${token}; HttpOnly; SameSite=Lax; Path=/`);
    expect((await whoami(kernel, { authorization: `Bearer ${token}` })).json().principal.scheme).toBe('sessionAuth');
    expect((await whoami(kernel, { cookie: `sid=${token}` })).json().principal.scheme).toBe('cookieAuth');
    await kernel.close();
  });

  it('leave the login out when told (`login: false`): the scheme only accepts tokens', async () => {
    const kernel = await sessionKernel(BEARER, { schemes: { sessionAuth: session({ login: false }) } });
    expect((kernel.document.paths as Record<string, unknown>)['/auth/login']).toBeUndefined();
    expect((await login(kernel, { username: 'ada', password: 'ada-pass' })).statusCode).toBe(404);
    await kernel.close();
  });

  it('a cookie scheme with `login: false` gets no cookie from the other scheme login', async () => {
    const kernel = await sessionKernel({ ...BEARER, ...COOKIE }, { schemes: { cookieAuth: session({ login: false }) } });
    const res = await login(kernel, { username: 'ada', password: 'ada-pass' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    await kernel.close();
  });
});

describe('session(): sessions in Redis, several instances', () => {
  const prefix = `burrow-test:${randomBytes(6).toString('hex')}:`;
  afterAll(async () => {
    const admin = new Redis(REDIS_URL);
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length) await admin.del(...keys);
    await admin.quit();
  });

  it('a token from a login on one instance is valid on another; a logout on one ends it on both', async () => {
    const [a, b] = await Promise.all([0, 1].map(() => sessionKernel(BEARER, { sessions: redisSessions({ redis: REDIS_URL, prefix }), lockout: { attempts: 3, redis: REDIS_URL, prefix } })));
    try {
      const { token } = (await login(a, { username: 'ada', password: 'ada-pass' })).json();
      expect((await whoami(b, { authorization: `Bearer ${token}` })).json().principal.name).toBe('ada');
      expect((await b.inject({ method: 'POST', url: '/auth/logout', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(204);
      expect((await whoami(a, { authorization: `Bearer ${token}` })).json().failures).toEqual([{ scheme: 'sessionAuth', reason: 'session-ended' }]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('shares lockouts: failures on one instance lock the account on the other', async () => {
    const shared = `${prefix}lock:`;
    const [a, b] = await Promise.all([0, 1].map(() => sessionKernel(BEARER, { sessions: redisSessions({ redis: REDIS_URL, prefix }), lockout: { attempts: 3, redis: REDIS_URL, prefix: shared } })));
    try {
      expect((await login(a, { username: 'root', password: 'wrong' })).statusCode).toBe(401);
      expect((await login(b, { username: 'root', password: 'wrong' })).statusCode).toBe(401);
      expect((await login(a, { username: 'root', password: 'wrong' })).statusCode).toBe(429);
      const locked = await login(b, { username: 'root', password: 'root-pass' });
      expect(locked.statusCode).toBe(429);
      expect(locked.json().code).toBe('BURROW_ERR_AUTH_LOCKED');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      // Ada's account is not locked by root's failures, on either instance.
      expect((await login(b, { username: 'ada', password: 'ada-pass' })).statusCode).toBe(200);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('answers 503 BURROW_ERR_AUTH_STORE_UNAVAILABLE, not 401, while Redis is unreachable', { timeout: 5000 }, async () => {
    const kernel = await sessionKernel(BEARER, { sessions: redisSessions({ redis: 'redis://127.0.0.1:1', prefix }), lockout: { redis: 'redis://127.0.0.1:1', prefix } });
    try {
      const use = await whoami(kernel, { authorization: `Bearer ${'A'.repeat(22)}.${'B'.repeat(43)}` });
      expect(use.statusCode).toBe(503);
      expect(use.headers['retry-after']).toBe('5');
      expect(use.json()).toMatchObject({ code: 'BURROW_ERR_AUTH_STORE_UNAVAILABLE', detail: 'the Redis session store cannot be reached; retry shortly' });
      const res = await login(kernel, { username: 'ada', password: 'ada-pass' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'BURROW_ERR_AUTH_STORE_UNAVAILABLE', detail: 'the Redis lockout store cannot be reached; retry shortly' });
    } finally {
      await kernel.close();
    }
  });
});
