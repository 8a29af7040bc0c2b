import { createHash, createHmac, randomBytes, scryptSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel } from 'burrowjs';
import { auth, createPasswords, redisSessions, signed } from 'burrowjs/plugins/auth';
import { memoryLogger } from '../../helpers.js';
import { canonicalRequest as clientCanonical, createSignedSession, SignedSessionError } from 'burrowjs/client/signed-session';
import { canonicalRequest as serverCanonical } from '../../../plugins/auth/internal/schemes/signed-request.js';
import { signedContract, startSignedServer, type SignedServer } from './signed-harness.js';

const PASSWORD = 'correct horse ☃ battery';
const passwords = createPasswords({ N: 2 ** 10 });
let server: SignedServer;

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: string;
}
/** A fetch that records every request it sends. */
function recordingFetch(sent: Sent[]): typeof fetch {
  return async (input, init) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => (headers[name] = value));
    const body = init?.body === undefined || init.body === null ? '' : typeof init.body === 'string' ? init.body : Buffer.from(init.body as Uint8Array).toString('utf8');
    sent.push({ url: String(input), headers, body });
    return fetch(input, init);
  };
}

const client = (extra: Partial<Parameters<typeof createSignedSession>[0]> = {}) => createSignedSession({ baseUrl: server.url, ...extra });

async function failure(res: Response): Promise<{ status: number; code: string; reasons: string[]; retryAfter: string | null; detail: string }> {
  const body = (await res.json()) as { code: string; detail: string; failures?: { reason: string }[] };
  return { status: res.status, code: body.code, reasons: (body.failures ?? []).map((f) => f.reason), retryAfter: res.headers.get('retry-after'), detail: body.detail };
}

const post = (path: string, body: unknown) =>
  fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The protocol as documented, with node:crypto only: what a client in another language does. */
async function manualLogin(username: string, password: string): Promise<{ sessionId: string; key: Buffer; serverTime: number }> {
  const challenge = (await (await post('/auth/signed/challenge', { username })).json()) as { nonce: string; salt: string; params: { N: number; r: number; p: number; keyLength: number } };
  const { N, r, p, keyLength } = challenge.params;
  const derived = scryptSync(password.normalize('NFC'), Buffer.from(challenge.salt, 'base64url'), keyLength, { N, r, p });
  const clientNonce = randomBytes(16).toString('base64url');
  const proof = createHmac('sha256', derived).update(`${challenge.nonce}.${clientNonce}.${username}`).digest('base64url');
  const res = await post('/auth/signed/login', { username, nonce: challenge.nonce, clientNonce, proof });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { sessionId: string; key: string; serverTime: number };
  return { sessionId: body.sessionId, key: Buffer.from(body.key, 'base64url'), serverTime: body.serverTime };
}

/** Signs by hand: `over` changes one input of the signature (a tampered or stale request). */
function manualHeader(session: { sessionId: string; key: Buffer }, method: string, pathAndQuery: string, body = '', over: { ts?: number; nonce?: string } = {}) {
  const [path, query = ''] = pathAndQuery.split('?');
  const ts = String(over.ts ?? Date.now());
  const nonce = over.nonce ?? randomBytes(16).toString('base64url');
  const digest = createHash('sha256').update(body).digest('base64url');
  const sig = createHmac('sha256', session.key).update(serverCanonical(method, path, query, ts, nonce, digest)).digest('base64url');
  return { authorization: `Burrow-Signed sessionId=${session.sessionId}, ts=${ts}, nonce=${nonce}, sig=${sig}`, 'x-burrow-content-sha256': digest };
}

