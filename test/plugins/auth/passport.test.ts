import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { BasicStrategy } from 'passport-http';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { Strategy } from 'passport-strategy';
import type { Kernel, SecuritySchemeObject } from 'burrowjs';
import { passport, type PassportOptions, type PassportStrategy } from '../../../plugins/auth/internal/schemes/passport.js';
import { pluginKernel, schemeEnv, schemeKernel, testUsers } from './scheme-env.js';

const BASIC: SecuritySchemeObject = { type: 'http', scheme: 'basic' };
const BEARER: SecuritySchemeObject = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' };
const SECRET = 'passport-jwt-test-secret-32-bytes-long!';
const PEOPLE: Record<string, { id: number; username: string; password: string; groups: string[] }> = {
  ada: { id: 7, username: 'ada', password: 's3cret', groups: ['admin'] },
};

const kernels: Kernel[] = [];
afterAll(() => Promise.all(kernels.map((k) => k.close())));

async function strategyKernel(strategy: PassportStrategy, definition: SecuritySchemeObject, options?: PassportOptions<any>) {
  // The env's session store throws when used: passing these tests proves no session is touched.
  const env = schemeEnv('pp', definition, { users: await testUsers() });
  const { kernel } = await schemeKernel(passport(strategy, options), 'pp', definition, env);
  kernels.push(kernel);
  return kernel;
}

const basicHeader = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
const token = (claims: Record<string, unknown>, secret = SECRET) =>
  new SignJWT({ sub: 'u1', ...claims }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(secret));

async function expectProblem(res: Awaited<ReturnType<Kernel['inject']>>, reason: string) {
  expect(res.statusCode).toBe(401);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.json()).toMatchObject({ code: 'BURROW_ERR_AUTH_UNAUTHENTICATED', failures: [{ scheme: 'pp', reason }] });
}

