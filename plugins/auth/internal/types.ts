/**
 * The shapes the parts of the auth plugin share: the principal, the user, session
 * and lockout stores, and what a scheme kind is given and answers. Each scheme kind
 * (`schemes/*.ts`) and each store (`stores/*.ts`) is written against these only.
 */
import type { EventBus, Logger, RawHandler, RequestContext, SecuritySchemeObject, VerifyResult } from 'burrowjs';

/** Who made the request: `ctx.principal` and `ctx.state.principal` once a scheme accepted it. Never holds a secret. */
export interface Principal {
  /** The user's id (as text), or the subject of a token / the id of an API key. */
  id: string;
  /** The login name (or the token's subject when it names no user). */
  name: string;
  /** The groups whose rights apply (the user's groups; a token's `groups`/`roles` claim). */
  groups: readonly string[];
  /** The security scheme (its `components.securitySchemes` name) that authenticated. */
  scheme: string;
  /** Scopes granted (a JWT's `scope`/`scp`, an API key's scopes); groups also count as roles. */
  scopes: readonly string[];
  /** The session behind the principal (session and signed-session schemes). */
  sessionId?: string;
  /** The token's claims (JWT, passport strategies that give them). */
  claims?: Readonly<Record<string, unknown>>;
}

/** A user as a store keeps it. */
export interface UserRecord {
  id: string;
  name: string;
  /** `scrypt$…` (see `password.ts`), or null for users that cannot log in with a password. */
  passwordHash: string | null;
  groups: string[];
  disabled?: boolean;
}

/** Where users live: the Prisma store (`prismaUsers`) or the memory store (`memoryUsers`). */
export interface UserStore {
  findByName(name: string): Promise<UserRecord | undefined>;
  findById(id: string): Promise<UserRecord | undefined>;
  /** Adds a user (the seeded admin, tests). `passwordHash` is already hashed. */
  create(user: { name: string; passwordHash: string | null; groups: string[] }): Promise<UserRecord>;
  /** How many users there are (the admin is seeded when there is none with its name). */
  count(): Promise<number>;
}

/** One session. `secretHash` and `key` never leave the server (listings omit them). */
export interface SessionRecord {
  /** Public id: listed to admins, ended by id; never enough to authenticate. */
  id: string;
  /** SHA-256 (base64url) of the token's secret part: the token itself is never stored. */
  secretHash: string;
  /** The HMAC key of a signed session (base64url), absent for opaque-token sessions. */
  key?: string;
  userId: string;
  userName: string;
  groups: string[];
  /** The scheme that opened it. */
  scheme: string;
  createdAt: number;
  /** Last time a request used it (ms since epoch). */
  lastSeenAt: number;
  /** Idle timeout in seconds (from the group, else the plugin default). */
  timeout: number;
  remoteAddress?: string;
  userAgent?: string;
}

/** A session as an admin sees it. */
export type SessionSummary = Omit<SessionRecord, 'secretHash' | 'key'>;

/**
 * Where sessions live: memory (one process) or Redis (shared by every instance,
 * kept across restarts). Methods reject with BURROW_ERR_AUTH_STORE_UNAVAILABLE
 * (503) when the store cannot be reached.
 */
export interface SessionStore {
  readonly kind: 'memory' | 'redis' | string;
  create(session: SessionRecord): Promise<void>;
  /** The session when it exists and has not idled out. */
  get(id: string): Promise<SessionRecord | undefined>;
  /** Records use now (sliding idle timeout). */
  touch(id: string, now: number): Promise<void>;
  /** Ends a session; false when there was none. */
  delete(id: string): Promise<boolean>;
  /** Every live session (admin listing). */
  list(): Promise<SessionRecord[]>;
  /**
   * How many sessions are live (not idled out, not ended), for the `auth_sessions_open`
   * gauge of the stats and metrics plugins. A store without it reports no gauge.
   */
  count?(): Promise<number>;
  /** True the first time `key` is claimed within `ttlMs`, false after (replay protection). */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;
  /** Short-lived values (login challenges): set, then take once. */
  putTemporary(key: string, value: string, ttlMs: number): Promise<void>;
  takeTemporary(key: string): Promise<string | undefined>;
  /** Resolves when reachable (readiness check). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Brute-force protection (rate-limiter-flexible, memory or Redis): repeated
 * failures per account and per address lock them out for a while.
 */
export interface Lockout {
  /** Throws BURROW_ERR_AUTH_LOCKED (429, Retry-After) when the account or the address is locked. */
  check(ctx: RequestContext, account: string): Promise<void>;
  /** Counts a failure; throws BURROW_ERR_AUTH_LOCKED when this failure locks. */
  fail(ctx: RequestContext, account: string): Promise<void>;
  /** Clears the account's failures after a success. */
  succeed(ctx: RequestContext, account: string): Promise<void>;
}

/** Hashing of passwords (scrypt, PHC-like string) and constant-time checks. */
export interface Passwords {
  hash(password: string): Promise<string>;
  /** False for a wrong password or a malformed hash; spends the same time for an unknown user when given null. */
  verify(hash: string | null, password: string): Promise<boolean>;
}

/** A contract fragment a scheme contributes (its login operations), with their handlers. */
export interface SchemeOperations {
  /** OpenAPI `paths` (under the plugin's base path, already prefixed). */
  paths: Record<string, unknown>;
  /** `components.schemas` the paths refer to. */
  schemas?: Record<string, unknown>;
  handlers: Record<string, RawHandler>;
}

/** What a scheme kind is given when the plugin sets up one security scheme. */
export interface SchemeEnv {
  /** Its name in `components.securitySchemes`. */
  name: string;
  definition: SecuritySchemeObject;
  users: UserStore;
  sessions: SessionStore;
  lockout: Lockout;
  passwords: Passwords;
  /** The idle timeout (s) of a session for these groups (the longest group timeout, else the default). */
  sessionTimeout(groups: readonly string[]): number;
  /** Where the plugin's operations live (`/auth`). */
  basePath: string;
  logger: Logger;
  events: EventBus;
  /** Opens a session for a user (random id and secret): what login operations answer. */
  openSession(ctx: RequestContext, user: UserRecord, options?: { key?: string }): Promise<{ session: SessionRecord; token: string }>;
  /** The principal of a user. */
  principalOf(user: UserRecord, extra?: Partial<Principal>): Principal;
}

/** One security scheme, set up. */
export interface SchemeRuntime {
  /**
   * Checks the request's credentials. Answers `allow(principal)` (a {@link Principal}),
   * `deny(detail, reason)` or throws a BurrowError (429 locked, 503 store down).
   * Scopes are checked by the plugin after it (against `principal.scopes` and groups).
   * May answer at once (a cached token): no promise is then made on the request's path.
   */
  verify(ctx: RequestContext): VerifyResult | Promise<VerifyResult>;
  /**
   * Runs in the `preHandler` phase of every request (the body is read by then): a
   * scheme that signed more than headers checks the rest here (the signed-session
   * scheme's body digest). It must do nothing for requests it did not authenticate.
   */
  preHandler?(ctx: RequestContext): void | Promise<void>;
  /** Login operations this scheme contributes. */
  operations?: SchemeOperations;
  close?(): Promise<void>;
}

/** A kind of scheme (`basic()`, `jwt({...})`, `passport(strategy)`…): what `auth({ schemes })` takes. */
export interface SchemeKind {
  readonly kind: string;
  setup(env: SchemeEnv): SchemeRuntime | Promise<SchemeRuntime>;
}
