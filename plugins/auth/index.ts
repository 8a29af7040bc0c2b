import { definePlugin, type ContractFragment, type SecuritySchemeObject } from 'burrowjs';
import { parseAuthOptions, type AuthOptions, type ResolvedAuthOptions } from './options.js';
import { authErrors } from './internal/errors.js';
import { createPasswords } from './internal/password.js';
import { memoryUsers } from './internal/stores/memory-users.js';
import { memorySessions } from './internal/stores/memory-sessions.js';
import { createLockout } from './internal/lockout.js';
import { createSessionOpener } from './internal/session-opener.js';
import { Rights } from './internal/rights.js';
import { commonOperations, OPERATION_IDS } from './internal/operations.js';
import { setUpSchemes, type SetUpScheme } from './internal/schemes-setup.js';
import type { Principal, SchemeEnv, UserRecord } from './internal/types.js';

export type { AuthOptions, ResolvedAuthOptions, GroupOptions, GroupRights, RightAction, AdminSeed, LockoutOptions } from './options.js';
export type { Principal, UserRecord, UserStore, SessionRecord, SessionSummary, SessionStore, Lockout, Passwords, SchemeKind, SchemeEnv, SchemeRuntime, SchemeOperations } from './internal/types.js';
export type { OperationRights } from './internal/rights.js';
export { authErrors } from './internal/errors.js';
export { hashPassword, createPasswords, type PasswordOptions } from './internal/password.js';
export { basic } from './internal/schemes/basic.js';
export { jwt, type JwtOptions } from './internal/schemes/jwt.js';
export { apiKey, hashApiKey, generateApiKey, type ApiKeyOptions } from './internal/schemes/api-key.js';
export { session, type SessionOptions } from './internal/schemes/session.js';
export { signed, type SignedOptions } from './internal/schemes/signed.js';
export { passport, type PassportOptions } from './internal/schemes/passport.js';
export { memoryUsers, type MemoryUser } from './internal/stores/memory-users.js';
export { prismaUsers, type PrismaUsersOptions } from './internal/stores/prisma-users.js';
export { memorySessions } from './internal/stores/memory-sessions.js';
export { redisSessions, type RedisSessionsOptions } from './internal/stores/redis-sessions.js';

declare module 'burrowjs' {
  interface RequestState {
    /** Who made the request, once a scheme of the auth plugin accepted it (never a secret). */
    principal?: Principal;
  }
  interface BurrowEvents {
    /** A login opened a session. */
    'auth.session.opened': { sessionId: string; userId: string; scheme: string };
    /** A session ended by logout or by an admin (idle sessions simply expire). */
    'auth.session.ended': { sessionId: string; userId: string; reason: 'logout' | 'admin' };
    /** Credentials were refused (not merely absent): for audit logs and address bans. */
    'auth.failed': { scheme: string; reason: string; address: string | undefined; operationId: string | undefined };
  }
}

/**
 * Authentication and authorization from the contract: a verifier per
 * `components.securitySchemes` entry (Basic, Bearer JWT, API keys, login sessions,
 * the signed-session scheme, any passport strategy), users and groups with rights
 * (`x-burrow-rights`, group options), record rules pushed into the resources
 * plugin's queries, sessions in memory or Redis, brute-force lockout, and the
 * operations login, logout, me, timestamp and the sessions admin.
 *
 * @example
 * const kernel = await createKernel({
 *   contract: 'openapi/api.yaml',
 *   plugins: [auth({
 *     schemes: { bearerAuth: jwt({ secret: process.env.JWT_SECRET }) },
 *     users: memoryUsers([{ name: 'ada', password: 'correct horse', groups: ['member'] }]),
 *     groups: { admin: { rights: '*' }, member: { rights: { resources: { Task: ['read', 'create'] } } } },
 *   })],
 * })
 */
