import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernel, SecuritySchemeObject } from 'burrowjs';
import { apiKey, generateApiKey, hashApiKey, type ApiKeyOptions, type ApiKeyRecord } from '../../../plugins/auth/internal/schemes/api-key.js';
import { pluginKernel, schemeEnv, schemeKernel, testLockout, testUsers } from './scheme-env.js';

const KEY = generateApiKey();
const REVOKED = generateApiKey();
const RECORDS: ApiKeyRecord[] = [
  { hash: hashApiKey(KEY), name: 'billing', id: 'key-1', groups: ['service'], scopes: ['invoices:read', 'admin'] },
  { hash: hashApiKey(REVOKED), name: 'old', disabled: true },
];

const kernels: Kernel[] = [];
afterAll(() => Promise.all(kernels.map((k) => k.close())));

async function keyKernel(definition: SecuritySchemeObject, options: ApiKeyOptions = { keys: RECORDS }, lockout = testLockout()) {
  const env = schemeEnv('keyAuth', definition, { users: await testUsers(), lockout });
  const { kernel } = await schemeKernel(apiKey(options), 'keyAuth', definition, env);
  kernels.push(kernel);
  return kernel;
}

describe('generateApiKey() and hashApiKey()', () => {
  it('makes bk_-prefixed keys of 32 random bytes, different each time', () => {
    expect(KEY).toMatch(/^bk_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey()).not.toBe(generateApiKey());
  });
  it('hashes to sha256:<base64url digest>, deterministically', () => {
    expect(hashApiKey('abc')).toBe('sha256:ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    expect(hashApiKey(KEY)).toBe(hashApiKey(KEY));
  });
});

describe.each([
  ['header', { type: 'apiKey', in: 'header', name: 'X-API-Key' }, (key: string) => ({ url: '/me', headers: { 'x-api-key': key } })],
  ['query', { type: 'apiKey', in: 'query', name: 'api_key' }, (key: string) => ({ url: `/me?api_key=${encodeURIComponent(key)}`, headers: {} })],
  ['cookie', { type: 'apiKey', in: 'cookie', name: 'key' }, (key: string) => ({ url: '/me', headers: { cookie: `theme=dark; key=${key}` } })],
] as const)('apiKey() in %s', (_where, definition, request) => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await keyKernel(definition as SecuritySchemeObject);
  });
  const send = (key: string) => kernel.inject({ method: 'GET', ...request(key) });

  it('accepts a known key: the principal is the key’s', async () => {
    const res = await send(KEY);
    expect(res.statusCode).toBe(200);
    expect(res.json().principal).toEqual({ id: 'key-1', name: 'billing', groups: ['service'], scheme: 'keyAuth', scopes: ['invoices:read', 'admin'] });
  });

  it('answers a wrong key with 401 invalid and an ApiKey challenge', async () => {
    const res = await send(generateApiKey());
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`ApiKey realm="keyAuth", in="${definition.in}", name="${definition.name}"`);
    expect(res.json().failures).toEqual([{ scheme: 'keyAuth', reason: 'invalid' }]);
  });

  it('answers no key with 401 missing', async () => {
    const res = await kernel.inject({ method: 'GET', url: '/me' });
    expect(res.json().failures).toEqual([{ scheme: 'keyAuth', reason: 'missing' }]);
  });
});

