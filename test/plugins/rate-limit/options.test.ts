import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createKernel, isBurrowError, type Kernel } from '../../../core/index.js';
import { rateLimit, rateLimitErrors } from '../../../plugins/rate-limit/index.js';
import { parseRateLimitOptions, RATE_LIMIT_DEFAULTS } from '../../../plugins/rate-limit/options.js';
import { auth, basic, memoryUsers } from '../../../plugins/auth/index.js';
import { health } from '../../../plugins/health/index.js';

describe('parseRateLimitOptions', () => {
  it('gives the defaults without options', () => {
    expect(parseRateLimitOptions(undefined)).toEqual(RATE_LIMIT_DEFAULTS);
    expect(RATE_LIMIT_DEFAULTS).toMatchObject({ store: 'memory', headers: true, onStoreError: 'allow', keyPrefix: 'burrow:rl:', exempt: [] });
  });

  it('chooses the redis store when redis is given, and normalizes the default policy', () => {
    const client = new Redis({ lazyConnect: true });
    expect(parseRateLimitOptions({ redis: 'redis://localhost:6379' }).store).toBe('redis');
    expect(parseRateLimitOptions({ redis: client }).store).toBe('redis');
    client.disconnect();
    expect(parseRateLimitOptions({ default: { points: 10, duration: '1h', key: 'principal' } }).default).toMatchObject([{ name: 'default', points: 10, seconds: 3600, key: 'principal', header: '"default";q=10;w=3600' }]);
  });

  it('reports every problem in one message', () => {
    expect(() =>
      parseRateLimitOptions({ store: 'disk', redis: 'http://x', default: { points: 1.5, duration: 0 }, exempt: 'admin', keyPrefix: 3, headers: 'yes', onStoreError: 'panic', extra: 1 }),
    ).toThrow(
      [
        'unknown option "extra" (options are: store, redis, default, exempt, operations, keyPrefix, headers, onStoreError)',
        'store must be "memory" or "redis", got "disk"',
        'redis must be a Redis URL ("redis://host:6379") or an ioredis instance, got "http://x"',
        'default/points: must be a whole number ≥ 1, got 1.5',
        'default/duration: must be whole seconds ≥ 1 or a string such as "30s", "1m", "1h", "1d", at most 2147483 s, got 0',
        'exempt must be an array of group names, got "admin"',
        'keyPrefix must be a string of at most 100 characters, got 3',
        'headers must be true or false, got "yes"',
        'onStoreError must be "allow" or "deny", got "panic"',
      ].join('; '),
    );
    expect(() => parseRateLimitOptions({ store: 'redis' })).toThrow('store "redis" needs the `redis` option');
    expect(() => parseRateLimitOptions({ default: false })).toThrow('default must be a policy or an array of policies');
    expect(() => parseRateLimitOptions({ operations: ['authLogin'] })).toThrow('operations must be an object of policies by operationId, got ["authLogin"]');
    expect(() => parseRateLimitOptions({ operations: { authLogin: { points: 0, duration: '1m' } } })).toThrow('operations/authLogin/points: must be a whole number ≥ 1, got 0');
  });

  it('leaves the health probes unlimited unless operations names them', () => {
    expect([...parseRateLimitOptions(undefined).operations]).toEqual([['healthLive', false], ['healthReady', false]]);
    const given = parseRateLimitOptions({ operations: { healthReady: { points: 60, duration: '1m' }, authLogin: false } });
    expect([...given.operations.keys()]).toEqual(['healthLive', 'healthReady', 'authLogin']);
    expect(given.operations.get('healthReady')).toMatchObject([{ name: 'healthReady', points: 60, seconds: 60 }]);
    expect([...given.namedOperations]).toEqual(['healthReady', 'authLogin']);
  });

  it('declares its error codes', () => {
    expect(Object.keys(rateLimitErrors.specs)).toEqual(['BURROW_ERR_RATELIMIT_EXCEEDED', 'BURROW_ERR_RATELIMIT_STORE_UNAVAILABLE']);
    expect([rateLimitErrors.specs.BURROW_ERR_RATELIMIT_EXCEEDED.status, rateLimitErrors.specs.BURROW_ERR_RATELIMIT_STORE_UNAVAILABLE.status]).toEqual([429, 503]);
  });
});

