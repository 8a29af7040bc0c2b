import type { RequestContext, RecordCondition, AccessTarget } from 'burrowjs';
import type { Principal, SchemeKind, SessionStore, UserStore } from './internal/types.js';
import type { Redis } from 'ioredis';
import type { PasswordOptions } from './internal/password.js';

/** A resource action as rights name it: list, get and count are `read`; replace and patch are `update`. */
export type RightAction = 'read' | 'create' | 'update' | 'delete';

/** What a group may do. `'*'` (instead of the object) grants everything. */
export interface GroupRights {
  /** Resource actions by Prisma model name (`Task: ['read', 'create']`), `'*'` for every action; `'*'` as a model: every model. */
  resources?: Record<string, readonly RightAction[] | '*'>;
  /** OperationIds the group may call (any operation, resource or not); `'*'`: every operation. */
  operations?: readonly string[];
}

/** A group: its rights and the idle timeout of its members' sessions. */
export interface GroupOptions {
  rights?: GroupRights | '*';
  /** Seconds a session of a member may stay idle (the longest of a user's groups wins). */
  sessionTimeout?: number;
}

/** The account seeded on first start when no user has its name. */
export interface AdminSeed {
  /** Default: `BURROW_ADMIN_USER`. No admin is seeded when there is neither a name nor a password. */
  name?: string;
  /** Default: `BURROW_ADMIN_PASSWORD`. Hashed before it is stored; never logged. */
  password?: string;
  /** Default `['admin']`. */
  groups?: string[];
}

/** Brute-force protection: failures per account and per client address before a lock. */
export interface LockoutOptions {
  /** Failures of one account before it is locked (5). */
  attempts?: number;
  /** Failures from one address, over every account, before it is locked (50). */
  addressAttempts?: number;
  /** Seconds a lock lasts, and the window failures are counted in (900). */
  duration?: number;
  /** Share the counters through Redis (a URL or your ioredis client); memory when absent. */
  redis?: string | Redis;
  /** Key prefix in Redis (`burrow:auth:`; the lockout's keys are `<prefix>lockout:…`). */
  prefix?: string;
}

/** The options of the auth plugin. */
export interface AuthOptions {
  /**
   * The kind behind each `components.securitySchemes` entry, by name. Schemes the
   * contract declares but this leaves out get a default: `http basic` → `basic()`,
   * `http bearer` (without `bearerFormat: JWT`) → `session()`, `apiKey` in a cookie →
   * `session()`. Any other scheme must be named here (the boot says which).
   */
  schemes?: Record<string, SchemeKind>;
  /** Where users live. Default: no users (token schemes that need none still work). */
  users?: UserStore;
  /** Where sessions live. Default: memory (one process; use `redisSessions` with several). */
  sessions?: SessionStore;
  /** Brute-force protection (always on; these tune it). */
  lockout?: LockoutOptions;
  /** Groups by name, with their rights and session timeouts. Declaring groups turns rights on. */
  groups?: Record<string, GroupOptions>;
  /**
   * Record conditions for the cases `x-burrow-rights` cannot declare: called for every
   * data operation with the principal; answer conditions ANDed into its queries.
   */
  records?: (ctx: RequestContext, target: AccessTarget, principal: Principal) => readonly RecordCondition[] | undefined | Promise<readonly RecordCondition[] | undefined>;
  /** The account seeded on first start (see {@link AdminSeed}); `false`: none. */
  admin?: AdminSeed | false;
  /** The group allowed to list and end every session (`admin`). */
  adminGroup?: string;
  /** Where the plugin's operations live (`/auth`). */
  basePath?: string;
  /** Idle timeout in seconds of sessions whose groups set none (1800). */
  sessionTimeout?: number;
  /** OpenAPI tag of the plugin's operations (`auth`). */
  tag?: string;
  /** The scrypt cost of new password hashes (stored hashes keep theirs): `{ N: 2 ** 15, r: 8, p: 1 }`. */
  password?: PasswordOptions;
}

