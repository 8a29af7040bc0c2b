/**
 * Sessions in Redis: shared by every instance of the application and kept across
 * restarts. A session is a hash under `{prefix}session:{id}` that expires after its
 * idle timeout (each use pushes the expiry back); a sorted set `{prefix}sessions`
 * indexes them by expiry for the admin listing, and is pruned as it is read.
 */
import type { Redis } from 'ioredis';
import type { SessionRecord, SessionStore } from '../types.js';
import { openRedis, redisCall, type RedisSource } from './redis-connection.js';

/** Options of {@link redisSessions}. */
export interface RedisSessionsOptions {
  /**
   * A Redis URL (the store opens, and on close quits, its own connection, set to fail
   * fast while Redis is down and to reconnect by itself), or an ioredis instance of
   * the application (left open on close).
   */
  redis: RedisSource;
  /** Prefix of every key the store writes. Default `burrow:auth:`. */
  prefix?: string;
}

const STORE = 'Redis session';

// Sliding expiry in one step, and never on a session that ended meanwhile (no resurrection).
const TOUCH = `
if redis.call('exists', KEYS[1]) == 0 then return 0 end
local now = tonumber(ARGV[1])
local last = tonumber(redis.call('hget', KEYS[1], 'lastSeenAt')) or 0
if now > last then redis.call('hset', KEYS[1], 'lastSeenAt', ARGV[1]) else now = last end
local ttl = tonumber(redis.call('hget', KEYS[1], 'timeout')) * 1000
redis.call('pexpire', KEYS[1], ttl)
redis.call('zadd', KEYS[2], now + ttl, ARGV[2])
return 1`;

/**
 * A {@link SessionStore} in Redis (ioredis): a session is valid on every instance and
 * survives restarts. While Redis cannot be reached, every method rejects within about
 * two seconds with BURROW_ERR_AUTH_STORE_UNAVAILABLE (503, `Retry-After: 5`), and the
 * store recovers by itself once Redis is back. Needs Redis 6.2+ for `GETDEL` (older
 * servers get `MULTI GET DEL`).
 *
 * @example
 * auth({ sessions: redisSessions({ redis: process.env.REDIS_URL!, prefix: 'shop:auth:' }) })
 */
export function redisSessions(options: RedisSessionsOptions): SessionStore {
  if (!options?.redis) throw new TypeError('redisSessions: `redis` (a URL or an ioredis instance) is required');
  const prefix = options.prefix ?? 'burrow:auth:';
  const connection = openRedis(options.redis, 'burrow-auth-sessions');
  const redis: Redis = connection.client;
  const sessionKey = (id: string) => `${prefix}session:${id}`;
  const index = `${prefix}sessions`;
  const call = <T>(fn: () => Promise<T>) => redisCall(STORE, connection, fn);
  let getdel: Promise<boolean> | undefined;

  const hasGetdel = () =>
    (getdel ??= redis.info('server').then(
      (info) => {
        const [major = 0, minor = 0] = (/redis_version:(\d+)\.(\d+)/.exec(info) ?? []).slice(1).map(Number);
        return major > 6 || (major === 6 && minor >= 2);
      },
      (error: unknown) => {
        // A server that refuses INFO (an ACL without it) answers a ReplyError: use MULTI, which works everywhere.
        if ((error as { name?: string } | null)?.name === 'ReplyError') return false;
        getdel = undefined;
        throw error;
      },
    ));

  const ended = async (id: string) => {
    await redis.multi().del(sessionKey(id)).zrem(index, id).exec();
  };

  return {
    kind: 'redis',
    create: (session) =>
      call(async () => {
        const { lastSeenAt, timeout, ...rest } = session;
        const ttl = Math.max(1, Math.round(timeout * 1000));
        await redis
          .multi()
          .hset(sessionKey(session.id), { record: JSON.stringify(rest), lastSeenAt: String(lastSeenAt), timeout: String(timeout) })
          .pexpire(sessionKey(session.id), ttl)
          .zadd(index, lastSeenAt + ttl, session.id)
          .exec();
      }),
    get: (id) =>
      call(async () => {
        const session = parse(await redis.hgetall(sessionKey(id)));
        if (!session) return undefined;
        if (session.lastSeenAt + session.timeout * 1000 < Date.now()) {
          await ended(id);
          return undefined;
        }
        return session;
      }),
    touch: (id, now) =>
      call(async () => {
        await redis.eval(TOUCH, 2, sessionKey(id), index, String(Math.round(now)), id);
      }),
    delete: (id) =>
      call(async () => {
        const results = await redis.multi().del(sessionKey(id)).zrem(index, id).exec();
        return results?.[0]?.[1] === 1;
      }),
    list: () =>
      call(async () => {
        const now = Date.now();
        await redis.zremrangebyscore(index, '-inf', `(${now}`);
        const ids = await redis.zrange(index, 0, -1);
        if (!ids.length) return [];
        const pipeline = redis.pipeline();
        for (const id of ids) pipeline.hgetall(sessionKey(id));
        const results = (await pipeline.exec()) ?? [];
        const sessions: SessionRecord[] = [];
        const gone: string[] = [];
        results.forEach(([error, hash], i) => {
          if (error) throw error;
          const session = parse(hash as Record<string, string>);
          if (session && session.lastSeenAt + session.timeout * 1000 >= now) sessions.push(session);
          else gone.push(ids[i]!);
        });
        if (gone.length) await redis.zrem(index, ...gone);
        return sessions;
      }),
    // The index scores each session by when it idles out: one ZCOUNT, every instance's sessions.
    count: () => call(async () => redis.zcount(index, String(Date.now()), '+inf')),
    claimOnce: (key, ttlMs) =>
      call(async () => (await redis.set(`${prefix}claim:${key}`, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK'),
    putTemporary: (key, value, ttlMs) =>
      call(async () => {
        await redis.set(`${prefix}temp:${key}`, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
      }),
    takeTemporary: (key) =>
      call(async () => {
        const name = `${prefix}temp:${key}`;
        if (await hasGetdel()) return (await redis.getdel(name)) ?? undefined;
        const results = await redis.multi().get(name).del(name).exec();
        return (results?.[0]?.[1] as string | null) ?? undefined;
      }),
    ping: () =>
      call(async () => {
        await redis.ping();
      }),
    close: () => connection.close(),
  };
}

/** A session from its hash, or undefined for a missing (or foreign, unreadable) one. */
function parse(hash: Record<string, string> | null | undefined): SessionRecord | undefined {
  if (!hash?.record) return undefined;
  try {
    const rest = JSON.parse(hash.record) as Omit<SessionRecord, 'lastSeenAt' | 'timeout'>;
    const lastSeenAt = Number(hash.lastSeenAt);
    const timeout = Number(hash.timeout);
    if (!Number.isFinite(lastSeenAt) || !Number.isFinite(timeout)) return undefined;
    return { ...rest, lastSeenAt, timeout };
  } catch {
    return undefined;
  }
}
