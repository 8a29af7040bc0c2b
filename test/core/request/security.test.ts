import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timingSafeEqual } from 'node:crypto';
import { allow, createKernel, deny, forbid, type Kernel, type Verifier } from '../../../core/index.js';
import { ADAPTERS, agent } from '../../helpers.js';

const TOKENS: Record<string, { user: string; scopes: string[] }> = {
  alice: { user: 'alice', scopes: ['tasks:admin'] },
  bob: { user: 'bob', scopes: [] },
};

const bearer: Verifier = (ctx, { scopes }) => {
  const header = ctx.headers.authorization;
  if (!header?.startsWith('Bearer ')) return deny('no bearer token');
  const token = TOKENS[header.slice(7)];
  if (!token) return deny('unknown token');
  const missing = scopes.filter((s) => !token.scopes.includes(s));
  return missing.length ? forbid(`missing scope ${missing.join(' ')}`) : allow({ user: token.user });
};

const KEY = Buffer.from('k3y');
const apiKey: Verifier = (ctx) => {
  const given = Buffer.from(String(ctx.headers['x-api-key'] ?? ''));
  return given.length === KEY.length && timingSafeEqual(given, KEY) ? allow({ key: 'k' }) : deny('no valid api key');
};

const echo = (ctx: { principal: unknown; auth: unknown }) => ({ status: 200, body: { principal: ctx.principal, auth: ctx.auth } });

describe.each(ADAPTERS)('security requirements (%s adapter)', (adapter) => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await createKernel({
      contract: 'test/fixtures/secured.yaml',
      logger: { level: 'silent' },
      handlers: { publicThing: echo, whoAmI: echo, either: echo, both: echo, admin: echo },
      security: { bearerAuth: bearer, apiKey },
    });
  });
  afterAll(() => kernel.close());

  it('lets an operation with `security: []` through anonymously', async () => {
    expect((await agent(kernel, adapter).get('/public')).status).toBe(200);
  });

  it('answers missing credentials with 401, WWW-Authenticate, and the failing scheme named', async () => {
    const res = await agent(kernel, adapter).get('/me');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="bearerAuth"');
    expect(res.body).toMatchObject({ code: 'BURROW_ERR_AUTH_UNAUTHENTICATED', schemes: ['bearerAuth'] });
    expect(res.body.detail).toContain('bearerAuth');
  });

  it('lists each failing scheme with its reason in `failures`', async () => {
    const res = await agent(kernel, adapter).get('/either').set('authorization', 'Bearer nobody');
    expect(res.status).toBe(401);
    expect(res.body.failures).toEqual([
      { scheme: 'bearerAuth', reason: 'invalid' },
      { scheme: 'apiKey', reason: 'invalid' },
    ]);
  });

  it('sets the principal from the root security requirement', async () => {
    const res = await agent(kernel, adapter).get('/me').set('authorization', 'Bearer bob');
    expect(res.body.principal).toEqual({ user: 'bob' });
  });

  it('ORs requirement objects: either scheme is enough', async () => {
    expect((await agent(kernel, adapter).get('/either').set('x-api-key', 'k3y')).body.auth).toEqual({ apiKey: { key: 'k' } });
    expect((await agent(kernel, adapter).get('/either').set('authorization', 'Bearer bob')).status).toBe(200);
    const none = await agent(kernel, adapter).get('/either');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="bearerAuth", ApiKey realm="apiKey", in="header", name="X-API-Key"');
  });

  it('ANDs the schemes inside one requirement object', async () => {
    const onlyOne = await agent(kernel, adapter).get('/both').set('authorization', 'Bearer bob');
    expect(onlyOne.status).toBe(401);
    expect(onlyOne.body.schemes).toEqual(['apiKey']);
    const both = await agent(kernel, adapter).get('/both').set('authorization', 'Bearer bob').set('x-api-key', 'k3y');
    expect(both.body.auth).toEqual({ bearerAuth: { user: 'bob' }, apiKey: { key: 'k' } });
  });

  it('passes the required scopes to the verifier: 403 when they are missing', async () => {
    const res = await agent(kernel, adapter).get('/admin').set('authorization', 'Bearer bob');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('BURROW_ERR_AUTH_FORBIDDEN');
    expect(res.body.detail).toContain('tasks:admin');
    expect((await agent(kernel, adapter).get('/admin').set('authorization', 'Bearer alice')).status).toBe(200);
  });

  it('checks security before validation: an anonymous invalid request gets 401, not 400', async () => {
    expect((await agent(kernel, adapter).get('/me?undeclared=1')).status).toBe(401);
  });
});

describe('an apiKey scheme read from the query', () => {
  it('takes its parameter as the scheme\'s, not as an undeclared query parameter', async () => {
    const kernel = await createKernel({
      contract: {
        openapi: '3.1.0',
        info: { title: 'query key', version: '1' },
        components: { securitySchemes: { queryKey: { type: 'apiKey', in: 'query', name: 'api_key' } } },
        security: [{ queryKey: [] }],
        paths: {
          '/things': { get: { operationId: 'things', responses: { '200': { description: 'ok' } } } },
          '/open': { get: { operationId: 'open', security: [], responses: { '200': { description: 'ok' } } } },
        },
      } as never,
      contractCache: false,
      logger: { level: 'silent' },
      handlers: { things: () => ({ status: 200 }), open: () => ({ status: 200 }) },
      security: { queryKey: (ctx) => (ctx.rawQuery === 'api_key=k3y' ? allow({ key: 'k' }) : deny()) },
    });
    expect((await kernel.inject('/things?api_key=k3y')).statusCode).toBe(200);
    expect((await kernel.inject('/things?api_key=nope')).statusCode).toBe(401);
    // Where the scheme does not apply, the name is an undeclared parameter like any other.
    const open = await kernel.inject('/open?api_key=k3y');
    expect(open.statusCode).toBe(400);
    await kernel.close();
  });
});
