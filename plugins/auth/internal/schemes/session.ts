/**
 * Login sessions with an opaque token: `POST {basePath}/login` checks a name and a
 * password and answers a token `{sessionId}.{secret}`, which the client then sends
 * where the security scheme object says (`Authorization: Bearer …` for an http
 * bearer scheme, the named cookie or header for an apiKey scheme). The session lives
 * in the plugin's session store and ends after its idle timeout, at logout, or when
 * an admin ends it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { allow, deny, type RawHandler, type RequestContext, type VerifyResult } from 'burrowjs';
import { readCredential } from '../credentials.js';
import { authErrors } from '../errors.js';
import type { Principal, SchemeEnv, SchemeKind, SchemeOperations, SchemeRuntime } from '../types.js';

/** Options of {@link session}. */
export interface SessionOptions {
  /**
   * Contribute `POST {basePath}/login` (operationId `authLogin`). Default true. When
   * several session schemes keep the default (a bearer one and a cookie one), the
   * first contributes the operation and the others join it: one login answers the
   * token and sets the cookie of every cookie scheme that joined. `false`: this
   * scheme only accepts tokens (opened by another scheme's login).
   */
  login?: boolean;
  /**
   * The `Secure` attribute of the session cookie (apiKey schemes in a cookie):
   * `'auto'` (default) when the request reached this process over TLS. Behind a
   * proxy that ends TLS, set `true` (the proxy's headers are not trusted for it).
   */
  secureCookie?: boolean | 'auto';
}

/** The operationId of the login operation. */
export const LOGIN_OPERATION_ID = 'authLogin';

const ID = /^[A-Za-z0-9_-]{22}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

/** One login operation per plugin instance (its event bus) and base path, shared by the session schemes that join it. */
interface LoginSite {
  cookies: { name: string; secure: boolean | 'auto' }[];
}
const sites = new WeakMap<object, Map<string, LoginSite>>();

/**
 * The session scheme kind: an opaque token from the login operation. The default
 * kind of an `http` bearer scheme without `bearerFormat: JWT` and of an `apiKey`
 * scheme in a cookie. Reasons: `missing`, `malformed` (not `{id}.{secret}`),
 * `session-ended` (unknown, idled out, logged out or ended by an admin), `invalid`
 * (the secret does not match).
 *
 * The login sets, for an apiKey scheme in a cookie, `Set-Cookie: {name}={token};
 * HttpOnly; SameSite=Lax; Path=/` (plus `Secure`, see `secureCookie`): the cookie is
 * out of reach of scripts and not sent on cross-site POSTs. The token is also in the
 * body, for clients that send it as a header.
 *
 * @example
 * // components.securitySchemes: { sessionAuth: { type: http, scheme: bearer } }
 * auth({ schemes: { sessionAuth: session() }, users: memoryUsers([{ name: 'ada', password: 's3cret' }]) })
 * // POST /auth/login {"username":"ada","password":"s3cret"} → { token, … }; then Authorization: Bearer <token>
 */
export function session(options: SessionOptions = {}): SchemeKind {
  const secure = options.secureCookie ?? 'auto';
  return {
    kind: 'session',
    setup(env: SchemeEnv): SchemeRuntime {
      const runtime: SchemeRuntime = { verify: (ctx) => verifySession(env, ctx) };
      if (options.login === false) return runtime;
      const { definition } = env;
      let byPath = sites.get(env.events);
      if (!byPath) sites.set(env.events, (byPath = new Map()));
      const joined = byPath.get(env.basePath);
      const site = joined ?? { cookies: [] };
      if (definition.type === 'apiKey' && definition.in === 'cookie' && definition.name) site.cookies.push({ name: definition.name, secure });
      if (joined) return runtime;
      byPath.set(env.basePath, site);
      runtime.operations = loginOperations(env, site);
      return runtime;
    },
  };
}

async function verifySession(env: SchemeEnv, ctx: RequestContext): Promise<VerifyResult> {
  const token = readCredential(ctx, env.definition);
  if (token === undefined) return deny('no session token', 'missing');
  const dot = token.indexOf('.');
  const id = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  if (dot === -1 || !ID.test(id) || !SECRET.test(secret)) return deny('the session token is malformed', 'malformed');
  const record = await env.sessions.get(id);
  if (!record) return deny('the session has ended (logged out, idle too long, or ended by an admin)', 'session-ended');
  const expected = Buffer.from(record.secretHash, 'base64url');
  const actual = createHash('sha256').update(secret).digest();
  // A signed session (it has a key) is never usable as an opaque token.
  if (record.key !== undefined || expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    return deny('the session token is not valid', 'invalid');
  }
  await env.sessions.touch(id, Date.now());
  const principal: Principal = { id: record.userId, name: record.userName, groups: [...record.groups], scheme: env.name, scopes: [], sessionId: record.id };
  return allow(principal);
}

