/**
 * Sessions kept in this process's memory. One process only: every instance has its
 * own sessions and a restart ends them all. Run several instances? Use
 * `redisSessions` so a session is valid on every one of them and survives restarts.
 */
import type { SessionRecord, SessionStore } from '../types.js';

/** Options of {@link memorySessions}. */
export interface MemorySessionsOptions {
  /** How often (ms) idle sessions and expired temporary values are swept out. Default 60 000. */
  sweepInterval?: number;
  /** The clock (ms since epoch); tests pass their own. Default `Date.now`. */
  now?: () => number;
}

/** True when a session has been idle longer than its timeout. */
const idledOut = (session: SessionRecord, now: number) => session.lastSeenAt + session.timeout * 1000 < now;

/**
 * A {@link SessionStore} in a `Map`: sessions idle out after their `timeout`
 * (checked on every `get`, and swept periodically by a timer that never keeps the
 * process alive). For one process only; see `redisSessions` for several.
 *
 * @example
 * auth({ sessions: memorySessions() })
 */
export function memorySessions(options: MemorySessionsOptions = {}): SessionStore {
  const now = options.now ?? Date.now;
  const sessions = new Map<string, SessionRecord>();
  const claims = new Map<string, number>();
  const temporary = new Map<string, { value: string; expiresAt: number }>();

  const sweep = () => {
    const t = now();
    for (const [id, session] of sessions) if (idledOut(session, t)) sessions.delete(id);
    for (const [key, expiresAt] of claims) if (expiresAt <= t) claims.delete(key);
    for (const [key, entry] of temporary) if (entry.expiresAt <= t) temporary.delete(key);
  };
  const timer = setInterval(sweep, options.sweepInterval ?? 60_000);
  timer.unref();

  const live = (id: string): SessionRecord | undefined => {
    const session = sessions.get(id);
    if (session && idledOut(session, now())) {
      sessions.delete(id);
      return undefined;
    }
    return session;
  };
  const copy = (session: SessionRecord): SessionRecord => ({ ...session, groups: [...session.groups] });

  return {
    kind: 'memory',
    async create(session) {
      sessions.set(session.id, copy(session));
    },
    async get(id) {
      const session = live(id);
      return session && copy(session);
    },
    async touch(id, at) {
      const session = live(id);
      if (session) session.lastSeenAt = Math.max(session.lastSeenAt, at);
    },
    async delete(id) {
      return live(id) !== undefined && sessions.delete(id);
    },
    async list() {
      sweep();
      return [...sessions.values()].map(copy);
    },
    async count() {
      sweep();
      return sessions.size;
    },
    async claimOnce(key, ttlMs) {
      const t = now();
      const expiresAt = claims.get(key);
      if (expiresAt !== undefined && expiresAt > t) return false;
      claims.set(key, t + ttlMs);
      return true;
    },
    async putTemporary(key, value, ttlMs) {
      temporary.set(key, { value, expiresAt: now() + ttlMs });
    },
    async takeTemporary(key) {
      const entry = temporary.get(key);
      temporary.delete(key);
      return entry && entry.expiresAt > now() ? entry.value : undefined;
    },
    async ping() {},
    async close() {
      clearInterval(timer);
    },
  };
}