describe('in a kernel', () => {
  let kernel: Kernel | undefined;
  afterEach(async () => {
    await kernel?.close();
    kernel = undefined;
  });

  it('boots with no options in a kernel without security schemes', async () => {
    kernel = await createKernel({ contract: { openapi: '3.1.0', info: { title: 'T', version: '1' }, paths: {} } as never, logger: { level: 'silent' }, plugins: [rateLimit()] });
    expect(kernel.errors.get('BURROW_ERR_RATELIMIT_EXCEEDED')).toBeDefined();
  });

  it('refuses bad options at boot, naming the plugin', async () => {
    const error = await createKernel({ contract: { openapi: '3.1.0', info: { title: 'T', version: '1' }, paths: {} } as never, logger: { level: 'silent' }, plugins: [rateLimit({ headers: 1 } as never)] }).catch((e) => e);
    expect(isBurrowError(error) && error.code).toBe('BURROW_ERR_BOOT_PLUGIN_OPTIONS');
    expect(error.detail).toContain('headers must be true or false');
  });

  const probed = (options?: Parameters<typeof rateLimit>[0]) =>
    createKernel({
      contract: {
        openapi: '3.1.0',
        info: { title: 'T', version: '1' },
        'x-burrow-rate-limit': { points: 1, duration: 60 },
        paths: {
          '/a': { get: { operationId: 'a', responses: { '200': { description: 'ok' } } } },
          '/b': { get: { operationId: 'b', 'x-burrow-rate-limit': { points: 2, duration: 60 }, responses: { '200': { description: 'ok' } } } },
        },
      } as never,
      handlers: { a: () => ({ status: 200 }), b: () => ({ status: 200 }) },
      logger: { level: 'silent' },
      plugins: [health(), rateLimit(options)],
    });

  it('never counts the health probes under a root limit, unless the operations option names them', async () => {
    kernel = await probed();
    for (let i = 0; i < 5; i++) {
      for (const url of ['/health/live', '/health/ready']) {
        const probe = await kernel.inject({ url });
        expect([url, probe.statusCode, probe.headers.ratelimit]).toEqual([url, 200, undefined]);
      }
    }
    expect((await kernel.inject({ url: '/a' })).statusCode).toBe(200);
    expect((await kernel.inject({ url: '/a' })).statusCode).toBe(429);
    await kernel.close();

    kernel = await probed({ operations: { healthReady: { points: 1, duration: 60, name: 'probe' }, a: false, b: false } });
    const ready = await kernel.inject({ url: '/health/ready' });
    expect([ready.statusCode, ready.headers['ratelimit-policy']]).toEqual([200, '"probe";q=1;w=60']);
    expect((await kernel.inject({ url: '/health/ready' })).statusCode).toBe(429);
    expect((await kernel.inject({ url: '/health/live' })).headers.ratelimit).toBeUndefined();
    // The option wins over the root (a: unlimited), the operation's own declaration over the option (b: 2 per minute).
    for (let i = 0; i < 3; i++) expect((await kernel.inject({ url: '/a' })).statusCode).toBe(200);
    expect((await kernel.inject({ url: '/b' })).headers['ratelimit-policy']).toBe('"b";q=2;w=60');
  });

  it('stops the boot when the operations option names an operation the contract does not have', async () => {
    const error = await probed({ operations: { authLogin: { points: 5, duration: '1m' }, healthReady: false } }).catch((e) => e);
    expect(isBurrowError(error) && error.code).toBe('BURROW_ERR_BOOT_PLUGIN_OPTIONS');
    expect(error.detail).toBe('rate-limit: the operations option names "authLogin", which no operation of the composed contract has');
  });

  it('counts the auth plugin’s principals and honours their groups', async () => {
    kernel = await createKernel({
      contract: {
        openapi: '3.1.0',
        info: { title: 'T', version: '1' },
        components: { securitySchemes: { basicAuth: { type: 'http', scheme: 'basic' } } },
        security: [{ basicAuth: [] }],
        paths: { '/me': { get: { operationId: 'whoami', 'x-burrow-rate-limit': { points: 1, duration: 60, key: 'principal', exempt: ['admin'] }, responses: { '200': { description: 'ok' } } } } },
      } as never,
      handlers: { whoami: () => ({ status: 200 }) },
      logger: { level: 'silent' },
      plugins: [
        auth({ schemes: { basicAuth: basic() }, users: memoryUsers([{ name: 'ada', password: 'ada-pass', groups: ['member'] }, { name: 'root', password: 'root-pass', groups: ['admin'] }]), password: { N: 1024 } } as never),
        rateLimit(),
      ],
    });
    const as = (user: string) => kernel!.inject({ url: '/me', headers: { authorization: `Basic ${Buffer.from(user).toString('base64')}` } });
    const first = await as('ada:ada-pass');
    expect([first.statusCode, first.headers.ratelimit]).toEqual([200, '"whoami";r=0;t=60']);
    expect((await as('ada:ada-pass')).statusCode).toBe(429);
    for (let i = 0; i < 3; i++) expect((await as('root:root-pass')).statusCode).toBe(200);
  });
});
