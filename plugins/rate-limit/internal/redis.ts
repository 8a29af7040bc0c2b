/**
 * The Redis connection of the limiters: opened from a URL with settings that make
 * commands fail fast while Redis is down (and reconnect by themselves), or an ioredis
 * instance the application owns (left open on close).
 */
import { Redis } from 'ioredis';

/** A Redis URL (`redis://host:6379/0`, `rediss://…`) or an ioredis instance the application owns. */
export type RedisSource = string | Redis;

/** How long one counting call may take before it counts as a store failure (ms). */
const STORE_TIMEOUT = 1000;

/** An ioredis client, its state, and how to release it. */
export interface RedisConnection {
  client: Redis;
  /**
   * False from the moment the connection drops until it is ready again: calls then fail
   * at once instead of waiting in ioredis's queue. True while first connecting, so the
   * first requests after boot wait for the connection (within {@link STORE_TIMEOUT}).
   */
  readonly up: boolean;
  /** Resolves when Redis answers PING within {@link STORE_TIMEOUT} (the readiness check). */
  ping(): Promise<void>;
  /** Quits the connection when the plugin opened it; leaves the application's own alone. */
  close(): Promise<void>;
}

/** Opens (or adopts) the connection. */
export function openRedis(source: RedisSource): RedisConnection {
  const owned = typeof source === 'string';
  const client = owned
    ? new Redis(source, {
        connectionName: 'burrow-rate-limit',
        maxRetriesPerRequest: 1,
        connectTimeout: 1000,
        commandTimeout: STORE_TIMEOUT,
        retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
      })
    : source;
  // Without a listener ioredis prints every failed reconnection; failures reach the plugin as store errors.
  if (owned) client.on('error', () => {});
  let up = !['reconnecting', 'close', 'end'].includes(client.status);
  const down = () => void (up = false);
  client.on('close', down);
  client.on('end', down);
  const ready = () => void (up = true);
  client.on('ready', ready);
  const connection: RedisConnection = {
    client,
    get up() {
      return up;
    },
    async ping() {
      await bounded(connection, () => client.ping());
    },
    async close() {
      client.off('close', down);
      client.off('end', down);
      client.off('ready', ready);
      if (!owned || client.status === 'end') return;
      // QUIT waits for a reply Redis may never send when it is down: disconnect then.
      if (client.status !== 'ready') return client.disconnect();
      await client.quit().catch(() => client.disconnect());
    },
  };
  return connection;
}

/** A promise that settles as `call` does, or rejects after {@link STORE_TIMEOUT} ms. */
export function bounded<T>(connection: RedisConnection, call: () => Promise<T>): Promise<T> {
  if (!connection.up) return Promise.reject(new Error('the Redis connection is down (reconnecting)'));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Redis within ${STORE_TIMEOUT} ms`)), STORE_TIMEOUT);
  });
  return Promise.race([call(), timeout]).finally(() => clearTimeout(timer));
}
