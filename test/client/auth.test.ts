import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyAuth, basicAuth, bearerAuth, createClient, ProblemError, sessionAuth, signedAuth, type ClientAuth } from 'burrowjs/client';
import { createSignedSession } from 'burrowjs/client/signed-session';
import { API_KEY, startAuthServer, type AuthServer } from './auth-app.js';

interface Echo {
  who: { name: string; scheme: string; sessionId?: string };
  query?: Record<string, unknown>;
  body?: unknown;
}
type None = { query?: never; header?: never; path?: never; cookie?: never };
/** The `paths` openapi-typescript writes for the fixture (and the auth plugin's logout). */
interface paths {
  '/things': {
    parameters: None;
    get: { parameters: { query?: { q?: string; page?: number }; header?: never; path?: never; cookie?: never }; requestBody?: never; responses: { 200: { headers: { [name: string]: unknown }; content: { 'application/json': Echo } } } };
    post: { parameters: None; requestBody: { content: { 'application/json': { title: string } } }; responses: { 201: { headers: { [name: string]: unknown }; content: { 'application/json': Echo } } } };
  };
  '/auth/logout': {
    parameters: None;
    post: { parameters: None; requestBody?: never; responses: { 204: { headers: { [name: string]: unknown }; content?: never } } };
  };
}

let server: AuthServer;
beforeAll(async () => {
  server = await startAuthServer();
});
afterAll(() => server.close());

/** A fetch that records what it sends (method and path), then sends it. */
function recording(): { fetch: typeof fetch; sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    fetch: (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      sent.push(`${init?.method ?? (input instanceof Request ? input.method : 'GET')} ${url.pathname}`);
      return fetch(input, init);
    },
  };
}

const connect = (auth: ClientAuth, fetch?: typeof globalThis.fetch) => createClient<paths>({ baseUrl: server.url, auth, fetch });

async function whoAmI(auth: ClientAuth): Promise<Echo['who'] | number> {
  const { data, response } = await connect(auth).GET('/things');
  return data?.who ?? response.status;
}

describe('basicAuth', () => {
  it('sends the user and password (UTF-8) on every request', async () => {
    expect(await whoAmI(basicAuth('ada', 'correct horse'))).toMatchObject({ name: 'ada', scheme: 'basicAuth' });
    expect(await whoAmI(basicAuth('zoë', 'pässwörd'))).toMatchObject({ name: 'zoë', scheme: 'basicAuth' });
  });

  it('a wrong password gets the 401 problem', async () => {
    const { error, response } = await connect(basicAuth('ada', 'wrong')).GET('/things');
    expect(response.status).toBe(401);
    expect(error).toMatchObject({ code: 'BURROW_ERR_AUTH_UNAUTHENTICATED' });
  });

  it('refuses a user name with a colon (RFC 7617 cannot carry it)', () => {
    expect(() => basicAuth('a:b', 'x')).toThrow(TypeError);
  });
});

describe('apiKeyAuth', () => {
  it.each(['header', 'query', 'cookie'] as const)('sends the key in the %s the scheme names', async (where) => {
    const name = { header: 'X-API-Key', query: 'api_key', cookie: 'burrow_key' }[where];
    const scheme = { header: 'keyHeader', query: 'keyQuery', cookie: 'keyCookie' }[where];
    expect(await whoAmI(apiKeyAuth({ in: where, name, value: API_KEY }))).toMatchObject({ name: 'robot', scheme });
  });

  it('keeps the query of the request when it adds its own parameter', async () => {
    const { data } = await connect(apiKeyAuth({ in: 'query', name: 'api_key', value: () => API_KEY })).GET('/things', { params: { query: { q: 'x y' } } });
    expect(data?.query).toEqual({ q: 'x y', api_key: API_KEY });
  });

  it('refuses options without a name', () => {
    expect(() => apiKeyAuth({ in: 'header', name: '', value: 'k' })).toThrow(/name/);
  });
});

describe('bearerAuth', () => {
  it('sends a token, read for each request when given as a function', async () => {
    const login = async () => {
      const res = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ada', password: 'correct horse' }) });
      return ((await res.json()) as { token: string }).token;
    };
    const token = await login();
    expect(await whoAmI(bearerAuth(token))).toMatchObject({ name: 'ada', scheme: 'bearerAuth' });
    let current = token;
    const api = connect(bearerAuth(() => current));
    const first = (await api.GET('/things')).data!.who.sessionId;
    current = await login();
    const second = (await api.GET('/things')).data!.who.sessionId;
    expect(first).not.toBe(second);
  });
});