/** The options after defaults. */
export interface ResolvedAuthOptions {
  schemes: Record<string, SchemeKind>;
  users: UserStore | undefined;
  sessions: SessionStore | undefined;
  lockout: Required<Omit<LockoutOptions, 'redis'>> & { redis?: string | Redis };
  groups: Record<string, GroupOptions>;
  rightsConfigured: boolean;
  records: AuthOptions['records'];
  admin: { name: string; password: string; groups: string[] } | undefined;
  adminGroup: string;
  basePath: string;
  sessionTimeout: number;
  tag: string;
  password: PasswordOptions;
}

/** Checks the options (a plugin's options parser: throws on bad input). */
export function parseAuthOptions(input: AuthOptions | undefined): ResolvedAuthOptions {
  const options = input ?? {};
  for (const [name, kind] of Object.entries(options.schemes ?? {})) {
    if (!kind || typeof kind.setup !== 'function') throw new Error(`schemes.${name} must be a scheme kind (basic(), jwt({...}), session(), signed(), apiKey({...}), passport(strategy))`);
  }
  const positive = (value: number | undefined, fallback: number, name: string) => {
    const v = value ?? fallback;
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
    return v;
  };
  const groups = options.groups ?? {};
  for (const [name, group] of Object.entries(groups)) {
    if (group.sessionTimeout !== undefined) positive(group.sessionTimeout, 1, `groups.${name}.sessionTimeout`);
    const rights = group.rights;
    if (rights !== undefined && rights !== '*' && (typeof rights !== 'object' || rights === null)) throw new Error(`groups.${name}.rights must be '*' or { resources, operations }`);
    for (const [model, actions] of Object.entries((rights !== '*' && rights?.resources) || {})) {
      if (actions === '*') continue;
      for (const action of actions) {
        if (!['read', 'create', 'update', 'delete'].includes(action)) throw new Error(`groups.${name}.rights.resources.${model}: ${action} is not read, create, update or delete`);
      }
    }
  }
  const basePath = options.basePath ?? '/auth';
  if (!/^\/[A-Za-z0-9_\-/.]*[^/]$/.test(basePath)) throw new Error(`basePath must start with / and not end with one (got ${basePath})`);
  const adminName = options.admin === false ? undefined : (options.admin?.name ?? process.env.BURROW_ADMIN_USER);
  const adminPassword = options.admin === false ? undefined : (options.admin?.password ?? process.env.BURROW_ADMIN_PASSWORD);
  if (adminName && !adminPassword) throw new Error('admin: a name is set (admin.name or BURROW_ADMIN_USER) without a password (admin.password or BURROW_ADMIN_PASSWORD)');
  if (adminPassword && !adminName) throw new Error('admin: a password is set without a name (admin.name or BURROW_ADMIN_USER)');
  const lockout = options.lockout ?? {};
  return {
    schemes: options.schemes ?? {},
    users: options.users,
    sessions: options.sessions,
    lockout: {
      attempts: positive(lockout.attempts, 5, 'lockout.attempts'),
      addressAttempts: positive(lockout.addressAttempts, 50, 'lockout.addressAttempts'),
      duration: positive(lockout.duration, 900, 'lockout.duration'),
      prefix: lockout.prefix ?? 'burrow:auth:',
      ...(lockout.redis ? { redis: lockout.redis } : {}),
    },
    groups,
    rightsConfigured: Object.keys(groups).length > 0,
    records: options.records,
    admin: adminName && adminPassword ? { name: adminName, password: adminPassword, groups: (options.admin || {}).groups ?? ['admin'] } : undefined,
    adminGroup: options.adminGroup ?? 'admin',
    basePath,
    sessionTimeout: positive(options.sessionTimeout, 1800, 'sessionTimeout'),
    tag: options.tag ?? 'auth',
    password: options.password ?? {},
  };
}