beforeAll(async () => {
  server = await startSignedServer({
    users: [
      { id: 'u1', name: 'ada', passwordHash: await passwords.hash(PASSWORD), groups: ['member'] },
      { id: 'u2', name: 'bob', passwordHash: await passwords.hash(PASSWORD), groups: ['member'] },
      { id: 'u3', name: 'eve', passwordHash: await passwords.hash(PASSWORD), groups: ['member'] },
      { id: 'u4', name: 'kim', passwordHash: await passwords.hash(PASSWORD), groups: ['member'] },
    ],
    signed: { window: 30, secret: 'a test secret of enough bytes' },
    attempts: 3,
  });
});
afterAll(async () => {
  await server?.close();
});

describe('signed session: login and signed requests', () => {
  it('logs in and signs a GET and a POST with a body; the password is in no request', async () => {
    const sent: Sent[] = [];
    const api = client({ fetch: recordingFetch(sent) });
    await api.login('ada', PASSWORD);
    expect(api.sessionId).toEqual(expect.any(String));

    const list = await api.fetch('/things?q=x&page=2');
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ who: { id: 'u1', name: 'ada', scheme: 'signedAuth', sessionId: api.sessionId }, query: { q: 'x', page: 2 } });

    const created = await api.fetch('/things', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'signed' }) });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { body: unknown }).body).toEqual({ title: 'signed', done: false });

    const note = await api.fetch('/notes', { method: 'PUT', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'ünïcode text' });
    expect(((await note.json()) as { text: unknown }).text).toBe('ünïcode text');

    expect(sent.map((s) => new URL(s.url).pathname)).toEqual(['/auth/signed/challenge', '/auth/signed/login', '/things', '/things', '/notes']);
    const secretForms = [PASSWORD, PASSWORD.normalize('NFC'), Buffer.from(PASSWORD).toString('base64'), encodeURIComponent(PASSWORD)];
    for (const request of sent) {
      const text = `${request.url}\n${JSON.stringify(request.headers)}\n${request.body}`;
      for (const form of secretForms) expect(text).not.toContain(form);
    }
  });

  it('signs the query whatever the order of its parts', async () => {
    const api = client();
    await api.login('ada', PASSWORD);
    const res = await api.fetch('/things?page=3&q=b');
    expect(res.status).toBe(200);
    expect(clientCanonical('get', '/p', 'b=2&a=1&&c', '1', 'n', 'd')).toBe(serverCanonical('get', '/p', 'b=2&a=1&&c', '1', 'n', 'd'));
    expect(serverCanonical('get', '/p', 'b=2&a=1&&c', '1', 'n', 'd')).toBe('GET\n/p\na=1&b=2&c\n1\nn\nd');
  });

  it('follows the documented protocol: a client written with node:crypto alone is accepted', async () => {
    const session = await manualLogin('ada', PASSWORD);
    const body = JSON.stringify({ title: 'by hand' });
    const res = await fetch(`${server.url}/things`, { method: 'POST', headers: { 'content-type': 'application/json', ...manualHeader(session, 'POST', '/things', body) }, body });
    expect(res.status).toBe(201);
  });

  it('keeps the offset of a skewed client clock, learnt at login', async () => {
    const api = client({ now: () => Date.now() - 3_600_000 });
    await api.login('ada', PASSWORD);
    expect(api.clockOffset).toBeGreaterThan(3_590_000);
    expect((await api.fetch('/things')).status).toBe(200);
    await api.syncClock();
    expect(api.clockOffset).toBeGreaterThan(3_590_000);
    expect((await api.fetch('/things')).status).toBe(200);
  });
});

