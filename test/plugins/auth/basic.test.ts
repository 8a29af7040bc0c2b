import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernel } from 'burrowjs';
import { basic } from '../../../plugins/auth/internal/schemes/basic.js';
import { memoryUsers } from 'burrowjs/plugins/auth';
import { pluginKernel, schemeEnv, schemeKernel, testLockout, testPasswords, testUsers } from './scheme-env.js';

const DEFINITION = { type: 'http', scheme: 'basic' } as const;
const basicHeader = (text: string) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;

describe('basic() scheme', () => {
  let kernel: Kernel;
  const lockout = testLockout(3);
  let users: Awaited<ReturnType<typeof testUsers>>;
  const me = (authorization?: string) => kernel.inject({ method: 'GET', url: '/me', headers: authorization ? { authorization } : {} });

  beforeAll(async () => {
    users = await testUsers([
      { id: 'u1', name: 'ada', password: 's3cret:with colon', groups: ['admin'] },
      { id: 'u2', name: 'bob', password: 'hunter2', groups: [] },
      { id: 'u3', name: 'eve', password: 'evepw', disabled: true },
      { id: 'u4', name: 'nopw' },
      { id: 'u5', name: 'zoë', password: 'pässwörd' },
      { id: 'u6', name: 'lock', password: 'right' },
    ]);
    ({ kernel } = await schemeKernel(basic(), 'basicAuth', DEFINITION, schemeEnv('basicAuth', DEFINITION, { users, lockout })));
  });
  afterAll(() => kernel.close());

  it('accepts a right name and password: the principal is the user, and the lockout is cleared', async () => {
    const res = await me(basicHeader('ada:s3cret:with colon'));
    expect(res.statusCode).toBe(200);
    expect(res.json().principal).toEqual({ id: 'u1', name: 'ada', groups: ['admin'], scheme: 'basicAuth', scopes: [] });
    expect(lockout.calls).toContain('succeed:ada');
  });

  it('reads UTF-8 names and passwords (RFC 7617 charset)', async () => {
    expect((await me(basicHeader('zoë:pässwörd'))).statusCode).toBe(200);
  });

  it('accepts the scheme word in any case', async () => {
    expect((await me(`bAsIc ${Buffer.from('bob:hunter2').toString('base64')}`)).statusCode).toBe(200);
  });

  it('answers no credentials with 401 missing and a Basic challenge', async () => {
    const res = await me();
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="basicAuth"');
    expect(res.json()).toMatchObject({ code: 'BURROW_ERR_AUTH_UNAUTHENTICATED', failures: [{ scheme: 'basicAuth', reason: 'missing' }] });
  });

  it('answers a bearer token on a Basic operation as missing', async () => {
    expect((await me('Bearer abc')).json().failures).toEqual([{ scheme: 'basicAuth', reason: 'missing' }]);
  });

  it('answers a wrong password with 401 invalid, counted by the lockout', async () => {
    const res = await me(basicHeader('bob:wrong'));
    expect(res.statusCode).toBe(401);
    expect(res.json().failures).toEqual([{ scheme: 'basicAuth', reason: 'invalid' }]);
    expect(res.json().detail).toContain('user name or password is wrong');
    expect(lockout.calls).toContain('fail:bob');
  });

  it('answers an unknown user exactly as a wrong password (same status, body and header)', async () => {
    const wrong = await me(basicHeader('bob:wrong'));
    const unknown = await me(basicHeader('nobody:wrong'));
    const strip = (body: Record<string, unknown>) => ({ ...body, instance: undefined, requestId: undefined, traceId: undefined });
    expect(unknown.statusCode).toBe(wrong.statusCode);
    expect(unknown.headers['www-authenticate']).toBe(wrong.headers['www-authenticate']);
    expect(strip(unknown.json())).toEqual(strip(wrong.json()));
    expect(unknown.body).not.toContain('nobody');
  });

  it('answers a disabled user with the right password as a wrong password', async () => {
    const res = await me(basicHeader('eve:evepw'));
    expect(res.statusCode).toBe(401);
    expect(res.json().failures).toEqual([{ scheme: 'basicAuth', reason: 'invalid' }]);
    expect(res.json().detail).toContain('user name or password is wrong');
  });

  it('answers a user without a password as invalid, whatever is sent', async () => {
    expect((await me(basicHeader('nopw:'))).json().failures).toEqual([{ scheme: 'basicAuth', reason: 'invalid' }]);
  });

  it.each([
    ['not base64', 'Basic !!!not-base64!!!'],
    ['no colon', basicHeader('adaonly')],
    ['an empty name', basicHeader(':password')],
    ['invalid UTF-8', `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`],
    ['no credentials after the word', 'Basic '],
  ])('answers a malformed header (%s) with 401 malformed, before any lookup', async (_name, header) => {
    const before = users.lookups.length;
    const res = await me(header);
    expect(res.statusCode).toBe(401);
    const reason = header === 'Basic ' ? 'missing' : 'malformed';
    expect(res.json().failures).toEqual([{ scheme: 'basicAuth', reason }]);
    expect(users.lookups.length).toBe(before);
  });

  it('never echoes the password in the problem body', async () => {
    const res = await me(basicHeader('bob:Sup3rSecretValue'));
    expect(res.body).not.toContain('Sup3rSecretValue');
  });

  it('locks the account after repeated failures (429, Retry-After), even with the right password', async () => {
    for (let i = 0; i < 2; i++) expect((await me(basicHeader('lock:bad'))).statusCode).toBe(401);
    const third = await me(basicHeader('lock:bad'));
    expect(third.statusCode).toBe(429);
    expect(third.headers['retry-after']).toBe('30');
    const right = await me(basicHeader('lock:right'));
    expect(right.statusCode).toBe(429);
    expect(right.json().code).toBe('BURROW_ERR_AUTH_LOCKED');
  });

  it('opens no session (stateless): repeated requests need the header each time', async () => {
    expect((await me(basicHeader('bob:hunter2'))).headers['set-cookie']).toBeUndefined();
    expect((await me()).statusCode).toBe(401);
  });
});

describe('basic() through auth()', () => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await pluginKernel(basic(), 'basicAuth', DEFINITION, {
      users: memoryUsers([{ id: 'u1', name: 'ada', passwordHash: await testPasswords.hash('pw-ada'), groups: ['admin'] }]),
    });
  });
  afterAll(() => kernel.close());
  const me = (authorization: string) => kernel.inject({ method: 'GET', url: '/me', headers: { authorization } });

  it('authenticates a user of the plugin’s store', async () => {
    const res = await me(basicHeader('ada:pw-ada'));
    expect(res.statusCode).toBe(200);
    expect(res.json().principal).toMatchObject({ id: 'u1', name: 'ada', groups: ['admin'], scheme: 'basicAuth' });
  });

  it('answers a wrong password and an unknown user alike: 401 problem, failures and challenge', async () => {
    const wrong = await me(basicHeader('ada:nope'));
    const unknown = await me(basicHeader('ghost:nope'));
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="basicAuth"');
      expect(res.json()).toMatchObject({ code: 'BURROW_ERR_AUTH_UNAUTHENTICATED', failures: [{ scheme: 'basicAuth', reason: 'invalid' }] });
    }
    expect(unknown.json().detail).toBe(wrong.json().detail);
  });
});
