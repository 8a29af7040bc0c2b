import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from 'burrowjs';
import { apiKey, auth, basic, createPasswords, hashApiKey, memoryUsers, session, type AuthOptions } from 'burrowjs/plugins/auth';
import { memoryLogger } from '../../helpers.js';

/** Cheap hashes: the hashing itself is tested in password.test.ts. */
const passwords = createPasswords({ N: 2 ** 10 });
const basicHeader = (name: string, password: string) => `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;

const ok = { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } };
export const CONTRACT = {
  openapi: '3.1.0',
  info: { title: 'auth plugin', version: '1' },
  security: [{ basicAuth: [] }, { keyAuth: [] }, { sessionAuth: [] }],
  components: {
    securitySchemes: {
      basicAuth: { type: 'http', scheme: 'basic' },
      keyAuth: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      sessionAuth: { type: 'http', scheme: 'bearer' },
    },
  },
  paths: {
    '/open': { get: { operationId: 'open', security: [], responses: ok } },
    '/notes': { get: { operationId: 'listNotes', responses: ok } },
    '/admin': { get: { operationId: 'adminThing', 'x-burrow-rights': { groups: ['admin'] }, responses: ok } },
    '/both': { get: { operationId: 'both', security: [{ basicAuth: [], keyAuth: [] }], responses: ok } },
    '/scoped': { get: { operationId: 'scoped', security: [{ keyAuth: ['write'] }], responses: ok } },
    '/roles': { get: { operationId: 'roled', security: [{ basicAuth: ['member'] }], responses: ok } },
  },
};

const echo = (ctx: { principal: unknown; state: { principal?: unknown }; log: { info(m: string): void } }) => {
  ctx.log.info('handled');
  return { status: 200, body: { principal: ctx.principal, same: ctx.principal === ctx.state.principal } };
};

export async function pluginKernel(options: Partial<AuthOptions> = {}, logger?: ReturnType<typeof memoryLogger>['logger']): Promise<Kernel> {
  return createKernel({
    contract: structuredClone(CONTRACT) as never,
    contractCache: false,
    logger: logger ?? { level: 'silent' },
    handlers: { open: echo, listNotes: echo, adminThing: echo, both: echo, scoped: echo, roled: echo },
    plugins: [
      auth({
        schemes: { basicAuth: basic(), keyAuth: apiKey({ keys: [{ hash: hashApiKey('robot-key-1'), name: 'robot', groups: ['robots'], scopes: ['read'] }] }), sessionAuth: session() },
        users: memoryUsers([
          { id: 'u1', name: 'ada', passwordHash: await passwords.hash('ada-pass'), groups: ['member'] },
          { id: 'u2', name: 'root', passwordHash: await passwords.hash('root-pass'), groups: ['admin'] },
        ]),
        groups: {
          admin: { rights: '*', sessionTimeout: 3600 },
          member: { rights: { operations: ['listNotes', 'both', 'roled'] } },
          robots: { rights: { operations: ['listNotes', 'scoped', 'both'] } },
        },
        password: { N: 2 ** 10 },
        admin: false,
        ...options,
      }),
    ],
  });
}

describe('auth plugin: requirements, rights and the principal', () => {
  let kernel: Kernel;
  const { logger, lines } = memoryLogger();
  beforeAll(async () => {
    kernel = await pluginKernel({}, logger);
  });
  afterAll(() => kernel?.close());
  const get = (url: string, headers: Record<string, string> = {}) => kernel.inject({ method: 'GET', url, headers });

  it('answers no credentials with 401, a challenge per scheme and reason `missing` for each', async () => {
    const res = await get('/notes');
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('Basic realm="basicAuth"');
    expect(res.headers['www-authenticate']).toContain('ApiKey realm="keyAuth"');
    expect(res.json().failures).toEqual([
      { scheme: 'basicAuth', reason: 'missing' },
      { scheme: 'keyAuth', reason: 'missing' },
      { scheme: 'sessionAuth', reason: 'missing' },
    ]);
  });

  it('lets a public operation through without credentials', async () => {
    expect((await get('/open')).statusCode).toBe(200);
  });

  it('gives handlers the principal (ctx.principal and ctx.state.principal), without secrets', async () => {
    const res = await get('/notes', { authorization: basicHeader('ada', 'ada-pass') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ principal: { id: 'u1', name: 'ada', groups: ['member'], scheme: 'basicAuth', scopes: [] }, same: true });
    expect(res.body).not.toContain('scrypt');
  });

  it('puts the principal id on the request log lines, never the password', async () => {
    lines.length = 0;
    await get('/notes', { authorization: basicHeader('ada', 'ada-pass') });
    const handled = lines.find((l) => l.message === 'handled');
    expect(handled).toMatchObject({ principalId: 'u1', operationId: 'listNotes' });
    expect(JSON.stringify(lines)).not.toContain('ada-pass');
  });

  it('refuses an operation the groups of the caller have no right to: 403 with reason `rights`', async () => {
    const res = await get('/admin', { authorization: basicHeader('ada', 'ada-pass') });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'BURROW_ERR_AUTH_FORBIDDEN', failures: [{ scheme: 'basicAuth', reason: 'rights' }] });
    expect((await get('/admin', { authorization: basicHeader('root', 'root-pass') })).statusCode).toBe(200);
  });

  it('grants by group options: the robot key may list but not call the admin operation', async () => {
    expect((await get('/notes', { 'x-api-key': 'robot-key-1' })).statusCode).toBe(200);
    expect((await get('/admin', { 'x-api-key': 'robot-key-1' })).statusCode).toBe(403);
  });

  it('ANDs the schemes of one requirement object: both credentials are needed', async () => {
    const one = await get('/both', { authorization: basicHeader('ada', 'ada-pass') });
    expect(one.statusCode).toBe(401);
    expect(one.json().failures).toEqual([{ scheme: 'keyAuth', reason: 'missing' }]);
    const both = await get('/both', { authorization: basicHeader('ada', 'ada-pass'), 'x-api-key': 'robot-key-1' });
    expect(both.statusCode).toBe(200);
    expect(both.json().principal.name).toBe('ada');
  });

  it('ORs requirement objects: a wrong first scheme does not hide a good second one', async () => {
    const res = await get('/notes', { authorization: basicHeader('ada', 'wrong'), 'x-api-key': 'robot-key-1' });
    expect(res.statusCode).toBe(200);
    expect(res.json().principal.name).toBe('robot');
  });

  it('answers a missing scope with 403 and reason `missing-scope`', async () => {
    const res = await get('/scoped', { 'x-api-key': 'robot-key-1' });
    expect(res.statusCode).toBe(403);
    expect(res.json().failures).toEqual([{ scheme: 'keyAuth', reason: 'missing-scope' }]);
    expect(res.json().detail).toContain('write');
  });

  it('treats the scopes of a non-OAuth scheme as roles, met by the groups', async () => {
    expect((await get('/roles', { authorization: basicHeader('ada', 'ada-pass') })).statusCode).toBe(200);
    const admin = await get('/roles', { authorization: basicHeader('root', 'root-pass') });
    expect(admin.statusCode).toBe(403);
    expect(admin.json().failures).toEqual([{ scheme: 'basicAuth', reason: 'missing-scope' }]);
  });

  it('serves the timestamp without credentials and `me` with any scheme', async () => {
    const before = Date.now();
    const stamp = await get('/auth/timestamp');
    expect(stamp.statusCode).toBe(200);
    expect(stamp.json().now).toBeGreaterThanOrEqual(before);
    const me = await get('/auth/me', { 'x-api-key': 'robot-key-1' });
    expect(me.json()).toEqual({ id: expect.any(String), name: 'robot', groups: ['robots'], scopes: ['read'], scheme: 'keyAuth' });
  });

  it('documents its operations and schemes in the served contract', () => {
    const paths = Object.keys(kernel.document.paths ?? {});
    expect(paths).toEqual(expect.arrayContaining(['/auth/timestamp', '/auth/me', '/auth/login', '/auth/logout', '/auth/sessions', '/auth/sessions/{sessionId}']));
    expect(kernel.document.components?.schemas?.AuthPrincipal).toBeDefined();
  });
});

describe('auth plugin: sessions', () => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await pluginKernel();
  });
  afterAll(() => kernel?.close());
  const login = async (username: string, password: string) => {
    const res = await kernel.inject({ method: 'POST', url: '/auth/login', payload: { username, password } });
    expect(res.statusCode).toBe(200);
    return res.json() as { token: string; sessionId: string; expiresIn: number };
  };

  it('opens a session at login, with the timeout of the longest group', async () => {
    const member = await login('ada', 'ada-pass');
    expect(member.expiresIn).toBe(1800);
    expect((await login('root', 'root-pass')).expiresIn).toBe(3600);
    const me = await kernel.inject({ method: 'GET', url: '/auth/me', headers: { authorization: `Bearer ${member.token}` } });
    expect(me.json()).toMatchObject({ name: 'ada', scheme: 'sessionAuth', sessionId: member.sessionId });
  });

  it('ends the session at logout: the token is refused after, with reason `session-ended`', async () => {
    const { token } = await login('ada', 'ada-pass');
    const auth = { authorization: `Bearer ${token}` };
    expect((await kernel.inject({ method: 'POST', url: '/auth/logout', headers: auth })).statusCode).toBe(204);
    const after = await kernel.inject({ method: 'GET', url: '/notes', headers: auth });
    expect(after.statusCode).toBe(401);
    expect(after.json().failures).toContainEqual({ scheme: 'sessionAuth', reason: 'session-ended' });
  });

  it('does not accept logout with a scheme that has no session (Basic): 401 naming the session scheme', async () => {
    const res = await kernel.inject({ method: 'POST', url: '/auth/logout', headers: { authorization: basicHeader('ada', 'ada-pass') } });
    expect(res.statusCode).toBe(401);
    expect(res.json().schemes).toEqual(['sessionAuth']);
  });

  it('lets admins list and end sessions, without their secrets; members may not', async () => {
    const member = await login('ada', 'ada-pass');
    const admin = { authorization: basicHeader('root', 'root-pass') };
    const list = await kernel.inject({ method: 'GET', url: '/auth/sessions', headers: admin });
    expect(list.statusCode).toBe(200);
    const mine = list.json().find((s: { id: string }) => s.id === member.sessionId);
    expect(mine).toMatchObject({ userName: 'ada', groups: ['member'], scheme: 'sessionAuth', timeout: 1800 });
    expect(JSON.stringify(list.json())).not.toMatch(/secretHash|"key"/);
    expect(list.body).not.toContain(member.token.split('.')[1]);

    const refused = await kernel.inject({ method: 'GET', url: '/auth/sessions', headers: { authorization: basicHeader('ada', 'ada-pass') } });
    expect(refused.statusCode).toBe(403);

    expect((await kernel.inject({ method: 'DELETE', url: `/auth/sessions/${member.sessionId}`, headers: admin })).statusCode).toBe(204);
    expect((await kernel.inject({ method: 'GET', url: '/notes', headers: { authorization: `Bearer ${member.token}` } })).statusCode).toBe(401);
    const again = await kernel.inject({ method: 'DELETE', url: `/auth/sessions/${member.sessionId}`, headers: admin });
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe('BURROW_ERR_AUTH_SESSION_NOT_FOUND');
  });

  it('answers a wrong password and an unknown user alike', async () => {
    const wrong = await kernel.inject({ method: 'POST', url: '/auth/login', payload: { username: 'ada', password: 'nope' } });
    const unknown = await kernel.inject({ method: 'POST', url: '/auth/login', payload: { username: 'nobody', password: 'nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined, instance: undefined });
    expect(strip(wrong.json())).toEqual(strip(unknown.json()));
  });
});

describe('auth plugin: brute-force lockout', () => {
  it('locks an account after repeated failures: 429 with Retry-After, even for the right password', async () => {
    const kernel = await pluginKernel({ lockout: { attempts: 3, duration: 60 } });
    const wrong = { authorization: basicHeader('ada', 'wrong') };
    for (let i = 0; i < 2; i++) expect((await kernel.inject({ method: 'GET', url: '/notes', headers: wrong })).statusCode).toBe(401);
    const third = await kernel.inject({ method: 'GET', url: '/notes', headers: wrong });
    expect(third.statusCode).toBe(429);
    expect(third.json().code).toBe('BURROW_ERR_AUTH_LOCKED');
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    const right = await kernel.inject({ method: 'GET', url: '/notes', headers: { authorization: basicHeader('ada', 'ada-pass') } });
    expect(right.statusCode).toBe(429);
    const login = await kernel.inject({ method: 'POST', url: '/auth/login', payload: { username: 'ada', password: 'ada-pass' } });
    expect(login.statusCode).toBe(429);
    // Another account is not locked by ada's failures.
    expect((await kernel.inject({ method: 'GET', url: '/notes', headers: { authorization: basicHeader('root', 'root-pass') } })).statusCode).toBe(200);
    await kernel.close();
  });
});

describe('auth plugin: boot', () => {
  it('seeds the admin account once, hashed', async () => {
    const users = memoryUsers([]);
    const options = { users, admin: { name: 'boss', password: 'boss-pass-1' } };
    const first = await pluginKernel(options);
    await first.close();
    const second = await pluginKernel(options);
    const res = await second.inject({ method: 'GET', url: '/admin', headers: { authorization: basicHeader('boss', 'boss-pass-1') } });
    expect(res.statusCode).toBe(200);
    expect(await users.count()).toBe(1);
    expect((await users.findByName('boss'))!.passwordHash).toMatch(/^scrypt\$/);
    await second.close();
  });

  it('refuses x-burrow-rights naming a group that does not exist, and one off an operation', async () => {
    const contract = structuredClone(CONTRACT) as Record<string, any>;
    contract.paths['/admin'].get['x-burrow-rights'] = { groups: ['admins'] };
    contract['x-burrow-rights'] = { groups: ['admin'] };
    const boot = createKernel({ contract: contract as never, contractCache: false, logger: { level: 'silent' }, handlers: {}, plugins: [auth({ schemes: { keyAuth: apiKey({ keys: [{ hash: hashApiKey('k'), name: 'k' }] }) }, groups: { admin: { rights: '*' } }, admin: false })] });
    await expect(boot).rejects.toMatchObject({ code: 'BURROW_ERR_BOOT_CONFORMANCE' });
    await expect(boot).rejects.toThrow(/admins is not a group of the auth plugin/);
    await expect(boot).rejects.toThrow(/x-burrow-rights belongs on an operation/);
  });

  it('names every scheme that needs a kind', async () => {
    const contract = structuredClone(CONTRACT) as Record<string, any>;
    contract.components.securitySchemes.oauth = { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://x/token', scopes: {} } } };
    const boot = createKernel({ contract: contract as never, contractCache: false, logger: { level: 'silent' }, handlers: {}, plugins: [auth({ admin: false })] });
    await expect(boot).rejects.toThrow(/keyAuth \(apiKey in header\): give it a kind[\s\S]*oauth \(oauth2\): give it a kind, e\.g\. auth\(\{ schemes: \{ oauth: jwt/);
  });
});
