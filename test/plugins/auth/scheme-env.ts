/**
 * A SchemeEnv for testing one scheme kind without the plugin: users in a Map, a
 * counting lockout that locks after `attempts` failures, cheap scrypt, and a kernel
 * over an inline contract whose verifier is the scheme's runtime (plus the scope
 * check the plugin adds).
 */
import { randomUUID } from 'node:crypto';
import {
  createEventBus,
  createKernel,
  createLogger,
  forbid,
  type Kernel,
  type OpenApiDocument,
  type RequestContext,
  type SecuritySchemeObject,
} from 'burrowjs';
import { auth, type AuthOptions } from 'burrowjs/plugins/auth';
import { authErrors } from '../../../plugins/auth/internal/errors.js';
import { createPasswords } from '../../../plugins/auth/internal/password.js';
import type { Lockout, Principal, SchemeEnv, SchemeKind, SchemeRuntime, SessionStore, UserRecord, UserStore } from '../../../plugins/auth/internal/types.js';

/** Cheap parameters: the hashing itself is tested in password.test.ts. */
export const testPasswords = createPasswords({ N: 2 ** 10 });

/** A user as tests give it: a plain password, hashed here. */
export interface TestUser {
  name: string;
  password?: string;
  groups?: string[];
  disabled?: boolean;
  id?: string;
}

/** A Map-backed user store that counts lookups. */
export async function testUsers(users: TestUser[] = []): Promise<UserStore & { lookups: string[] }> {
  const byName = new Map<string, UserRecord>();
  const lookups: string[] = [];
  const add = (user: UserRecord) => {
    byName.set(user.name, user);
    return user;
  };
  for (const u of users) {
    add({ id: u.id ?? randomUUID(), name: u.name, passwordHash: u.password ? await testPasswords.hash(u.password) : null, groups: u.groups ?? [], disabled: u.disabled });
  }
  return {
    lookups,
    async findByName(name) {
      lookups.push(name);
      const user = byName.get(name);
      return user && { ...user };
    },
    async findById(id) {
      lookups.push(id);
      const user = [...byName.values()].find((u) => u.id === id);
      return user && { ...user };
    },
    async create(user) {
      return add({ id: randomUUID(), ...user });
    },
    async count() {
      return byName.size;
    },
  };
}

/** A lockout that records its calls and locks an account after `attempts` failures. */
export function testLockout(attempts = 1000): Lockout & { calls: string[]; failures: Map<string, number> } {
  const failures = new Map<string, number>();
  const calls: string[] = [];
  const locked = (account: string) => authErrors.create('BURROW_ERR_AUTH_LOCKED', { seconds: '30' }, { headers: { 'retry-after': '30' } });
  return {
    calls,
    failures,
    async check(_ctx, account) {
      calls.push(`check:${account}`);
      if ((failures.get(account) ?? 0) >= attempts) throw locked(account);
    },
    async fail(_ctx, account) {
      calls.push(`fail:${account}`);
      const count = (failures.get(account) ?? 0) + 1;
      failures.set(account, count);
      if (count >= attempts) throw locked(account);
    },
    async succeed(_ctx, account) {
      calls.push(`succeed:${account}`);
      failures.delete(account);
    },
  };
}

/** Sessions are not used by the stateless schemes tested with this env: any call fails the test. */
const noSessions = new Proxy({} as SessionStore, {
  get(_target, key) {
    if (key === 'then') return undefined;
    return () => {
      throw new Error(`a stateless scheme used the session store (${String(key)})`);
    };
  },
});

/** Builds the env the plugin would give the scheme `name`. */
export function schemeEnv(name: string, definition: SecuritySchemeObject, parts: { users: UserStore; lockout?: Lockout }): SchemeEnv {
  const logger = createLogger({ level: 'silent' });
  return {
    name,
    definition,
    users: parts.users,
    sessions: noSessions,
    lockout: parts.lockout ?? testLockout(),
    passwords: testPasswords,
    sessionTimeout: () => 1800,
    basePath: '/auth',
    logger,
    events: createEventBus(logger),
    openSession: () => {
      throw new Error('a stateless scheme opened a session');
    },
    principalOf(user: UserRecord, extra?: Partial<Principal>): Principal {
      return { id: user.id, name: user.name, groups: [...user.groups], scheme: name, scopes: [], ...extra };
    },
  };
}

/** A contract with one scheme: GET /public (open), GET /me (secured), GET /admin (needs scope `admin`). */
export function schemeContract(name: string, definition: SecuritySchemeObject): OpenApiDocument {
  const ok = { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } };
  // The kernel refuses query parameters the contract does not declare, the one an
  // `apiKey` scheme names included (reported to the lead): declare it meanwhile.
  const parameters = definition.type === 'apiKey' && definition.in === 'query' ? [{ name: definition.name, in: 'query', schema: { type: 'string' } }] : [];
  return {
    openapi: '3.1.0',
    info: { title: 'scheme test', version: '1.0.0' },
    components: { securitySchemes: { [name]: definition } },
    security: [{ [name]: [] }],
    paths: {
      '/public': { get: { operationId: 'open', security: [], responses: { 200: ok } } },
      '/me': { get: { operationId: 'me', parameters, responses: { 200: ok } } },
      '/admin': { get: { operationId: 'admin', parameters, security: [{ [name]: ['admin'] }], responses: { 200: ok } } },
    },
  } as OpenApiDocument;
}

/** A kernel whose scheme `name` is `kind`, set up over `env` as the plugin would. */
export async function schemeKernel(
  kind: SchemeKind,
  name: string,
  definition: SecuritySchemeObject,
  env: SchemeEnv,
): Promise<{ kernel: Kernel; runtime: SchemeRuntime }> {
  const runtime = await kind.setup(env);
  const echo = (ctx: RequestContext) => ({ status: 200, body: { principal: ctx.principal } });
  const kernel = await createKernel({
    contract: schemeContract(name, definition),
    logger: { level: 'silent' },
    errors: [authErrors],
    handlers: { open: echo, me: echo, admin: echo },
    security: {
      async [name](ctx, { scopes }) {
        const result = await runtime.verify(ctx);
        if (!result.ok) return result;
        const principal = result.principal as Principal;
        const granted = new Set([...principal.scopes, ...principal.groups]);
        const missing = scopes.filter((s) => !granted.has(s));
        return missing.length ? forbid(`missing scope ${missing.join(' ')}`, 'missing-scope') : result;
      },
    },
  });
  return { kernel, runtime };
}

/** A kernel over the same contract with the auth plugin itself serving scheme `name` as `kind`. */
export async function pluginKernel(kind: SchemeKind, name: string, definition: SecuritySchemeObject, options: Partial<AuthOptions> = {}): Promise<Kernel> {
  const echo = (ctx: RequestContext) => ({ status: 200, body: { principal: ctx.principal } });
  return createKernel({
    contract: schemeContract(name, definition),
    contractCache: false,
    logger: { level: 'silent' },
    handlers: { open: echo, me: echo, admin: echo },
    plugins: [auth({ schemes: { [name]: kind }, password: { N: 2 ** 10 }, admin: false, ...options })],
  });
}