export const auth = definePlugin<ResolvedAuthOptions, AuthOptions>({
  name: 'auth',
  options: parseAuthOptions,
  async setup(kernel, options) {
    kernel.errors.addFamily(authErrors);
    const passwords = createPasswords(options.password);
    const users = options.users ?? memoryUsers([]);
    const sessions = options.sessions ?? memorySessions();
    const lockout = createLockout(options.lockout);
    const sessionTimeout = (groups: readonly string[]) =>
      Math.max(0, ...groups.map((g) => options.groups[g]?.sessionTimeout ?? 0)) || options.sessionTimeout;
    const openSession = createSessionOpener({ sessions, sessionTimeout, events: kernel.events });

    if (options.admin && !(await users.findByName(options.admin.name))) {
      await users.create({ name: options.admin.name, passwordHash: await passwords.hash(options.admin.password), groups: options.admin.groups });
      kernel.logger.info('auth: seeded the admin account', { user: options.admin.name, groups: options.admin.groups });
    }

    const envFor = (name: string, definition: SecuritySchemeObject): SchemeEnv => ({
      name,
      definition,
      users,
      sessions,
      lockout,
      passwords,
      sessionTimeout,
      basePath: options.basePath,
      logger: kernel.logger,
      events: kernel.events,
      openSession: (ctx, user, extra) => openSession(ctx, user, { scheme: name, ...extra }),
      principalOf: (user: UserRecord, extra?: Partial<Principal>): Principal => ({ id: user.id, name: user.name, groups: user.groups, scheme: name, scopes: [], ...extra }),
    });
    const schemes = await setUpSchemes(kernel, options, envFor);
    const ours = new Set(schemes.map((s) => s.name));

    // Contributions: the common operations, and the login operations of the kinds that need one.
    const sessionSchemes = schemes.filter((s) => s.kind === 'session' || s.kind === 'signed');
    const common = commonOperations({
      basePath: options.basePath,
      tag: options.tag,
      sessions,
      events: kernel.events,
      schemes: schemes.map((s) => s.name),
      sessionSchemes: sessionSchemes.map((s) => s.name),
      sessionCookies: sessionSchemes.filter((s) => s.definition.type === 'apiKey' && s.definition.in === 'cookie').map((s) => String(s.definition.name)),
    });
    const fragment = mergeFragments(common.fragment, schemes);
    kernel.contract.add('auth', fragment);
    for (const [id, handler] of Object.entries(common.handlers)) kernel.handlers.add(id, handler);
    for (const { runtime } of schemes) for (const [id, handler] of Object.entries(runtime.operations?.handlers ?? {})) kernel.handlers.add(id, handler);

    // Rights: x-burrow-rights, group options, the plugin's own operations; the guard for data binders.
    const rights = new Rights(options);
    rights.builtin.set(OPERATION_IDS.me, 'any');
    rights.builtin.set(OPERATION_IDS.logout, 'any');
    rights.builtin.set(OPERATION_IDS.sessions, [options.adminGroup]);
    rights.builtin.set(OPERATION_IDS.endSession, [options.adminGroup]);
    kernel.extensions.add('x-burrow-rights', rights.binder());
    kernel.guards.add('auth', rights.guard());
    kernel.hooks.add('onReady', () => {
      for (const op of kernel.operations.values()) {
        const binding = (op.definition as { 'x-burrow-resource'?: { model?: unknown; action?: unknown } })['x-burrow-resource'];
        if (binding && typeof binding.model === 'string' && typeof binding.action === 'string') rights.resources.set(op.id, { model: binding.model, action: binding.action });
      }
    });
    kernel.hooks.add('postSecurity', (ctx) => {
      const principal = ctx.principal as Principal | undefined;
      if (!principal || !isOurs(ctx.auth, principal, ours)) return;
      ctx.state.principal = principal;
      ctx.logWith({ principalId: principal.id });
      rights.check(principal, { operationId: ctx.operationId! });
    });

    for (const { runtime } of schemes) if (runtime.preHandler) kernel.hooks.add('preHandler', runtime.preHandler);
    if (sessions.kind !== 'memory') kernel.health.add('sessions', () => sessions.ping());
    if (typeof sessions.count === 'function') {
      const count = sessions.count.bind(sessions);
      kernel.gauges.add('auth_sessions_open', { help: 'Live login sessions of the auth plugin (not idled out, not ended; in Redis: of every instance).', read: count });
    }
    return async () => {
      for (const { runtime } of schemes) await runtime.close?.();
      await lockout.close?.();
      await sessions.close();
    };
  },
});

/** Whether the principal comes from a scheme of this plugin (not from a verifier the app registered itself). */
function isOurs(auth: Record<string, unknown>, principal: Principal, ours: ReadonlySet<string>): boolean {
  for (const name in auth) if (auth[name] === principal) return ours.has(name);
  return false;
}

function mergeFragments(common: ContractFragment, schemes: SetUpScheme[]): ContractFragment {
  const paths = { ...common.paths };
  const schemas = { ...common.components?.schemas };
  for (const { runtime } of schemes) {
    Object.assign(paths, runtime.operations?.paths ?? {});
    Object.assign(schemas, runtime.operations?.schemas ?? {});
  }
  return { ...common, paths: paths as ContractFragment['paths'], components: { schemas } };
}

export default auth;
