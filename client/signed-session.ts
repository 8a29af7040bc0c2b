/**
 * The client of the signed-session scheme (`burrowjs/client/signed-session`): logs in
 * without sending the password, then signs every request with the session's key.
 * Runs in Node 20+ and in browsers: WebCrypto (`globalThis.crypto.subtle`) for
 * HMAC-SHA256 and SHA-256, `@noble/hashes` for scrypt (WebCrypto has none).
 * The protocol is described in `plugins/auth/internal/schemes/signed.ts`.
 */
import { scryptAsync } from '@noble/hashes/scrypt';

/** Options of {@link createSignedSession}. */
export interface SignedSessionOptions {
  /** Where the API is served (`https://api.example.com/v1`); relative request paths are appended to it. */
  baseUrl: string;
  /** The fetch to use. Default: `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Where the auth plugin's operations are, under `baseUrl`. Default `/auth`. */
  basePath?: string;
  /**
   * Keep the password in memory so `refresh()` (and a request whose session ended)
   * can log in again by itself. Default false: `refresh()` then needs credentials.
   */
  rememberPassword?: boolean;
  /** This machine's clock (ms since epoch). Default `Date.now`; the offset to the server's is learnt at login. */
  now?: () => number;
}

/** A signed session: log in, then sign and send requests. */
export interface SignedSession {
  /** Runs the challenge-response login (the password never leaves this function) and keeps the session key. */
  login(username: string, password: string): Promise<void>;
  /**
   * The headers that sign one request: `authorization` and, with a body,
   * `x-burrow-content-sha256`. `url` is absolute or relative to `baseUrl`; `body`
   * must be the exact bytes (or text, sent as UTF-8) that will be sent.
   */
  sign(method: string, url: string | URL, body?: string | Uint8Array | ArrayBuffer): Promise<Record<string, string>>;
  /**
   * Signs and sends a request (`init.body`: a string, bytes or nothing). Once per
   * call, a 401 for a stale timestamp resyncs the clock and retries, and a 401 for an
   * ended session logs in again and retries when the password is remembered.
   */
  fetch(input: string | URL, init?: RequestInit): Promise<Response>;
  /** Logs in again: with `credentials`, else with the remembered ones (`rememberPassword`). */
  refresh(credentials?: { username: string; password: string }): Promise<void>;
  /** Sets the clock offset from `GET {basePath}/timestamp`; answers it (ms, server minus local). */
  syncClock(): Promise<number>;
  /** Ends the session on the server (`POST {basePath}/logout`, signed) and forgets its key. */
  logout(): Promise<void>;
  /** The current session's id, or undefined before login and after logout. */
  readonly sessionId: string | undefined;
  /** Server clock minus local clock, in ms (what is added to the local clock when signing). */
  readonly clockOffset: number;
}

interface Challenge {
  nonce: string;
  salt: string;
  params: { algorithm: string; N: number; r: number; p: number; keyLength: number };
}

const encoder = new TextEncoder();

/**
 * Creates a client for the signed-session scheme.
 *
 * @example
 * const api = createSignedSession({ baseUrl: 'https://api.example.com' })
 * await api.login('ada', 'correct horse')
 * const res = await api.fetch('/tasks', { method: 'POST', body: JSON.stringify({ title: 'x' }), headers: { 'content-type': 'application/json' } })
 * await api.logout()
 */
