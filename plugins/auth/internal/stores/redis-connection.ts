/**
 * The Redis connection of the session store and the lockout: opened from a URL with
 * settings that make commands fail fast while Redis is down (and reconnect by
 * themselves), or an ioredis instance the application owns. Redis failures become
 * one coded problem: BURROW_ERR_AUTH_STORE_UNAVAILABLE (503, `Retry-After: 5`).
 */
import { Redis } from 'ioredis';
import { isBurrowError } from 'burrowjs';
import { authErrors } from '../errors.js';

/** A Redis URL (`redis://host:6379/0`, `rediss://…`) or an ioredis instance the application owns. */
export type RedisSource = string | Redis;

/** An ioredis client, and whether the auth plugin opened it (and so must quit it). */
export interface RedisConnection {
  client: Redis;
  owned: boolean;
  /**
   * False from the moment the connection drops until it is ready again: calls then
   * fail at once instead of waiting in ioredis's queue. True while first connecting,
   * so requests right after boot wait for the connection instead of failing.
   */
  readonly up: boolean;
  /** Quits the connection when this plugin opened it; leaves the application's own alone. */
  close(): Promise<void>;
}

/** How long one Redis call may take before the request answers 503 (ms). */
export const REDIS_CALL_TIMEOUT = 2000;

/**
 * Opens (or adopts) a Redis connection. A connection opened here queues commands
 * only while (re)connecting, gives up on a command after one failed reconnection
 * (`maxRetriesPerRequest: 1`) or {@link REDIS_CALL_TIMEOUT}, and keeps reconnecting
 * in the background (every second at most), so the store recovers without a restart.
 */
export function openRedis(source: RedisSource, name: string): RedisConnection {
  if (typeof source !== 'string') return watch(source, false, async () => {});
  const client = new Redis(source, {
    connectionName: name,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    commandTimeout: REDIS_CALL_TIMEOUT,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });
  // Without a listener ioredis prints every failed reconnection; the failures reach callers as 503s.
  client.on('error', () => {});
  return watch(client, true, async () => {
    if (client.status === 'end') return;
    // QUIT waits for a reply Redis may never send when it is down: disconnect then.
    if (client.status !== 'ready') return client.disconnect();
    await client.quit().catch(() => client.disconnect());
  });
}

/** Follows the connection's state (only `close`, `end` and `ready`: an application's own error handling is left alone). */
function watch(client: Redis, owned: boolean, close: () => Promise<void>): RedisConnection {
  let up = !['reconnecting', 'close', 'end'].includes(client.status);
  const down = () => void (up = false);
  client.on('close', down);
  client.on('end', down);
  client.on('ready', () => void (up = true));
  return {
    client,
    owned,
    get up() {
      return up;
    },
    close,
  };
}

/**
 * Runs a Redis call, bounded by {@link REDIS_CALL_TIMEOUT} (an application's own
 * connection may queue commands for long), and turns any failure into
 * BURROW_ERR_AUTH_STORE_UNAVAILABLE naming `store`. While the connection is down it
 * fails at once.
 */
export async function redisCall<T>(store: string, connection: RedisConnection, call: () => Promise<T>): Promise<T> {
  if (!connection.up) throw storeUnavailable(store, new Error('the Redis connection is down (reconnecting)'));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${REDIS_CALL_TIMEOUT} ms`)), REDIS_CALL_TIMEOUT);
  });
  try {
    return await Promise.race([call(), timeout]);
  } catch (error) {
    throw storeUnavailable(store, error);
  } finally {
    clearTimeout(timer);
  }
}

/** BURROW_ERR_AUTH_STORE_UNAVAILABLE for `store` (a BurrowError passes through unchanged). */
export function storeUnavailable(store: string, cause: unknown): Error {
  if (isBurrowError(cause)) return cause;
  return authErrors.create('BURROW_ERR_AUTH_STORE_UNAVAILABLE', { store }, { cause, headers: { 'retry-after': '5' } });
}
