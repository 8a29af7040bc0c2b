/**
 * Opening a session: a random id and secret, the record kept by the session store
 * (with the secret only as its SHA-256), and the token the client is given. What
 * `SchemeEnv.openSession` does for every login operation.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EventBus, RequestContext } from 'burrowjs';
import type { SessionRecord, SessionStore, UserRecord } from './types.js';

/** What {@link createSessionOpener} needs: the plugin's store, timeouts and bus. */
export interface SessionOpenerInput {
  sessions: SessionStore;
  /** The idle timeout (s) of a session for these groups. */
  sessionTimeout(groups: readonly string[]): number;
  events: EventBus;
}

/** Opens a session for `user` on behalf of the scheme `scheme`; `key`: the HMAC key of a signed session. */
export type SessionOpener = (
  ctx: RequestContext,
  user: UserRecord,
  options: { scheme: string; key?: string },
) => Promise<{ session: SessionRecord; token: string }>;

/** Bytes of a session id (public: listed to admins) and of its secret (never stored). */
export const SESSION_ID_BYTES = 16;
export const SESSION_SECRET_BYTES = 32;
const USER_AGENT_MAX = 256;

/** SHA-256 of a token's secret part, as the store keeps it (base64url). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/**
 * Creates the function that opens sessions. The token is `{id}.{secret}` (both
 * base64url, 16 and 32 random bytes); the store keeps `id` and SHA-256(secret), so a
 * leaked store (or a Redis dump) holds no usable token. Publishes
 * `auth.session.opened`.
 *
 * @example
 * const open = createSessionOpener({ sessions, sessionTimeout: () => 1800, events: kernel.events })
 * const { session, token } = await open(ctx, user, { scheme: 'sessionAuth' })
 */
export function createSessionOpener(input: SessionOpenerInput): SessionOpener {
  return async (ctx, user, { scheme, key }) => {
    const id = randomBytes(SESSION_ID_BYTES).toString('base64url');
    const secret = randomBytes(SESSION_SECRET_BYTES).toString('base64url');
    const now = Date.now();
    const userAgent = ctx.headers['user-agent'];
    const session: SessionRecord = {
      id,
      secretHash: hashSecret(secret),
      ...(key !== undefined ? { key } : {}),
      userId: user.id,
      userName: user.name,
      groups: [...user.groups],
      scheme,
      createdAt: now,
      lastSeenAt: now,
      timeout: input.sessionTimeout(user.groups),
      ...(ctx.req.socket?.remoteAddress ? { remoteAddress: ctx.req.socket.remoteAddress } : {}),
      ...(typeof userAgent === 'string' && userAgent ? { userAgent: userAgent.slice(0, USER_AGENT_MAX) } : {}),
    };
    await input.sessions.create(session);
    input.events.emit('auth.session.opened', { sessionId: id, userId: user.id, scheme });
    return { session, token: `${id}.${secret}` };
  };
}
