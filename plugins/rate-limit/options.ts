import { readOptions } from 'burrowjs';
import { normalizeValue, type Policy, type RateLimitPolicy } from './internal/policy.js';
import type { RedisSource } from './internal/redis.js';

/** Options of the `rateLimit` plugin, as the application passes them. */
export interface RateLimitOptions {
  /** Where counters live: this process's memory, or Redis (shared by every instance). Default: `'redis'` when `redis` is given, else `'memory'`. */
  store?: 'memory' | 'redis';
  /** The Redis of the `redis` store: a URL (the plugin opens and closes the connection) or an ioredis instance of the application (left open). */
  redis?: RedisSource;
  /** The policy of operations whose contract declares none (neither on the operation nor at the root). Default: none. */
  default?: RateLimitPolicy | RateLimitPolicy[];
  /** Groups whose callers no policy counts. Default: none. */
  exempt?: string[];
  /**
   * Limits of operations by operationId, for those the app's contract cannot annotate: the
   * operations plugins contribute (`authLogin`, `stat`…). A value here wins over the root and
   * `default`; an operation's own `x-burrow-rate-limit` wins over it. `false`: not limited.
   * Merged over {@link PROBES_UNLIMITED}: the health probes are never counted unless named here.
   */
  operations?: Record<string, RateLimitPolicy | RateLimitPolicy[] | false>;
  /** Prefix of the counters' keys (Redis keys). Default: `burrow:rl:`. */
  keyPrefix?: string;
  /** Send `RateLimit` and `RateLimit-Policy` on limited responses (and document them). Default: `true`. */
  headers?: boolean;
  /** When the store fails (Redis down or slow): serve the request uncounted (`'allow'`, logged) or answer 503 (`'deny'`). Default: `'allow'`. */
  onStoreError?: 'allow' | 'deny';
}

/** The options after defaults are applied. */
export interface ResolvedRateLimitOptions {
  store: 'memory' | 'redis';
  redis: RedisSource | undefined;
  default: Policy[] | undefined;
  exempt: readonly string[];
  operations: ReadonlyMap<string, Policy[] | false>;
  /** The operationIds the application named in `operations` (those of the defaults may be absent). */
  namedOperations: ReadonlySet<string>;
  keyPrefix: string;
  headers: boolean;
  onStoreError: 'allow' | 'deny';
}

/**
 * The health plugin's probes, never counted by default: a 429 on a liveness probe gets the
 * instance restarted, on a readiness probe taken out of the load balancer.
 */
export const PROBES_UNLIMITED: Readonly<Record<string, false>> = { healthLive: false, healthReady: false };

/** The defaults of {@link RateLimitOptions}. */
export const RATE_LIMIT_DEFAULTS: Readonly<ResolvedRateLimitOptions> = {
  store: 'memory',
  redis: undefined,
  default: undefined,
  exempt: [],
  operations: new Map(Object.entries(PROBES_UNLIMITED)),
  namedOperations: new Set(),
  keyPrefix: 'burrow:rl:',
  headers: true,
  onStoreError: 'allow',
};

const KEYS = ['store', 'redis', 'default', 'exempt', 'operations', 'keyPrefix', 'headers', 'onStoreError'] as const;

/**
 * Checks the options and merges them with the defaults. Every problem is reported in
 * one message; the kernel turns it into `BURROW_ERR_BOOT_PLUGIN_OPTIONS` naming the plugin.
 *
 * @example
 * parseRateLimitOptions({ redis: 'redis://localhost:6379' }).store // 'redis'
 */
export function parseRateLimitOptions(input: unknown): ResolvedRateLimitOptions {
  if (input === undefined) return { ...RATE_LIMIT_DEFAULTS };
  const { given, problems } = readOptions(input, KEYS);
  const { store, redis, exempt, keyPrefix, headers, onStoreError } = given;
  if (store !== undefined && store !== 'memory' && store !== 'redis') problems.push(`store must be "memory" or "redis", got ${JSON.stringify(store)}`);
  const isClient = redis !== null && typeof redis === 'object' && typeof (redis as { status?: unknown }).status === 'string' && typeof (redis as { eval?: unknown }).eval === 'function';
  if (redis !== undefined && !(typeof redis === 'string' && /^rediss?:\/\/./.test(redis)) && !isClient) {
    problems.push(`redis must be a Redis URL ("redis://host:6379") or an ioredis instance, got ${typeof redis === 'string' ? JSON.stringify(redis) : typeof redis}`);
  }
  if (store === 'redis' && redis === undefined) problems.push('store "redis" needs the `redis` option (a URL or an ioredis instance)');
  if (store === 'memory' && redis !== undefined) problems.push('store "memory" and a `redis` option contradict each other: drop one');
  let policies: Policy[] | undefined;
  if (given.default !== undefined) {
    const normalized = normalizeValue(given.default, 'default', 'default');
    problems.push(...normalized.problems);
    if (normalized.policies === false) problems.push('default must be a policy or an array of policies (an operation turns the limit off with x-burrow-rate-limit: false)');
    else policies = normalized.policies;
  }
  const operations = new Map<string, Policy[] | false>(Object.entries(PROBES_UNLIMITED));
  const namedOperations = new Set<string>();
  if (given.operations !== undefined) {
    if (given.operations === null || typeof given.operations !== 'object' || Array.isArray(given.operations)) {
      problems.push(`operations must be an object of policies by operationId, got ${JSON.stringify(given.operations)}`);
    } else {
      for (const [operationId, value] of Object.entries(given.operations as Record<string, unknown>)) {
        const normalized = normalizeValue(value, operationId, `operations/${operationId}`);
        problems.push(...normalized.problems);
        operations.set(operationId, normalized.policies);
        namedOperations.add(operationId);
      }
    }
  }
  if (exempt !== undefined && (!Array.isArray(exempt) || exempt.some((g) => typeof g !== 'string' || g === ''))) problems.push(`exempt must be an array of group names, got ${JSON.stringify(exempt)}`);
  if (keyPrefix !== undefined && (typeof keyPrefix !== 'string' || keyPrefix.length > 100)) problems.push(`keyPrefix must be a string of at most 100 characters, got ${JSON.stringify(keyPrefix)}`);
  if (headers !== undefined && typeof headers !== 'boolean') problems.push(`headers must be true or false, got ${JSON.stringify(headers)}`);
  if (onStoreError !== undefined && onStoreError !== 'allow' && onStoreError !== 'deny') problems.push(`onStoreError must be "allow" or "deny", got ${JSON.stringify(onStoreError)}`);
  if (problems.length) throw new Error(problems.join('; '));
  return {
    store: (store as 'memory' | 'redis' | undefined) ?? (redis !== undefined ? 'redis' : 'memory'),
    redis: redis as RedisSource | undefined,
    default: policies,
    exempt: [...new Set((exempt as string[] | undefined) ?? [])],
    operations,
    namedOperations,
    keyPrefix: (keyPrefix as string | undefined) ?? RATE_LIMIT_DEFAULTS.keyPrefix,
    headers: (headers as boolean | undefined) ?? true,
    onStoreError: (onStoreError as 'allow' | 'deny' | undefined) ?? 'allow',
  };
}
