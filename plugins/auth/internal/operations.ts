/**
 * The operations every auth setup contributes: the clock (`timestamp`, for clients
 * that sign requests), the current principal (`me`), logout, and the sessions an
 * admin lists and ends. Login operations come from the scheme kinds that need one.
 */
import type { ContractFragment, EventBus, RawHandler, RequestContext } from 'burrowjs';
import { authErrors } from './errors.js';
import type { Principal, SessionRecord, SessionStore, SessionSummary } from './types.js';

/** The operationIds of the plugin's own operations. */
export const OPERATION_IDS = { timestamp: 'authTimestamp', me: 'authMe', logout: 'authLogout', sessions: 'authListSessions', endSession: 'authEndSession' } as const;

/** What the common operations need. */
export interface CommonOperationsInput {
  basePath: string;
  tag: string;
  sessions: SessionStore;
  events: EventBus;
  /** Names of the schemes handled by the plugin (any of them may call `me`). */
  schemes: string[];
  /** Names of the schemes whose principals carry a session (logout, session listing). */
  sessionSchemes: string[];
  /** Cookies holding session tokens, to clear on logout. */
  sessionCookies: string[];
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });
const anyOf = (schemes: string[]) => schemes.map((s) => ({ [s]: [] }));

/** The contract fragment and the handlers of the common operations. */
export function commonOperations(input: CommonOperationsInput): { fragment: ContractFragment; handlers: Record<string, RawHandler> } {
  const { basePath, tag, sessions } = input;
  const paths: Record<string, Record<string, unknown>> = {
    [`${basePath}/timestamp`]: {
      get: {
        operationId: OPERATION_IDS.timestamp,
        tags: [tag],
        summary: 'The server clock',
        description: 'Milliseconds since the epoch, for clients that sign requests with a timestamp (the signed-session scheme). Needs no credentials.',
        security: [],
        responses: { '200': { description: 'The server time.', content: json(ref('AuthTimestamp')) } },
      },
    },
  };
  const handlers: Record<string, RawHandler> = {
    [OPERATION_IDS.timestamp]: () => ({ status: 200, body: { now: Date.now() } }),
  };
  if (input.schemes.length) {
    paths[`${basePath}/me`] = {
      get: {
        operationId: OPERATION_IDS.me,
        tags: [tag],
        summary: 'The current principal',
        description: 'Who the credentials authenticate: id, name, groups, scopes and the scheme (never a secret).',
        security: anyOf(input.schemes),
        responses: { '200': { description: 'The principal.', content: json(ref('AuthPrincipal')) } },
      },
    };
    handlers[OPERATION_IDS.me] = (ctx) => ({ status: 200, body: principalBody(ctx.principal as Principal) });
  }
  if (input.sessionSchemes.length) {
    paths[`${basePath}/logout`] = {
      post: {
        operationId: OPERATION_IDS.logout,
        tags: [tag],
        summary: 'End the current session',
        description: 'Ends the session the credentials carry (and clears the session cookie). The token or key stops working on every instance.',
        security: anyOf(input.sessionSchemes),
        responses: { '204': { description: 'The session is ended.' } },
      },
    };
    handlers[OPERATION_IDS.logout] = async (ctx) => {
      const principal = ctx.principal as Principal;
      if (!principal.sessionId) throw authErrors.create('BURROW_ERR_AUTH_SESSION_REQUIRED', { operation: OPERATION_IDS.logout, scheme: principal.scheme });
      await sessions.delete(principal.sessionId);
      input.events.emit('auth.session.ended', { sessionId: principal.sessionId, userId: principal.id, reason: 'logout' });
      // One Set-Cookie header per cookie (they cannot be joined with commas); sent as an array.
      const cookies = input.sessionCookies.map((c) => `${c}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`);
      return { status: 204, headers: cookies.length ? ({ 'set-cookie': cookies } as unknown as Record<string, string>) : {} };
    };
    paths[`${basePath}/sessions`] = {
      get: {
        operationId: OPERATION_IDS.sessions,
        tags: [tag],
        summary: 'List the open sessions',
        description: 'Every open session on every instance (with a shared store), without its secrets. For the admin group.',
        security: anyOf(input.schemes),
        responses: { '200': { description: 'The sessions.', content: json({ type: 'array', items: ref('AuthSession') }) } },
      },
    };
    handlers[OPERATION_IDS.sessions] = async () => ({ status: 200, body: (await sessions.list()).map(summary) });
    paths[`${basePath}/sessions/{sessionId}`] = {
      delete: {
        operationId: OPERATION_IDS.endSession,
        tags: [tag],
        summary: 'End a session',
        description: 'Ends any session by its id (its owner is logged out on every instance). For the admin group.',
        security: anyOf(input.schemes),
        parameters: [{ name: 'sessionId', in: 'path', required: true, schema: { type: 'string', maxLength: 64 } }],
        responses: { '204': { description: 'The session is ended.' } },
      },
    };
    handlers[OPERATION_IDS.endSession] = async (ctx: RequestContext) => {
      const sessionId = String(ctx.params.sessionId);
      const record = await sessions.get(sessionId);
      if (!record || !(await sessions.delete(sessionId))) throw authErrors.create('BURROW_ERR_AUTH_SESSION_NOT_FOUND', { sessionId });
      input.events.emit('auth.session.ended', { sessionId, userId: record.userId, reason: 'admin' });
      return { status: 204 };
    };
  }
  return { fragment: { paths, components: { schemas: SCHEMAS }, tags: [{ name: tag, description: 'Authentication: login, logout, sessions, the current principal.' }] }, handlers };
}

/** The principal as `me` answers it. */
export function principalBody(principal: Principal): Record<string, unknown> {
  return {
    id: principal.id,
    name: principal.name,
    groups: [...principal.groups],
    scopes: [...principal.scopes],
    scheme: principal.scheme,
    ...(principal.sessionId ? { sessionId: principal.sessionId } : {}),
  };
}

function summary(record: SessionRecord): SessionSummary {
  const { secretHash: _secret, key: _key, ...rest } = record;
  return rest;
}

const SCHEMAS = {
  AuthTimestamp: { type: 'object', required: ['now'], properties: { now: { type: 'integer', description: 'Milliseconds since the epoch.' } } },
  AuthPrincipal: {
    type: 'object',
    required: ['id', 'name', 'groups', 'scopes', 'scheme'],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      groups: { type: 'array', items: { type: 'string' } },
      scopes: { type: 'array', items: { type: 'string' } },
      scheme: { type: 'string', description: 'The security scheme that authenticated the request.' },
      sessionId: { type: 'string' },
    },
  },
  AuthSession: {
    type: 'object',
    required: ['id', 'userId', 'userName', 'groups', 'scheme', 'createdAt', 'lastSeenAt', 'timeout'],
    properties: {
      id: { type: 'string' },
      userId: { type: 'string' },
      userName: { type: 'string' },
      groups: { type: 'array', items: { type: 'string' } },
      scheme: { type: 'string' },
      createdAt: { type: 'integer', description: 'Milliseconds since the epoch.' },
      lastSeenAt: { type: 'integer' },
      timeout: { type: 'integer', description: 'Idle timeout in seconds.' },
      remoteAddress: { type: 'string' },
      userAgent: { type: 'string' },
    },
  },
};