describe('apiKey() checks', () => {
  const HEADER: SecuritySchemeObject = { type: 'apiKey', in: 'header', name: 'X-API-Key' };
  const send = (kernel: Kernel, key: string, url = '/me') => kernel.inject({ method: 'GET', url, headers: { 'x-api-key': key } });

  it('compares by hash: the stored hash itself is not a key', async () => {
    const kernel = await keyKernel(HEADER);
    expect((await send(kernel, hashApiKey(KEY))).statusCode).toBe(401);
    expect((await send(kernel, `${KEY}x`)).statusCode).toBe(401);
    expect((await send(kernel, KEY.slice(0, -1))).statusCode).toBe(401);
  });

  it('refuses a revoked (disabled) key like an unknown one', async () => {
    const res = await send(await keyKernel(HEADER), REVOKED);
    expect(res.statusCode).toBe(401);
    expect(res.json().failures).toEqual([{ scheme: 'keyAuth', reason: 'invalid' }]);
  });

  it('answers an oversized key with 401 malformed, without hashing it', async () => {
    const res = await send(await keyKernel(HEADER), 'k'.repeat(2000));
    expect(res.json().failures).toEqual([{ scheme: 'keyAuth', reason: 'malformed' }]);
  });

  it('never echoes the key in the problem body', async () => {
    const wrong = generateApiKey();
    expect((await send(await keyKernel(HEADER), wrong)).body).not.toContain(wrong);
  });

  it('asks `lookup` with the hash, never the key, and compares the digest it answers', async () => {
    const asked: string[] = [];
    const other = generateApiKey();
    const kernel = await keyKernel(HEADER, {
      lookup: async (hash) => {
        asked.push(hash);
        // A loose lookup (case-insensitive collation) answering a record for another key.
        if (hash.toLowerCase() === hashApiKey(other).toLowerCase()) return { hash: hashApiKey(other), name: 'db-key' };
        return hash === hashApiKey(KEY) ? { hash: hash.toUpperCase(), name: 'loose' } : undefined;
      },
    });
    expect((await send(kernel, other)).json().principal).toMatchObject({ id: 'db-key', name: 'db-key', groups: [], scopes: [] });
    expect(asked).toEqual([hashApiKey(other)]);
    expect((await send(kernel, KEY)).statusCode).toBe(401);
  });

  it('counts failures by address only (account ""): the lockout then answers 429', async () => {
    const lockout = testLockout(2);
    const kernel = await keyKernel(HEADER, { keys: RECORDS }, lockout);
    expect((await send(kernel, 'bk_wrong')).statusCode).toBe(401);
    const locked = await send(kernel, 'bk_wrong');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('BURROW_ERR_AUTH_LOCKED');
    expect(lockout.calls).toEqual(['check:', 'fail:', 'check:', 'fail:']);
  });

  it('lets the scope check use the key’s scopes (403 missing-scope without them)', async () => {
    const limited = generateApiKey();
    const kernel = await keyKernel(HEADER, { keys: [...RECORDS, { hash: hashApiKey(limited), name: 'ro', scopes: ['invoices:read'] }] });
    expect((await send(kernel, KEY, '/admin')).statusCode).toBe(200);
    const res = await send(kernel, limited, '/admin');
    expect(res.statusCode).toBe(403);
    expect(res.json().failures).toEqual([{ scheme: 'keyAuth', reason: 'missing-scope' }]);
  });

  it.each([
    ['a key stored in clear', { keys: [{ hash: KEY, name: 'plain' }] }, /hashApiKey/],
    ['a key given twice', { keys: [RECORDS[0], { ...RECORDS[0], name: 'again' }] }, /twice/],
    ['neither keys nor lookup', {}, /keys.*lookup/],
  ])('refuses options with %s', (_name, options, message) => {
    expect(() => apiKey(options as ApiKeyOptions)).toThrow(message);
  });
});

describe('apiKey() through auth()', () => {
  const HEADER: SecuritySchemeObject = { type: 'apiKey', in: 'header', name: 'X-API-Key' };
  const send = (kernel: Kernel, key: string, url = '/me') => kernel.inject({ method: 'GET', url, headers: { 'x-api-key': key } });

  it('authenticates a known key and answers a wrong one with a 401 problem, failures and challenge', async () => {
    const kernel = await pluginKernel(apiKey({ keys: RECORDS }), 'keyAuth', HEADER);
    kernels.push(kernel);
    expect((await send(kernel, KEY)).json().principal).toMatchObject({ id: 'key-1', name: 'billing', scheme: 'keyAuth' });
    const res = await send(kernel, 'bk_wrong');
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('ApiKey realm="keyAuth", in="header", name="X-API-Key"');
    expect(res.json()).toMatchObject({ code: 'BURROW_ERR_AUTH_UNAUTHENTICATED', failures: [{ scheme: 'keyAuth', reason: 'invalid' }] });
  });

  it('counts wrong keys against the address only (addressAttempts), never a shared account (attempts) that would lock every client out', async () => {
    const kernel = await pluginKernel(apiKey({ keys: RECORDS }), 'keyAuth', HEADER, { lockout: { attempts: 2, addressAttempts: 4, duration: 60 } });
    kernels.push(kernel);
    // `attempts` (per account) must not apply: API keys share no account.
    for (let i = 0; i < 3; i++) expect((await send(kernel, 'bk_wrong')).statusCode).toBe(401);
    expect((await send(kernel, KEY)).statusCode).toBe(200);
    // `addressAttempts` does: the fourth failure from this address locks it.
    expect((await send(kernel, 'bk_wrong')).statusCode).toBe(429);
    expect((await send(kernel, KEY)).statusCode).toBe(429);
  });
});