describe('signed session: login failures', () => {
  it('answers a wrong password and an unknown user alike: 401 BURROW_ERR_AUTH_LOGIN_FAILED', async () => {
    const wrong = await client().login('bob', 'not the password').catch((e: SignedSessionError) => e);
    const unknown = await client().login('nobody-here', PASSWORD).catch((e: SignedSessionError) => e);
    for (const error of [wrong, unknown]) {
      expect(error).toBeInstanceOf(SignedSessionError);
      expect((error as SignedSessionError).status).toBe(401);
      expect((error as SignedSessionError).problem?.code).toBe('BURROW_ERR_AUTH_LOGIN_FAILED');
    }
    expect((wrong as SignedSessionError).problem?.detail).toBe((unknown as SignedSessionError).problem?.detail);
  });

  it('answers an unknown user a stable made-up salt with the same parameters as a real one', async () => {
    const ask = async (username: string) => (await (await post('/auth/signed/challenge', { username })).json()) as { nonce: string; salt: string; params: unknown };
    const [a, b, real] = [await ask('ghost'), await ask('ghost'), await ask('bob')];
    expect(a.salt).toBe(b.salt);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.params).toEqual(real.params);
    expect(Buffer.from(a.salt, 'base64url')).toHaveLength(Buffer.from(real.salt, 'base64url').length);
    expect(await ask('ghost2')).not.toHaveProperty('salt', a.salt);
  });

  it('refuses a challenge nonce used twice, unknown, or asked for another name: 401 BURROW_ERR_AUTH_CHALLENGE_INVALID', async () => {
    const challenge = (await (await post('/auth/signed/challenge', { username: 'ada' })).json()) as { nonce: string; salt: string; params: { N: number; r: number; p: number; keyLength: number } };
    const { N, r, p, keyLength } = challenge.params;
    const derived = scryptSync(PASSWORD, Buffer.from(challenge.salt, 'base64url'), keyLength, { N, r, p });
    const clientNonce = randomBytes(16).toString('base64url');
    const proof = createHmac('sha256', derived).update(`${challenge.nonce}.${clientNonce}.ada`).digest('base64url');
    const body = { username: 'ada', nonce: challenge.nonce, clientNonce, proof };
    expect((await post('/auth/signed/login', body)).status).toBe(200);

    const reused = await failure(await post('/auth/signed/login', body));
    expect(reused).toMatchObject({ status: 401, code: 'BURROW_ERR_AUTH_CHALLENGE_INVALID' });
    const unknown = await failure(await post('/auth/signed/login', { ...body, nonce: randomBytes(32).toString('base64url') }));
    expect(unknown).toMatchObject({ status: 401, code: 'BURROW_ERR_AUTH_CHALLENGE_INVALID' });

    const forAda = (await (await post('/auth/signed/challenge', { username: 'ada' })).json()) as { nonce: string };
    const otherName = await failure(await post('/auth/signed/login', { ...body, username: 'bob', nonce: forAda.nonce }));
    expect(otherName).toMatchObject({ status: 401, code: 'BURROW_ERR_AUTH_CHALLENGE_INVALID' });
  });

  it('refuses a malformed login body: 400', async () => {
    expect((await post('/auth/signed/login', { username: 'ada', nonce: 'x' })).status).toBe(400);
    expect((await post('/auth/signed/challenge', {})).status).toBe(400);
  });

  it('locks the account after repeated failures: 429 with Retry-After', async () => {
    const results: (SignedSessionError | undefined)[] = [];
    for (let i = 0; i < 4; i++) results.push(await client().login('kim', `wrong ${i}`).then(() => undefined, (e: SignedSessionError) => e));
    expect(results.map((e) => e?.status)).toEqual([401, 401, 429, 429]);
    expect(results[3]?.problem?.code).toBe('BURROW_ERR_AUTH_LOCKED');
    // Even the right password is refused while locked.
    const res = await client().login('kim', PASSWORD).catch((e: SignedSessionError) => e);
    expect((res as SignedSessionError).status).toBe(429);

    const challenge = (await (await post('/auth/signed/challenge', { username: 'kim' })).json()) as { nonce: string };
    const locked = await post('/auth/signed/login', { username: 'kim', nonce: challenge.nonce, clientNonce: randomBytes(16).toString('base64url'), proof: 'AAAA' });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('signed session: refused requests', () => {
  let session: { sessionId: string; key: Buffer };
  beforeAll(async () => {
    session = await manualLogin('eve', PASSWORD);
  });
  const get = (pathAndQuery: string, headers: Record<string, string>) => fetch(server.url + pathAndQuery, { headers });

  it('refuses a request without credentials: missing', async () => {
    const res = await fetch(`${server.url}/things`);
    expect(await failure(res)).toMatchObject({ status: 401, code: 'BURROW_ERR_AUTH_UNAUTHENTICATED', reasons: ['missing'] });
    expect(res.headers.get('www-authenticate')).toMatch(/^Burrow-signed realm="signedAuth"$/i);
  });

  it.each([
    ['no parameters', 'Burrow-Signed'],
    ['a missing sig', 'Burrow-Signed sessionId=abc, ts=1, nonce=aaaaaaaaaaaaaaaaaaaa'],
    ['a repeated parameter', 'Burrow-Signed sessionId=abc, sessionId=abd, ts=1, nonce=aaaaaaaaaaaaaaaaaaaa, sig=' + 'A'.repeat(43)],
    ['a ts that is not a number', 'Burrow-Signed sessionId=abc, ts=soon, nonce=aaaaaaaaaaaaaaaaaaaa, sig=' + 'A'.repeat(43)],
    ['a short sig', 'Burrow-Signed sessionId=abc, ts=1, nonce=aaaaaaaaaaaaaaaaaaaa, sig=AAAA'],
    ['garbage', 'Burrow-Signed ,,=,"'],
  ])('refuses a malformed credential (%s): malformed', async (_name, authorization) => {
    expect(await failure(await get('/things', { authorization }))).toMatchObject({ status: 401, reasons: ['malformed'] });
  });

  it('refuses a body without its digest header, or a bad digest header: malformed', async () => {
    const headers = manualHeader(session, 'POST', '/things', '{"title":"x"}');
    const without = { authorization: headers.authorization, 'content-type': 'application/json' };
    expect(await failure(await fetch(`${server.url}/things`, { method: 'POST', headers: without, body: '{"title":"x"}' }))).toMatchObject({ reasons: ['malformed'] });
    const bad = { ...without, 'x-burrow-content-sha256': 'not-a-digest' };
    expect(await failure(await fetch(`${server.url}/things`, { method: 'POST', headers: bad, body: '{"title":"x"}' }))).toMatchObject({ reasons: ['malformed'] });
  });

  it('refuses a request sent twice: replayed', async () => {
    const headers = manualHeader(session, 'GET', '/things');
    expect((await get('/things', headers)).status).toBe(200);
    expect(await failure(await get('/things', headers))).toMatchObject({ status: 401, code: 'BURROW_ERR_AUTH_UNAUTHENTICATED', reasons: ['replayed'] });
  });

  it('refuses a timestamp out of the window, past or future: stale-timestamp', async () => {
    for (const ts of [Date.now() - 31_000, Date.now() + 31_000]) {
      expect(await failure(await get('/things', manualHeader(session, 'GET', '/things', '', { ts })))).toMatchObject({ status: 401, reasons: ['stale-timestamp'] });
    }
  });

  it('refuses a tampered path, query or method: bad-signature', async () => {
    expect(await failure(await get('/things/2', manualHeader(session, 'GET', '/things/1')))).toMatchObject({ status: 401, reasons: ['bad-signature'] });
    expect(await failure(await get('/things?q=b', manualHeader(session, 'GET', '/things?q=a')))).toMatchObject({ status: 401, reasons: ['bad-signature'] });
    expect(await failure(await get('/things?q=a&page=1', manualHeader(session, 'GET', '/things?q=a')))).toMatchObject({ reasons: ['bad-signature'] });
    expect(await failure(await get('/things', manualHeader(session, 'HEAD', '/things')))).toMatchObject({ reasons: ['bad-signature'] });
  });

  it('refuses a body that is not the signed one: bad-signature', async () => {
    const signedBody = '{"title":"signed"}';
    const headers = { 'content-type': 'application/json', ...manualHeader(session, 'POST', '/things', signedBody) };
    // The digest header still names the signed body, the bytes are others (checked once read).
    const swapped = await fetch(`${server.url}/things`, { method: 'POST', headers, body: '{"title":"tampered"}' });
    expect(await failure(swapped)).toMatchObject({ status: 401, code: 'BURROW_ERR_AUTH_UNAUTHENTICATED', reasons: ['bad-signature'] });
    // The digest header changed to match the new bytes: the signature no longer does.
    const tamperedBody = '{"title":"tampered!"}';
    const redigested = { ...headers, 'x-burrow-content-sha256': createHash('sha256').update(tamperedBody).digest('base64url') };
    expect(await failure(await fetch(`${server.url}/things`, { method: 'POST', headers: redigested, body: tamperedBody }))).toMatchObject({ reasons: ['bad-signature'] });
    // A request without a body whose signed digest claims one.
    const claims = manualHeader(session, 'GET', '/things', 'a body that is not there');
    expect(await failure(await get('/things', claims))).toMatchObject({ reasons: ['bad-signature'] });
  });

  it('refuses a signature made with another session key: bad-signature', async () => {
    const forged = manualHeader({ sessionId: session.sessionId, key: randomBytes(32) }, 'GET', '/things');
    expect(await failure(await get('/things', forged))).toMatchObject({ reasons: ['bad-signature'] });
  });

  it('refuses an unknown session and one ended by logout: session-ended', async () => {
    expect(await failure(await get('/things', manualHeader({ sessionId: 'no-such-session', key: randomBytes(32) }, 'GET', '/things')))).toMatchObject({ reasons: ['session-ended'] });
    const api = client();
    await api.login('eve', PASSWORD);
    const before = await api.sign('GET', '/things');
    await api.logout();
    expect(api.sessionId).toBeUndefined();
    expect(await failure(await get('/things', before))).toMatchObject({ status: 401, reasons: ['session-ended'] });
  });

  it('logs in again by itself when the session ended and the password is remembered', async () => {
    const api = client({ rememberPassword: true });
    await api.login('eve', PASSWORD);
    const first = api.sessionId!;
    await server.sessions.delete(first);
    const res = await api.fetch('/things');
    expect(res.status).toBe(200);
    expect(api.sessionId).not.toBe(first);

    const forgetful = client();
    await forgetful.login('eve', PASSWORD);
    await server.sessions.delete(forgetful.sessionId!);
    expect(await failure(await forgetful.fetch('/things'))).toMatchObject({ reasons: ['session-ended'] });
    await expect(forgetful.refresh()).rejects.toThrow(/needs credentials/);
    await forgetful.refresh({ username: 'eve', password: PASSWORD });
    expect((await forgetful.fetch('/things')).status).toBe(200);
  });
});

describe('signed(): a secret shared by every instance', () => {
  const REDIS_URL = process.env.BURROW_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const boot = async (signedOptions: Parameters<typeof signed>[0]) => {
    const { logger, lines } = memoryLogger();
    const kernel = await createKernel({
      contract: signedContract() as never,
      contractCache: false,
      logger,
      handlers: Object.fromEntries(['listThings', 'getThing', 'createThing', 'putNote'].map((id) => [id, () => ({ status: 204 })])) as never,
      plugins: [auth({ schemes: { signedAuth: signed(signedOptions) }, sessions: redisSessions({ redis: REDIS_URL, prefix: 'burrow-test:signed-secret:' }), admin: false })],
    });
    return { kernel, warnings: lines.filter((l) => l.level === 'warn').map((l) => String(l.message)) };
  };

  it('is asked for at boot when sessions are shared (several instances) and none is set', async () => {
    const without = await boot({});
    expect(without.warnings.some((w) => w.includes('signed() for signedAuth has no `secret`'))).toBe(true);
    await without.kernel.close();
    const withSecret = await boot({ secret: 'the same on every instance' });
    expect(withSecret.warnings).toEqual([]);
    await withSecret.kernel.close();
  });
});
