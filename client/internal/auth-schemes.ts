import type { SignedSession } from '../signed-session.js';
import { failureReasons, type ClientAuth } from './auth.js';
import { networkProblem, problemOf, ProblemError, readErrorBody } from './problem-error.js';

/** A value given as is, or computed for each request (a token that rotates). */
export type Credential = string | (() => string | Promise<string>);

/**
 * HTTP Basic (the auth plugin's `basic()`): `Authorization: Basic base64(user:password)`,
 * UTF-8 encoded.
 *
 * @example createClient({ baseUrl, auth: basicAuth('ada', 'correct horse') })
 */
export function basicAuth(user: string, password: string): ClientAuth {
  if (user.includes(':')) throw new TypeError('basicAuth: a user name cannot contain ":" (RFC 7617)');
  const value = `Basic ${base64(new TextEncoder().encode(`${user}:${password}`))}`;
  return { apply: (request) => void request.headers.set('authorization', value) };
}

/**
 * A bearer token (`session()` tokens, JWTs): `Authorization: Bearer <token>`. Give a
 * function to read a token that changes; it is called for each request.
 *
 * @example bearerAuth(() => localStorage.getItem('token') ?? '')
 */
export function bearerAuth(token: Credential): ClientAuth {
  return {
    async apply(request) {
      request.headers.set('authorization', `Bearer ${await read(token)}`);
    },
  };
}

/** Where and under which name {@link apiKeyAuth} sends its key (the contract's `apiKey` scheme). */
export interface ApiKeyAuthOptions {
  in: 'header' | 'query' | 'cookie';
  /** The scheme's `name`: a header, query parameter or cookie name. */
  name: string;
  value: Credential;
}

/**
 * An API key (the auth plugin's `apiKey()`, or a `session()` token in an apiKey scheme),
 * sent as the contract's scheme says. A browser will not let a script set `Cookie`:
 * there, a cookie scheme rides on the cookie the server set (`credentials: 'include'`).
 *
 * @example apiKeyAuth({ in: 'header', name: 'X-API-Key', value: process.env.API_KEY! })
 */
export function apiKeyAuth(options: ApiKeyAuthOptions): ClientAuth {
  const { name } = options;
  if (!name) throw new TypeError('apiKeyAuth: `name` is required (the scheme\'s header, query parameter or cookie name)');
  return {
    async apply(request) {
      const value = await read(options.value);
      if (options.in === 'header') request.headers.set(name, value);
      else if (options.in === 'query') request.url.searchParams.set(name, value);
      else {
        const cookies = request.headers.get('cookie');
        const pair = `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
        request.headers.set('cookie', cookies ? `${cookies}; ${pair}` : pair);
      }
    },
  };
}

/** Options of {@link sessionAuth}. */
export interface SessionAuthOptions {
  username: string;
  password: string;
  /** The auth plugin's login, under the client's `baseUrl`. Default `/auth/login`. */
  loginPath?: string;
}

/**
 * The auth plugin's `session()` scheme: logs in (`POST {loginPath}` with the
 * credentials) before the first request, sends the token as `Authorization: Bearer`,
 * and logs in again — once per request — when an answer says the session ended
 * (401 `session-ended`: idled out, logged out, ended by an admin). A failed login
 * rejects the request with a {@link ProblemError} (401 `BURROW_ERR_AUTH_UNAUTHENTICATED`,
 * 429 `BURROW_ERR_AUTH_LOCKED`…). Concurrent first requests share one login.
 *
 * @example createClient({ baseUrl, auth: sessionAuth({ username: 'ada', password: 'correct horse' }) })
 */
export function sessionAuth(options: SessionAuthOptions): ClientAuth {
  const loginPath = options.loginPath ?? '/auth/login';
  let token: Promise<string> | undefined;
  const login = async (baseUrl: string, send: typeof fetch): Promise<string> => {
    let response: Response;
    try {
      response = await send(`${baseUrl}${loginPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ username: options.username, password: options.password }),
      });
    } catch (error) {
      throw networkProblem(error);
    }
    if (!response.ok) throw problemOf(response, await readErrorBody(response));
    const answer = (await response.json().catch(() => undefined)) as { token?: unknown } | undefined;
    if (typeof answer?.token !== 'string') throw new ProblemError(response.status, { title: 'The login answered no token', status: response.status, code: 'CLIENT_ERR_HTTP' });
    return answer.token;
  };
  return {
    async apply(request, context) {
      const current = (token ??= login(context.baseUrl, context.fetch));
      let value: string;
      try {
        value = await current;
      } catch (error) {
        if (token === current) token = undefined; // the next request tries again
        throw error;
      }
      request.headers.set('authorization', `Bearer ${value}`);
    },
    async renew(response) {
      if (!(await failureReasons(response)).includes('session-ended')) return false;
      token = undefined;
      return true;
    },
  };
}

/**
 * The auth plugin's signed-session scheme, over a session from
 * `createSignedSession` (`burrowjs/client/signed-session`) that has logged in: each
 * request is signed (`Authorization: Burrow-Signed …` and the body's digest). A 401
 * for a stale timestamp syncs the clock and sends once more; one for an ended
 * session logs in again when the session remembers the password.
 *
 * @example
 * const session = createSignedSession({ baseUrl })
 * await session.login('ada', 'correct horse')
 * const api = createClient({ baseUrl, auth: signedAuth(session) })
 */
export function signedAuth(session: Pick<SignedSession, 'sign' | 'syncClock' | 'refresh'>): ClientAuth {
  return {
    async apply(request) {
      const headers = await session.sign(request.method, request.url, request.body);
      for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
    },
    async renew(response) {
      const reasons = await failureReasons(response);
      if (reasons.includes('stale-timestamp')) {
        await session.syncClock();
        return true;
      }
      if (reasons.includes('session-ended')) return session.refresh().then(() => true, () => false);
      return false;
    },
  };
}

async function read(credential: Credential): Promise<string> {
  return typeof credential === 'function' ? credential() : credential;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary);
}