export function createSignedSession(options: SignedSessionOptions): SignedSession {
  const send = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = options.baseUrl.replace(/\/+$/, '');
  const basePath = options.basePath ?? '/auth';
  const now = options.now ?? Date.now;
  let offset = 0;
  let session: { id: string; key: CryptoKey } | undefined;
  let remembered: { username: string; password: string } | undefined;

  const resolve = (url: string | URL) => (url instanceof URL ? url : /^[a-z][a-z0-9+.-]*:/i.test(url) ? new URL(url) : new URL(base + url));

  async function postJson(path: string, body: unknown): Promise<unknown> {
    const res = await send(resolve(basePath + path), { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
    const payload = await res.json().catch(() => undefined);
    if (!res.ok) throw new SignedSessionError(res.status, payload);
    return payload;
  }

  async function login(username: string, password: string): Promise<void> {
    const challenge = (await postJson('/signed/challenge', { username })) as Challenge;
    if (challenge.params.algorithm !== 'scrypt') throw new TypeError(`signed session: unsupported key derivation ${challenge.params.algorithm}`);
    const { N, r, p, keyLength } = challenge.params;
    // NFC, as the server hashed it (RFC 8265 OpaqueString): a composed and a decomposed é are one password.
    const derived = await scryptAsync(password.normalize('NFC'), fromBase64url(challenge.salt), { N, r, p, dkLen: keyLength });
    const clientNonce = randomNonce();
    const proof = await hmac(await hmacKey(derived), `${challenge.nonce}.${clientNonce}.${username}`);
    derived.fill(0);
    const sentAt = now();
    const answer = (await postJson('/signed/login', { username, nonce: challenge.nonce, clientNonce, proof: toBase64url(proof) })) as {
      sessionId: string;
      key: string;
      serverTime: number;
    };
    // The server read its clock somewhere in the round trip: take the middle.
    offset = answer.serverTime - Math.round((sentAt + now()) / 2);
    session = { id: answer.sessionId, key: await hmacKey(fromBase64url(answer.key)) };
    remembered = options.rememberPassword ? { username, password } : undefined;
  }

  async function sign(method: string, url: string | URL, body?: string | Uint8Array | ArrayBuffer): Promise<Record<string, string>> {
    if (!session) throw new Error('signed session: log in before signing requests');
    const target = resolve(url);
    const ts = String(now() + offset);
    const nonce = randomNonce();
    const bytes = body === undefined ? undefined : typeof body === 'string' ? encoder.encode(body) : new Uint8Array(body);
    const digest = toBase64url(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes ?? new Uint8Array(0))));
    const canonical = canonicalRequest(method, target.pathname, target.search.slice(1), ts, nonce, digest);
    const sig = toBase64url(await hmac(session.key, canonical));
    const headers: Record<string, string> = { authorization: `Burrow-Signed sessionId=${session.id}, ts=${ts}, nonce=${nonce}, sig=${sig}` };
    if (bytes !== undefined) headers['x-burrow-content-sha256'] = digest;
    return headers;
  }

  async function signedFetch(input: string | URL, init: RequestInit = {}, retried = false): Promise<Response> {
    const method = (init.method ?? 'GET').toUpperCase();
    const body = bodyBytes(init.body);
    const target = resolve(input);
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(await sign(method, target, body))) headers.set(name, value);
    const res = await send(target, { ...init, method, headers, body });
    if (res.status !== 401 || retried) return res;
    const reasons = await failureReasons(res.clone());
    if (reasons.includes('stale-timestamp')) {
      await syncClock();
      return signedFetch(input, init, true);
    }
    if (reasons.includes('session-ended') && remembered) {
      await login(remembered.username, remembered.password);
      return signedFetch(input, init, true);
    }
    return res;
  }

  async function syncClock(): Promise<number> {
    const sentAt = now();
    const res = await send(resolve(`${basePath}/timestamp`), { headers: { accept: 'application/json' } });
    if (!res.ok) throw new SignedSessionError(res.status, await res.json().catch(() => undefined));
    const { now: serverNow } = (await res.json()) as { now: number };
    offset = serverNow - Math.round((sentAt + now()) / 2);
    return offset;
  }

  return {
    login,
    sign,
    fetch: (input, init) => signedFetch(input, init),
    async refresh(credentials) {
      const using = credentials ?? remembered;
      if (!using) throw new Error('signed session: refresh() needs credentials (or createSignedSession({ rememberPassword: true }))');
      await login(using.username, using.password);
    },
    syncClock,
    async logout() {
      if (!session) return;
      const res = await signedFetch(`${basePath}/logout`, { method: 'POST' }, true);
      session = undefined;
      remembered = undefined;
      if (!res.ok && res.status !== 401) throw new SignedSessionError(res.status, await res.json().catch(() => undefined));
    },
    get sessionId() {
      return session?.id;
    },
    get clockOffset() {
      return offset;
    },
  };
}

/** A login step or logout answered an error: `status` and the problem body (`code`, `detail`…). */
export class SignedSessionError extends Error {
  readonly status: number;
  readonly problem: { code?: string; detail?: string; [key: string]: unknown } | undefined;
  constructor(status: number, problem: unknown) {
    const body = typeof problem === 'object' && problem !== null ? (problem as SignedSessionError['problem']) : undefined;
    super(`signed session: ${status} ${body?.code ?? ''} ${body?.detail ?? ''}`.trim());
    this.name = 'SignedSessionError';
    this.status = status;
    this.problem = body;
  }
}

/**
 * The text a signature covers (the server's `canonicalRequest`):
 * `METHOD\npath\nsortedQuery\nts\nnonce\nbodyDigest`, the raw query's `&` parts sorted.
 */
export function canonicalRequest(method: string, path: string, rawQuery: string, ts: string, nonce: string, digest: string): string {
  const query = rawQuery ? rawQuery.split('&').filter((part) => part !== '').sort().join('&') : '';
  return `${method.toUpperCase()}\n${path}\n${query}\n${ts}\n${nonce}\n${digest}`;
}

type Bytes = Uint8Array<ArrayBuffer>;

function bodyBytes(body: RequestInit['body']): Bytes | string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  // A copy: the bytes signed are the bytes sent, even if the caller reuses its buffer.
  if (body instanceof Uint8Array || body instanceof ArrayBuffer) return new Uint8Array(body);
  // FormData, streams, URLSearchParams…: fetch serializes them itself, so their bytes cannot be signed beforehand.
  throw new TypeError('signed session: give the body as a string or bytes (serialize forms and streams first), so its digest can be signed');
}

async function failureReasons(res: Response): Promise<string[]> {
  const problem = (await res.json().catch(() => undefined)) as { failures?: { reason?: string }[] } | undefined;
  return (problem?.failures ?? []).map((f) => String(f.reason));
}

function hmacKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', new Uint8Array(raw), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

async function hmac(key: CryptoKey, text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(text)));
}

function randomNonce(): string {
  return toBase64url(crypto.getRandomValues(new Uint8Array(16)));
}

function toBase64url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Bytes {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