describe('sessionAuth', () => {
  it('logs in before the first request only, then sends the token', async () => {
    const { fetch, sent } = recording();
    const api = connect(sessionAuth({ username: 'ada', password: 'correct horse' }), fetch);
    const first = await api.GET('/things');
    const second = await api.POST('/things', { body: { title: 'kept' } });
    expect(first.data?.who).toMatchObject({ name: 'ada', scheme: 'bearerAuth' });
    expect(second.data).toMatchObject({ who: { sessionId: first.data!.who.sessionId }, body: { title: 'kept' } });
    expect(sent).toEqual(['POST /auth/login', 'GET /things', 'POST /things']);
  });

  it('shares one login between concurrent first requests', async () => {
    const { fetch, sent } = recording();
    const api = connect(sessionAuth({ username: 'ada', password: 'correct horse' }), fetch);
    await Promise.all([api.GET('/things'), api.GET('/things'), api.GET('/things')]);
    expect(sent.filter((s) => s === 'POST /auth/login')).toHaveLength(1);
  });

  it('logs in again, once, when the session ended, and sends the request (its body too) again', async () => {
    const { fetch, sent } = recording();
    const api = connect(sessionAuth({ username: 'ada', password: 'correct horse' }), fetch);
    const before = (await api.GET('/things')).data!.who.sessionId;
    expect((await api.POST('/auth/logout')).response.status).toBe(204);
    sent.length = 0;
    const { data } = await api.POST('/things', { body: { title: 'after logout' } });
    expect(data).toMatchObject({ body: { title: 'after logout' }, who: { name: 'ada' } });
    expect(data!.who.sessionId).not.toBe(before);
    expect(sent).toEqual(['POST /things', 'POST /auth/login', 'POST /things']);
  });

  it('a wrong password rejects the request with the login problem, and the next request tries again', async () => {
    const { fetch, sent } = recording();
    const api = connect(sessionAuth({ username: 'ada', password: 'wrong' }), fetch);
    const error = (await api.GET('/things').catch((e: unknown) => e)) as ProblemError;
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({ status: 401, code: 'BURROW_ERR_AUTH_LOGIN_FAILED' });
    await expect(api.GET('/things')).rejects.toBeInstanceOf(ProblemError);
    expect(sent).toEqual(['POST /auth/login', 'POST /auth/login']);
  });

  it('a login path that refuses the login rejects with its status', async () => {
    const api = connect(sessionAuth({ username: 'ada', password: 'correct horse', loginPath: '/auth/timestamp' }));
    // GET-only: the POST is refused (405) — a login that is not one.
    await expect(api.GET('/things')).rejects.toMatchObject({ status: 405 });
  });
});

describe('signedAuth', () => {
  const signedIn = async (now?: () => number) => {
    const session = createSignedSession({ baseUrl: server.url, now });
    await session.login('ada', 'correct horse');
    return session;
  };

  it('signs each request, its query and its body, with the logged-in session', async () => {
    const session = await signedIn();
    const api = connect(signedAuth(session));
    const listed = await api.GET('/things', { params: { query: { q: 'b', page: 2 } } });
    expect(listed.data).toMatchObject({ who: { name: 'ada', scheme: 'signedAuth', sessionId: session.sessionId }, query: { q: 'b', page: 2 } });
    const created = await api.POST('/things', { body: { title: 'signed' } });
    expect(created.response.status).toBe(201);
    expect(created.data?.body).toEqual({ title: 'signed' });
  });

  it("signs after the client's own middleware, so a query it adds is covered", async () => {
    const api = connect(signedAuth(await signedIn()));
    api.use({
      onRequest({ request }) {
        const url = new URL(request.url);
        url.searchParams.set('page', '7');
        return new Request(url, request);
      },
    });
    const { data, response } = await api.GET('/things');
    expect(response.status).toBe(200);
    expect(data?.query).toEqual({ page: 7 });
  });

  it('a clock that drifted after login: the stale-timestamp 401 syncs the clock and sends once more', async () => {
    let skew = 0;
    const session = await signedIn(() => Date.now() + skew);
    skew = 10 * 60_000;
    const { fetch, sent } = recording();
    const { data } = await connect(signedAuth(session), fetch).GET('/things');
    expect(data?.who.name).toBe('ada');
    expect(sent).toEqual(['GET /things', 'GET /things']);
  });

  it('without a login, the request fails before anything is sent', async () => {
    const { fetch, sent } = recording();
    const api = connect(signedAuth(createSignedSession({ baseUrl: server.url })), fetch);
    await expect(api.GET('/things')).rejects.toThrow(/log in/);
    expect(sent).toEqual([]);
  });
});
