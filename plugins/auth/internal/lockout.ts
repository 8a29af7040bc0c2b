/**
 * Brute-force protection: failed logins are counted per account (its lower-cased
 * name) and per client address (the socket's peer, never `X-Forwarded-For`, which
 * the client writes). Reaching the limit locks the account or the address for
 * `duration` seconds: 429 BURROW_ERR_AUTH_LOCKED with `Retry-After`.
 */
import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RequestContext } from 'burrowjs';
import { authErrors } from './errors.js';
import { openRedis, redisCall, type RedisConnection, type RedisSource } from './stores/redis-connection.js';
import type { Lockout } from './types.js';

/** Options of {@link createLockout} (`auth({ lockout })`). */
export interface LockoutOptions {
  /** Failures of one account that lock it. Default 5. */
  attempts?: number;
  /** Seconds failures are remembered, and a lock lasts. Default 900 (15 min). */
  duration?: number;
  /** Failures from one client address (any account) that lock the address. Default 50. */
  addressAttempts?: number;
  /**
   * Count in Redis (a URL or an ioredis instance of the application), so that every
   * instance sees every failure; default: in this process's memory.
   */
  redis?: RedisSource;
  /** Prefix of the Redis keys. Default `burrow:auth:`. */
  prefix?: string;
}

/** A {@link Lockout} that can release its Redis connection (when it opened one). */
export interface ClosableLockout extends Lockout {
  close(): Promise<void>;
}

const STORE = 'Redis lockout';

/**
 * Creates the lockout of the auth plugin, on rate-limiter-flexible.
 *
 * With Redis, an outage answers 503 BURROW_ERR_AUTH_STORE_UNAVAILABLE (store `Redis
 * lockout`): there is deliberately no in-memory `insuranceLimiter`, because counting
 * per process while Redis is away would multiply the allowed attempts by the number
 * of instances and forget the locks in force; logins wait for Redis instead.
 *
 * The empty account (`''`) counts against the address only: credentials that name no
 * account (API keys) must not share one counter that would lock every client out.
 *
 * @example
 * const lockout = createLockout({ attempts: 5, duration: 900, redis: process.env.REDIS_URL })
 * await lockout.check(ctx, username)        // 429 while locked
 * ok ? await lockout.succeed(ctx, username) : await lockout.fail(ctx, username)
 */
export function createLockout(options: LockoutOptions = {}): ClosableLockout {
  const attempts = positive(options.attempts ?? 5, 'attempts');
  const duration = positive(options.duration ?? 900, 'duration');
  const addressAttempts = positive(options.addressAttempts ?? 50, 'addressAttempts');
  const prefix = options.prefix ?? 'burrow:auth:';
  const connection: RedisConnection | undefined = options.redis ? openRedis(options.redis, 'burrow-auth-lockout') : undefined;

  const limiter = (points: number, what: string): RateLimiterAbstract => {
    const settings = { points, duration, blockDuration: duration, keyPrefix: `${prefix}lockout:${what}` };
    return connection ? new RateLimiterRedis({ ...settings, storeClient: connection.client }) : new RateLimiterMemory(settings);
  };
  const accounts = limiter(attempts, 'account');
  const addresses = limiter(addressAttempts, 'address');
  const call = <T>(fn: () => Promise<T>): Promise<T> => (connection ? redisCall(STORE, connection, fn) : fn());

  // Past the limit, `consume` rejects with the counter itself: a lock, not a failure.
  const counted = (promise: Promise<RateLimiterRes>) => promise.catch((reason: unknown) => (reason instanceof RateLimiterRes ? reason : Promise.reject(reason)));
  const locked = (res: RateLimiterRes | null, points: number) => res !== null && res.consumedPoints >= points;
  const lockedError = (ms: number) => {
    const seconds = String(Math.max(1, Math.ceil(ms / 1000)));
    return authErrors.create('BURROW_ERR_AUTH_LOCKED', { seconds }, { headers: { 'retry-after': seconds } });
  };

  return {
    async check(ctx, account) {
      const [byAccount, byAddress] = await call(() => Promise.all([account ? accounts.get(accountKey(account)) : null, addresses.get(addressKey(ctx))]));
      const waits = [locked(byAccount, attempts) ? byAccount!.msBeforeNext : 0, locked(byAddress, addressAttempts) ? byAddress!.msBeforeNext : 0];
      if (Math.max(...waits) > 0) throw lockedError(Math.max(...waits));
    },
    async fail(ctx, account) {
      const key = account ? accountKey(account) : undefined;
      const address = addressKey(ctx);
      const [byAccount, byAddress] = await call(() => Promise.all([key ? counted(accounts.consume(key)) : null, counted(addresses.consume(address))]));
      // The failure that reaches the limit starts a lock of the full duration (not the rest of the window).
      const lockAccount = byAccount !== null && byAccount.consumedPoints >= attempts;
      const lockAddress = byAddress.consumedPoints >= addressAttempts;
      if (!lockAccount && !lockAddress) return;
      await call(() =>
        Promise.all([
          lockAccount && byAccount.consumedPoints === attempts ? accounts.block(key!, duration) : undefined,
          lockAddress && byAddress.consumedPoints === addressAttempts ? addresses.block(address, duration) : undefined,
        ]),
      );
      const waits = [
        lockAccount ? (byAccount.consumedPoints === attempts ? duration * 1000 : byAccount.msBeforeNext) : 0,
        lockAddress ? (byAddress.consumedPoints === addressAttempts ? duration * 1000 : byAddress.msBeforeNext) : 0,
      ];
      throw lockedError(Math.max(...waits));
    },
    async succeed(_ctx, account) {
      if (account) await call(() => accounts.delete(accountKey(account)));
    },
    close: async () => connection?.close(),
  };
}

/** The account's key: its lower-cased name, hashed when long (an attacker chooses it). */
function accountKey(account: string): string {
  const name = String(account).normalize('NFC').toLowerCase();
  return name.length <= 128 ? name : `sha256:${createHash('sha256').update(name).digest('base64url')}`;
}

/** The client's address as the socket sees it; an IPv4 address over IPv6 counts as the IPv4 address. */
function addressKey(ctx: RequestContext): string {
  const address = ctx.req.socket?.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`createLockout: \`${name}\` must be a positive integer (got ${String(value)})`);
  return value;
}
