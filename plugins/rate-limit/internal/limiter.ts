/**
 * The counting: one rate-limiter-flexible limiter per policy name (memory or Redis,
 * wrapped in a BurstyRateLimiter when the policy has a burst), the key of a request
 * under a policy, and the consumption run by the plugin's hooks.
 */
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { EventBus, RequestContext } from 'burrowjs';
import { rateLimitErrors } from './errors.js';
import { bounded, type RedisConnection } from './redis.js';
import type { Policy, PolicyKey } from './policy.js';

/** A policy and its limiter. */
export interface Counter {
  policy: Policy;
  limiter: Pick<RateLimiterAbstract, 'consume'> | BurstyRateLimiter;
  /** Groups not counted: the policy's and the plugin's `exempt` (undefined: none). */
  exempt: ReadonlySet<string> | undefined;
}

/** The counters of one operation, by the phase they run in. */
export interface Plan {
  /** Keyed by address with no exemption: counted right after routing, before the security check costs anything. */
  early: Counter[];
  /** Needing the principal (its id, groups, API key, or an exemption): counted after security. */
  late: Counter[];
}

/** What the counting needs from the plugin. */
export interface CountingEnv {
  connection: RedisConnection | undefined;
  headers: boolean;
  onStoreError: 'allow' | 'deny';
  events: EventBus;
  /** Names of the `apiKey` security schemes. */
  apiKeySchemes: ReadonlySet<string>;
}

/** Builds the limiter of a policy. */
export function createLimiter(policy: Policy, keyPrefix: string, connection: RedisConnection | undefined): Counter['limiter'] {
  const make = (points: number, duration: number, prefix: string): RateLimiterAbstract =>
    connection
      ? new RateLimiterRedis({ storeClient: connection.client, points, duration, keyPrefix: prefix })
      : new RateLimiterMemory({ points, duration, keyPrefix: prefix });
  const main = make(policy.points, policy.seconds, `${keyPrefix}${policy.name}`);
  if (!policy.burst) return main;
  return new BurstyRateLimiter(main, make(policy.burst.points, policy.burst.seconds, `${keyPrefix}${policy.name}:burst`));
}

type Principalish = { id?: unknown; groups?: unknown; scheme?: unknown } | undefined;

function groupsOf(principal: Principalish): readonly unknown[] {
  const groups = principal?.groups;
  return Array.isArray(groups) ? groups : EMPTY;
}
const EMPTY: readonly unknown[] = [];

function idOf(principal: Principalish): string | undefined {
  const id = principal?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/** The name of the security scheme that authenticated the principal. */
function schemeOf(ctx: RequestContext, principal: Principalish): string | undefined {
  if (typeof principal?.scheme === 'string') return principal.scheme;
  for (const name in ctx.auth) if (ctx.auth[name] === principal) return name;
  return undefined;
}

/**
 * The counter key of a request under a policy's `key`. A caller without what the key
 * needs is counted by address: `principal` for anonymous requests, `apiKey` for a
 * principal of another scheme; `group` falls back to the principal, then to the address.
 */
export function keyOf(ctx: RequestContext, kind: PolicyKey, apiKeySchemes: ReadonlySet<string>): string {
  if (kind !== 'ip') {
    const principal = ctx.principal as Principalish;
    if (principal !== undefined && principal !== null) {
      if (kind === 'group') {
        const group = groupsOf(principal)[0];
        if (typeof group === 'string') return `g:${group}`;
      }
      if (kind !== 'apiKey' || apiKeySchemes.has(schemeOf(ctx, principal) ?? '')) {
        const id = idOf(principal);
        if (id !== undefined) return kind === 'apiKey' ? `k:${id}` : `p:${id}`;
      }
    }
  }
  return `ip:${ctx.ip}`;
}

function exempted(ctx: RequestContext, exempt: ReadonlySet<string> | undefined): boolean {
  if (exempt === undefined) return false;
  for (const group of groupsOf(ctx.principal as Principalish)) if (exempt.has(group as string)) return true;
  return false;
}

function appendHeader(ctx: RequestContext, name: string, value: string): string {
  const existing = ctx.res.getHeader(name);
  const joined = existing === undefined ? value : `${String(existing)}, ${value}`;
  ctx.res.setHeader(name, joined);
  return joined;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Consumes one point of each counter, in order; throws the 429 of the first one exhausted. */
export function createConsumer(env: CountingEnv) {
  let lastWarning = 0;
  const storeFailed = (ctx: RequestContext, counter: Counter, error: unknown) => {
    const now = Date.now();
    // One line per 10 s while the store is down: every request would otherwise log one.
    if (now - lastWarning > 10_000) {
      lastWarning = now;
      ctx.log.warn('rate-limit: the store failed; requests are ' + (env.onStoreError === 'allow' ? 'served uncounted' : 'refused (503)'), {
        policy: counter.policy.name,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    if (env.onStoreError === 'deny') throw rateLimitErrors.create('BURROW_ERR_RATELIMIT_STORE_UNAVAILABLE', {}, { headers: { 'retry-after': '5' } });
  };
  const consume = (counter: Counter, key: string): Promise<RateLimiterRes> =>
    env.connection ? bounded(env.connection, () => counter.limiter.consume(key)) : counter.limiter.consume(key);

  const refuse = (ctx: RequestContext, counter: Counter, res: RateLimiterRes): never => {
    const { policy } = counter;
    const wait = String(seconds(res.msBeforeNext));
    const headers: Record<string, string> = { 'retry-after': wait };
    if (env.headers) {
      headers['ratelimit-policy'] = appendHeader(ctx, 'ratelimit-policy', policy.header);
      headers.ratelimit = appendHeader(ctx, 'ratelimit', `"${policy.name}";r=0;t=${wait}`);
    }
    env.events.emit('rateLimit.rejected', { operationId: ctx.operation?.id, key: policy.key, policy: policy.name });
    throw rateLimitErrors.create(
      'BURROW_ERR_RATELIMIT_EXCEEDED',
      { policy: policy.name, points: policy.points, window: policy.seconds, per: PER[policy.key], seconds: wait },
      { headers, extensions: { policy: policy.name, retryAfter: Number(wait) } },
    );
  };

  return async function consumeAll(ctx: RequestContext, counters: readonly Counter[]): Promise<void> {
    for (const counter of counters) {
      if (exempted(ctx, counter.exempt)) continue;
      let res: RateLimiterRes;
      try {
        res = await consume(counter, keyOf(ctx, counter.policy.key, env.apiKeySchemes));
      } catch (error) {
        if (error instanceof RateLimiterRes) refuse(ctx, counter, error);
        storeFailed(ctx, counter, error);
        continue;
      }
      if (env.headers) {
        appendHeader(ctx, 'ratelimit-policy', counter.policy.header);
        appendHeader(ctx, 'ratelimit', `"${counter.policy.name}";r=${res.remainingPoints};t=${seconds(res.msBeforeNext)}`);
      }
    }
  };
}

const PER: Record<PolicyKey, string> = { ip: 'per client address', principal: 'per caller', group: 'per group', apiKey: 'per API key' };