describe('passport() with passport-http BasicStrategy', () => {
  let kernel: Kernel;
  beforeAll(async () => {
    const strategy = new BasicStrategy((name, password, done) => {
      const person = PEOPLE[name];
      done(null, person && person.password === password ? { id: person.id, username: person.username, groups: person.groups } : false);
    });
    kernel = await strategyKernel(strategy, BASIC);
  });
  const me = (authorization?: string) => kernel.inject({ method: 'GET', url: '/me', headers: authorization ? { authorization } : {} });

  it('accepts the right credentials: the default principal maps id, username and groups', async () => {
    const res = await me(basicHeader('ada:s3cret'));
    expect(res.statusCode).toBe(200);
    expect(res.json().principal).toEqual({ id: '7', name: 'ada', groups: ['admin'], scheme: 'pp', scopes: [] });
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('answers a wrong password with a Burrow 401 invalid (passport never writes the response)', async () => {
    const res = await me(basicHeader('ada:nope'));
    await expectProblem(res, 'invalid');
    expect(res.headers['www-authenticate']).toBe('Basic realm="pp"');
  });

  it('answers no credentials with 401 missing', async () => expectProblem(await me(), 'missing'));

  it('lets the group be used as a role by the scope check', async () => {
    const users = await strategyKernel(new BasicStrategy((_n, _p, done) => done(null, { id: 1, username: 'u', groups: ['member'] })), BASIC);
    const res = await users.inject({ method: 'GET', url: '/admin', headers: { authorization: basicHeader('u:p') } });
    expect(res.statusCode).toBe(403);
    expect(res.json().failures).toEqual([{ scheme: 'pp', reason: 'missing-scope' }]);
    expect((await kernel.inject({ method: 'GET', url: '/admin', headers: { authorization: basicHeader('ada:s3cret') } })).statusCode).toBe(200);
  });
});

describe('passport() with passport-jwt', () => {
  let kernel: Kernel;
  beforeAll(async () => {
    const strategy = new JwtStrategy({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: SECRET, algorithms: ['HS256'] }, (payload: Record<string, unknown>, done: (err: unknown, user?: unknown, info?: unknown) => void) =>
      payload.sub === 'banned' ? done(null, false) : done(null, { id: payload.sub, name: payload.name }, { scope: payload.scope }),
    );
    kernel = await strategyKernel(strategy, BEARER);
  });
  const me = (bearer?: string) => kernel.inject({ method: 'GET', url: '/me', headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

  it('accepts a valid token, with scopes from the info the strategy gives', async () => {
    const res = await me(await token({ name: 'Ada', scope: 'read write' }));
    expect(res.statusCode).toBe(200);
    expect(res.json().principal).toEqual({ id: 'u1', name: 'Ada', groups: [], scheme: 'pp', scopes: ['read', 'write'] });
  });

  it('answers a token signed with another secret with 401 invalid', async () => expectProblem(await me(await token({}, 'another-secret-that-is-32-bytes-long')), 'invalid'));
  it('answers a user the verify callback refuses with 401 invalid', async () => expectProblem(await me(await token({ sub: 'banned' })), 'invalid'));
  it('answers a garbage token with 401 invalid', async () => expectProblem(await me('not-a-jwt'), 'invalid'));
  it('answers no token with 401 missing', async () => expectProblem(await me(), 'missing'));

  it('reads a token from the query (the request view carries the url)', async () => {
    const definition: SecuritySchemeObject = { type: 'apiKey', in: 'query', name: 'access_token' };
    const strategy = new JwtStrategy({ jwtFromRequest: ExtractJwt.fromUrlQueryParameter('access_token'), secretOrKey: SECRET }, (payload: { sub: string }, done: (e: unknown, u: unknown) => void) => done(null, { id: payload.sub }));
    const q = await strategyKernel(strategy, definition);
    expect((await q.inject({ method: 'GET', url: `/me?access_token=${await token({})}` })).json().principal).toMatchObject({ id: 'u1' });
    await expectProblem(await q.inject({ method: 'GET', url: '/me' }), 'missing');
  });

  it('uses options.principal to build the principal', async () => {
    const strategy = new JwtStrategy({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: SECRET }, (payload: object, done: (e: unknown, u: unknown) => void) => done(null, payload));
    const custom = await strategyKernel(strategy, BEARER, { principal: (user: { sub: string; roles: string[] }) => ({ id: `user:${user.sub}`, groups: user.roles, claims: user }) });
    const res = await custom.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${await token({ roles: ['r1'] })}` } });
    expect(res.json().principal).toMatchObject({ id: 'user:u1', name: 'user:u1', groups: ['r1'], scopes: [], claims: { sub: 'u1', roles: ['r1'] } });
  });
});

/** A strategy that redirects (an OAuth login page) or errors, through passport's own machinery. */
class Scripted extends Strategy {
  constructor(private readonly act: (self: Strategy) => void) {
    super();
  }
  override authenticate() {
    this.act(this);
  }
}

describe('passport() edge cases', () => {
  it('refuses a redirect with a 401 instead of sending it', async () => {
    const kernel = await strategyKernel(new Scripted((s) => s.redirect('https://idp.example.com/login')), BEARER);
    const res = await kernel.inject({ method: 'GET', url: '/me', headers: { authorization: 'Bearer x' } });
    await expectProblem(res, 'invalid');
    expect(res.headers.location).toBeUndefined();
  });

  it('answers a strategy error with 500, without its message', async () => {
    const kernel = await strategyKernel(new Scripted((s) => s.error(new Error('ldap password for cn=admin is hunter2'))), BEARER);
    const res = await kernel.inject({ method: 'GET', url: '/me', headers: { authorization: 'Bearer x' } });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('hunter2');
  });

  it('treats pass() (authentication skipped) as no credentials', async () => {
    const kernel = await strategyKernel(new Scripted((s) => s.pass()), BEARER);
    await expectProblem(await kernel.inject({ method: 'GET', url: '/me' }), 'missing');
  });

  it('answers a strategy failing with status 400 while credentials are present as malformed', async () => {
    const kernel = await strategyKernel(new Scripted((s) => s.fail(400)), BEARER);
    await expectProblem(await kernel.inject({ method: 'GET', url: '/me', headers: { authorization: 'Bearer x' } }), 'malformed');
  });

  it('answers 500 when the default mapping finds no id on the user', async () => {
    const kernel = await strategyKernel(new Scripted((s) => s.success({ email: 'a@b.c' })), BEARER);
    expect((await kernel.inject({ method: 'GET', url: '/me', headers: { authorization: 'Bearer x' } })).statusCode).toBe(500);
  });

  it('refuses something that is not a strategy', () => {
    expect(() => passport({} as PassportStrategy)).toThrow(/passport strategy/);
  });
});

describe('passport() through auth()', () => {
  it('authenticates with a passport-http BasicStrategy, and answers a failure with a 401 problem', async () => {
    const strategy = new BasicStrategy((name, password, done) => done(null, name === 'ada' && password === 's3cret' ? { id: 7, username: 'ada' } : false));
    const kernel = await pluginKernel(passport(strategy), 'pp', BASIC);
    kernels.push(kernel);
    const ok = await kernel.inject({ method: 'GET', url: '/me', headers: { authorization: basicHeader('ada:s3cret') } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().principal).toMatchObject({ id: '7', name: 'ada', scheme: 'pp' });
    expect(ok.headers['set-cookie']).toBeUndefined();
    const bad = await kernel.inject({ method: 'GET', url: '/me', headers: { authorization: basicHeader('ada:nope') } });
    await expectProblem(bad, 'invalid');
    expect(bad.headers['www-authenticate']).toBe('Basic realm="pp"');
  });

  it('authenticates with passport-jwt and refuses a bad token', async () => {
    const strategy = new JwtStrategy({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: SECRET }, (payload: { sub: string }, done: (e: unknown, u: unknown) => void) => done(null, { id: payload.sub }));
    const kernel = await pluginKernel(passport(strategy), 'pp', BEARER);
    kernels.push(kernel);
    const ok = await kernel.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${await token({})}` } });
    expect(ok.json().principal).toMatchObject({ id: 'u1', scheme: 'pp' });
    await expectProblem(await kernel.inject({ method: 'GET', url: '/me', headers: { authorization: 'Bearer nope' } }), 'invalid');
  });
});
