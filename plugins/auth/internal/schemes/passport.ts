/**
 * Any passport strategy as a security scheme, without Express and without a
 * session: a private Passport instance runs the strategy with a custom callback,
 * on a request view of the context and a response it may not write to.
 */
import type { IncomingMessage } from 'node:http';
import { allow, deny, type RequestContext, type VerifyResult } from 'burrowjs';
import { readCredential } from '../credentials.js';
import type { Principal, SchemeEnv, SchemeKind, SchemeRuntime } from '../types.js';

/** What passport needs of a strategy (any `passport-strategy` subclass). */
export interface PassportStrategy {
  name?: string;
  authenticate(req: unknown, options?: unknown): unknown;
}

/** A principal as {@link PassportOptions.principal} gives it; the scheme is filled in. */
export interface PassportPrincipal {
  id: string;
  /** Default: `id`. */
  name?: string;
  /** Default: none. */
  groups?: readonly string[];
  /** Default: none. */
  scopes?: readonly string[];
  claims?: Readonly<Record<string, unknown>>;
}

/** Options of {@link passport}. */
export interface PassportOptions<User = unknown> {
  /**
   * Makes the principal of the user the strategy authenticated. Default: `id` from
   * `user.id ?? user.name ?? user.username`, `name` from `user.name ?? user.username`,
   * `groups` from `user.groups`, `scopes` from `info.scope` (a space-separated string or an array).
   */
  principal?(user: User, info: unknown): PassportPrincipal;
}

interface PassportInstance {
  use(name: string, strategy: PassportStrategy): unknown;
  authenticate(name: string, options: { session: false }, callback: (err: unknown, user?: unknown, info?: unknown, status?: unknown) => void): (req: unknown, res: unknown, next: (err?: unknown) => void) => void;
}

/**
 * A security scheme backed by a passport strategy (`passport-http`, `passport-jwt`,
 * …). Needs the optional peer dependency `passport`. The strategy's failure is a 401
 * (`missing` when the request carries no credential where the scheme object says,
 * else `invalid`); its error is a 500; a redirect (OAuth login pages) is refused as
 * a 401, since an API answers instead of redirecting. No session is ever opened.
 *
 * @example
 * import { BasicStrategy } from 'passport-http'
 * auth({ schemes: { basicAuth: passport(new BasicStrategy((name, pw, done) => ldap.check(name, pw, done))) } })
 */
export function passport<User = unknown>(strategy: PassportStrategy, options: PassportOptions<User> = {}): SchemeKind {
  if (!strategy || typeof strategy.authenticate !== 'function') throw new TypeError('passport(): give a passport strategy (an object with authenticate())');
  return {
    kind: 'passport',
    async setup(env: SchemeEnv): Promise<SchemeRuntime> {
      const instance = new (await loadPassport())();
      instance.use(env.name, strategy);
      return { verify: (ctx) => runStrategy(env, instance, options, ctx) };
    },
  };
}

async function loadPassport(): Promise<new () => PassportInstance> {
  let module: { Passport?: unknown; default?: { Passport?: unknown } };
  try {
    module = (await import('passport')) as typeof module;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new Error('passport(): the "passport" package is not installed; run `npm install passport`', { cause: error });
  }
  return (module.Passport ?? module.default?.Passport) as new () => PassportInstance;
}

function runStrategy<User>(env: SchemeEnv, instance: PassportInstance, options: PassportOptions<User>, ctx: RequestContext): Promise<VerifyResult> {
  const refused = (status?: unknown) => {
    if (!hasCredential(env, ctx)) return deny('no credentials', 'missing');
    return status === 400 ? deny('the credentials are malformed', 'malformed') : deny('the credentials were refused', 'invalid');
  };
  return new Promise<VerifyResult>((resolve, reject) => {
    let settled = false;
    const settle = (result: VerifyResult | Error) => {
      if (settled) return;
      settled = true;
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const callback = (err: unknown, user?: unknown, info?: unknown, status?: unknown) => {
      if (err) return settle(err instanceof Error ? err : new Error('the passport strategy failed', { cause: err }));
      if (!user) return settle(refused(status));
      try {
        settle(allow(toPrincipal(env, options.principal ? options.principal(user as User, info) : defaultPrincipal(user, info))));
      } catch (error) {
        settle(error instanceof Error ? error : new Error(String(error)));
      }
    };
    // A strategy's redirect (or anything that ends the response) is a refusal: the real response stays Burrow's.
    const res = { statusCode: 200, setHeader() {}, getHeader() {}, end: () => settle(refused()) };
    // `pass()` skips authentication: nothing was proven.
    const next = (err?: unknown) => settle(err ? (err instanceof Error ? err : new Error(String(err))) : refused());
    try {
      instance.authenticate(env.name, { session: false }, callback)(requestView(ctx), res, next);
    } catch (error) {
      settle(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/**
 * The request as strategies read it: the real one underneath (url, socket, method),
 * with Express's `query`, `body` and `get()` added. What passport writes on it
 * (`user`, `login`…) lands on this view, never on the real request.
 */
function requestView(ctx: RequestContext): IncomingMessage {
  const view = Object.create(ctx.req) as IncomingMessage & Record<string, unknown>;
  const header = (name: string) => ctx.headers[name.toLowerCase()];
  Object.assign(view, {
    headers: ctx.headers,
    query: Object.fromEntries(new URLSearchParams(ctx.rawQuery)),
    body: ctx.body ?? {},
    get: header,
    header,
  });
  return view;
}

function hasCredential(env: SchemeEnv, ctx: RequestContext): boolean {
  const { type } = env.definition;
  if (type === 'http' || type === 'apiKey') return readCredential(ctx, env.definition) !== undefined;
  return ctx.headers.authorization !== undefined;
}

function defaultPrincipal(user: unknown, info: unknown): PassportPrincipal {
  const u = (typeof user === 'object' && user !== null ? user : {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);
  const id = text(u.id) ?? text(u.name) ?? text(u.username) ?? text(user);
  if (!id) throw new TypeError('passport(): the strategy\'s user has no id, name or username; give passport(strategy, { principal })');
  const scope = (info as { scope?: unknown } | undefined)?.scope;
  return {
    id,
    name: text(u.name) ?? text(u.username) ?? id,
    groups: words(u.groups),
    scopes: words(scope),
  };
}

function toPrincipal(env: SchemeEnv, p: PassportPrincipal): Principal {
  return {
    id: p.id,
    name: p.name ?? p.id,
    groups: [...(p.groups ?? [])],
    scheme: env.name,
    scopes: [...(p.scopes ?? [])],
    ...(p.claims ? { claims: p.claims } : {}),
  };
}

function words(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  return [];
}