function loginOperations(env: SchemeEnv, site: LoginSite): SchemeOperations {
  const problem = { $ref: '#/components/responses/BurrowProblem' };
  const body = { $ref: '#/components/schemas/AuthLoginRequest' };
  const operation = {
    operationId: LOGIN_OPERATION_ID,
    tags: ['auth'],
    summary: 'Log in with a user name and a password',
    description:
      'Opens a session and answers its token, to send as the security scheme says; for a session scheme in a cookie, also sets the cookie (HttpOnly, SameSite=Lax). ' +
      'The answer is the same 401 for an unknown user, a wrong password and a disabled account. Repeated failures lock the account and the address for a while (429, Retry-After).',
    security: [],
    requestBody: {
      required: true,
      content: { 'application/json': { schema: body }, 'application/x-www-form-urlencoded': { schema: body } },
    },
    responses: {
      '200': {
        description: 'Logged in: the session token.',
        headers: { 'Set-Cookie': { description: 'The session cookie, for cookie session schemes.', schema: { type: 'string' } } },
        content: { 'application/json': { schema: { $ref: '#/components/schemas/AuthLoginResult' } } },
      },
      '401': problem,
      '429': problem,
      '503': problem,
    },
  };
  return {
    paths: { [`${env.basePath}/login`]: { post: operation } },
    schemas: LOGIN_SCHEMAS,
    handlers: { [LOGIN_OPERATION_ID]: loginHandler(env, site) },
  };
}

function loginHandler(env: SchemeEnv, site: LoginSite): RawHandler {
  return async (ctx) => {
    const { username, password } = ctx.body as { username: string; password: string };
    await env.lockout.check(ctx, username);
    const user = await env.users.findByName(username);
    // An unknown user still costs one scrypt: the time of a failure does not tell whether the name exists.
    const matches = await env.passwords.verify(user?.passwordHash ?? null, password);
    if (!user || user.disabled || !matches) {
      await env.lockout.fail(ctx, username);
      throw authErrors.create('BURROW_ERR_AUTH_LOGIN_FAILED');
    }
    await env.lockout.succeed(ctx, username);
    const { session, token } = await env.openSession(ctx, user);
    const tls = (ctx.req.socket as TLSSocket | undefined)?.encrypted === true;
    const cookies = site.cookies.map(({ name, secure }) => `${name}=${token}; HttpOnly; SameSite=Lax; Path=/${secure === true || (secure === 'auto' && tls) ? '; Secure' : ''}`);
    return {
      status: 200,
      // Several cookies are several Set-Cookie headers (node:http writes an array as such).
      ...(cookies.length ? { headers: { 'set-cookie': (cookies.length === 1 ? cookies[0] : cookies) as string } } : {}),
      body: { token, sessionId: session.id, expiresIn: session.timeout, user: { id: user.id, name: user.name, groups: [...user.groups] } },
    };
  };
}

/** The login's request and answer. */
export const LOGIN_SCHEMAS: Record<string, unknown> = {
  AuthLoginRequest: {
    type: 'object',
    description: 'A user name and a password (JSON, or an HTML form).',
    required: ['username', 'password'],
    properties: {
      username: { type: 'string', minLength: 1, maxLength: 256 },
      password: { type: 'string', minLength: 1, maxLength: 1024, format: 'password', writeOnly: true },
    },
  },
  AuthLoginResult: {
    type: 'object',
    required: ['token', 'sessionId', 'expiresIn', 'user'],
    properties: {
      token: { type: 'string', description: 'The session token `{sessionId}.{secret}`: send it as the security scheme says. Shown once.' },
      sessionId: { type: 'string', description: 'The public id of the session (listed to admins, ended by id).' },
      expiresIn: { type: 'integer', description: 'Idle timeout in seconds: the session ends after this long without a request.' },
      user: {
        type: 'object',
        required: ['id', 'name', 'groups'],
        properties: { id: { type: 'string' }, name: { type: 'string' }, groups: { type: 'array', items: { type: 'string' } } },
      },
    },
  },
};
