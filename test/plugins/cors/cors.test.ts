import { afterAll, describe, expect, it } from 'vitest';
import { allow, createKernel, type Kernel } from '../../../core/index.js';
import { cors, type CorsOptions } from '../../../plugins/cors/index.js';
import express from 'express';
import request from 'supertest';
import { expressMiddleware } from '../../../core/http/express.js';
import { ADAPTERS, agent } from '../../helpers.js';
import { corsContract, corsHandlers } from './contract.js';

const APP = 'https://app.example.com';
const kernels: Kernel[] = [];
afterAll(async () => {
  for (const kernel of kernels) await kernel.close();
});

async function boot(options?: CorsOptions): Promise<Kernel> {
  const kernel = await createKernel({
    contract: structuredClone(corsContract),
    handlers: corsHandlers,
    logger: { level: 'silent' },
    plugins: [options === undefined ? cors() : cors(options)],
    security: { bearer: () => allow({ id: 'u' }), key: () => allow({ id: 'k' }), signed: () => allow({ id: 's' }) },
  });
  kernels.push(kernel);
  return kernel;
}

const CORS_HEADERS = ['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-expose-headers', 'access-control-allow-methods', 'access-control-allow-headers', 'access-control-max-age'];
const corsHeadersOf = (headers: Record<string, unknown>) => CORS_HEADERS.filter((name) => name in headers);

describe.each(ADAPTERS)('cors over %s', (adapter) => {
  it('sends no CORS header without configured origins, and refuses every preflight', async () => {
    const api = agent(await boot(), adapter);
    const res = await api.get('/pets').set('origin', APP);
    expect(res.status).toBe(200);
    expect(corsHeadersOf(res.headers)).toEqual([]);
    expect(res.headers.vary).toBeUndefined();

    const pre = await api.options('/pets').set('origin', APP).set('access-control-request-method', 'GET');
    expect(pre.status).toBe(403);
    expect(pre.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(pre.body).toMatchObject({ code: 'BURROW_ERR_CORS_ORIGIN_DENIED', detail: `cross-origin calls from ${APP} are not allowed` });
    expect(corsHeadersOf(pre.headers)).toEqual([]);
    expect(pre.headers.vary).toBe('Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
  });

  it('answers a request without Origin with no CORS header but Vary: Origin, so that no shared cache serves it cross-origin', async () => {
    const api = agent(await boot({ origins: [APP] }), adapter);
    const res = await api.get('/pets');
    expect(corsHeadersOf(res.headers)).toEqual([]);
    expect(res.headers.vary).toBe('Origin');
    const any = await agent(await boot({ origins: '*' }), adapter).get('/pets');
    expect([corsHeadersOf(any.headers), any.headers.vary]).toEqual([[], 'Origin']);
    const none = await agent(await boot(), adapter).get('/pets');
    expect(none.headers.vary).toBeUndefined();
  });

  it('echoes an allowed origin, with Vary: Origin and the exposed headers of the operation', async () => {
    const api = agent(await boot({ origins: [APP] }), adapter);
    const res = await api.get('/pets').set('origin', APP);
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(APP);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.headers.vary).toBe('Origin');
    expect(res.headers['access-control-expose-headers']).toBe(
      'X-Total-Count, X-Request-Id, Retry-After, RateLimit, RateLimit-Policy, X-Burrow-Instance, ETag, Location, WWW-Authenticate',
    );
  });

  it('refuses another origin with Vary: Origin and no CORS header', async () => {
    const api = agent(await boot({ origins: [APP] }), adapter);
    const res = await api.get('/pets').set('origin', 'https://evil.example.net');
    expect(res.status).toBe(200);
    expect(corsHeadersOf(res.headers)).toEqual([]);
    expect(res.headers.vary).toBe('Origin');
    const pre = await api.options('/pets').set('origin', 'https://evil.example.net').set('access-control-request-method', 'POST');
    expect([pre.status, pre.body.code, pre.headers.vary]).toEqual([403, 'BURROW_ERR_CORS_ORIGIN_DENIED', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers']);
    expect(corsHeadersOf(pre.headers)).toEqual([]);
  });

  it('matches wildcard origins and regular expressions', async () => {
    const api = agent(await boot({ origins: ['https://*.example.org', /^http:\/\/localhost:\d+$/] }), adapter);
    const allowed = ['https://a.example.org', 'https://a.b.example.org', 'http://localhost:5173'];
    const refused = ['https://example.org', 'http://a.example.org', 'https://a.example.org:8443', 'https://a.example.org.evil.net', 'https://evil.net/.example.org'];
    for (const origin of allowed) expect((await api.get('/pets').set('origin', origin)).headers['access-control-allow-origin'], origin).toBe(origin);
    for (const origin of refused) expect((await api.get('/pets').set('origin', origin)).headers['access-control-allow-origin'], origin).toBeUndefined();
  });

  it('asks a function, synchronous or not, with the request context', async () => {
    const seen: string[] = [];
    const api = agent(
      await boot({
        origins: async (origin, ctx) => {
          seen.push(`${ctx.method} ${ctx.path}`);
          return origin.endsWith('.trusted.test');
        },
      }),
      adapter,
    );
    expect((await api.get('/pets').set('origin', 'https://x.trusted.test')).headers['access-control-allow-origin']).toBe('https://x.trusted.test');
    expect((await api.get('/pets').set('origin', 'https://x.other.test')).headers['access-control-allow-origin']).toBeUndefined();
    expect(seen).toEqual(['get /pets', 'get /pets']);
    const sync = agent(await boot({ origins: (origin) => origin === APP }), adapter);
    expect((await sync.get('/pets').set('origin', APP)).headers['access-control-allow-origin']).toBe(APP);
  });

  it("answers '*' to any origin without credentials", async () => {
    const api = agent(await boot({ origins: '*' }), adapter);
    const res = await api.get('/pets').set('origin', 'https://anyone.test');
    expect([res.headers['access-control-allow-origin'], res.headers.vary]).toEqual(['*', 'Origin']);
  });

  it('sends Access-Control-Allow-Credentials with credentials, on responses and preflights, and on problems', async () => {
    const api = agent(await boot({ origins: [APP], credentials: true }), adapter);
    const res = await api.get('/pets').set('origin', APP);
    expect([res.headers['access-control-allow-origin'], res.headers['access-control-allow-credentials']]).toEqual([APP, 'true']);
    const pre = await api.options('/pets').set('origin', APP).set('access-control-request-method', 'POST');
    expect([pre.status, pre.headers['access-control-allow-credentials']]).toEqual([204, 'true']);
    // A problem (here a 404) still carries the CORS headers: the page can read it.
    const missing = await api.get('/nowhere').set('origin', APP);
    expect([missing.status, missing.headers['access-control-allow-origin'], missing.headers['access-control-allow-credentials']]).toEqual([404, APP, 'true']);
    expect(missing.headers['access-control-expose-headers']).toContain('X-Request-Id');
  });

  it('answers a preflight from the contract: the method, the headers the operation accepts, max age', async () => {
    const api = agent(await boot({ origins: [APP], allowHeaders: ['X-Trace'] }), adapter);
    const get = await api.options('/pets').set('origin', APP).set('access-control-request-method', 'GET').set('access-control-request-headers', 'x-page-size');
    expect(get.status).toBe(204);
    expect(get.text).toBe('');
    expect(get.headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'GET',
      'access-control-allow-headers': 'Accept, Accept-Language, Content-Language, X-Page-Size, X-Request-Id, X-Trace',
      'access-control-max-age': '600',
      vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    });
    const post = await api.options('/pets').set('origin', APP).set('access-control-request-method', 'POST').set('access-control-request-headers', 'content-type,authorization,x-api-key');
    expect(post.status).toBe(204);
    expect(post.headers['access-control-allow-methods']).toBe('POST');
    expect(post.headers['access-control-allow-headers']).toBe('Accept, Accept-Language, Content-Language, Content-Type, Authorization, X-Api-Key, X-Request-Id, X-Trace');
    // Path-level header parameters, and the signed scheme's body digest.
    const put = await api.options('/pets/7').set('origin', APP).set('access-control-request-method', 'PUT');
    expect(put.headers['access-control-allow-headers']).toBe(
      'Accept, Accept-Language, Content-Language, Content-Type, X-Tenant, Authorization, X-Burrow-Content-SHA256, X-Request-Id, X-Trace',
    );
  });

  it('uses maxAge', async () => {
    const api = agent(await boot({ origins: [APP], maxAge: 60 }), adapter);
    const pre = await api.options('/pets').set('origin', APP).set('access-control-request-method', 'GET');
    expect(pre.headers['access-control-max-age']).toBe('60');
  });

  it('refuses a preflight asking for headers the operation does not accept, naming them', async () => {
    const api = agent(await boot({ origins: [APP] }), adapter);
    const pre = await api.options('/pets').set('origin', APP).set('access-control-request-method', 'GET').set('access-control-request-headers', 'x-page-size, content-type, x-secret');
    expect(pre.status).toBe(403);
    expect(pre.body).toMatchObject({
      code: 'BURROW_ERR_CORS_HEADERS_NOT_ALLOWED',
      detail: 'GET /pets does not accept the request headers content-type, x-secret; it accepts Accept, Accept-Language, Content-Language, X-Page-Size, X-Request-Id',
    });
    expect(pre.headers['access-control-allow-headers']).toBeUndefined();
  });

  it('answers 405 with the declared methods for a method the path does not declare', async () => {
    const api = agent(await boot({ origins: [APP] }), adapter);
    const pre = await api.options('/pets').set('origin', APP).set('access-control-request-method', 'DELETE');
    expect(pre.status).toBe(405);
    expect(pre.body).toMatchObject({ code: 'BURROW_ERR_ROUTE_METHOD_NOT_ALLOWED', detail: 'DELETE is not declared for /pets; allowed: GET, POST, HEAD' });
    expect([pre.headers.allow, pre.headers['access-control-allow-methods'], pre.headers['access-control-allow-origin']]).toEqual(['GET, POST, HEAD', 'GET, POST, HEAD', APP]);
  });

  it('answers 404 problem+json to a preflight for an undeclared path, not a blanket 204', async () => {
    const api = agent(await boot({ origins: [APP] }), adapter);
    const pre = await api.options('/nowhere').set('origin', APP).set('access-control-request-method', 'GET');
    expect(pre.status).toBe(404);
    expect(pre.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(pre.body.code).toBe('BURROW_ERR_ROUTE_NOT_FOUND');
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    expect(pre.headers.vary).toBe('Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
  });

  it("passes a preflight to the contract's own OPTIONS operation", async () => {
    const api = agent(await boot({ origins: [APP] }), adapter);
    const pre = await api.options('/own').set('origin', APP).set('access-control-request-method', 'GET');
    expect([pre.status, pre.headers['x-own'], pre.headers['access-control-allow-origin']]).toEqual([200, 'yes', APP]);
    expect(pre.headers['access-control-allow-methods']).toBeUndefined();
  });
});

it("passes a preflight for an undeclared path on to the host app when mounted with notFound: 'next'", async () => {
  const kernel = await boot({ origins: [APP] });
  const app = express();
  app.use('/api', expressMiddleware(kernel, { notFound: 'next' }));
  app.options('/api/legacy', (_req, res) => void res.status(299).send('the host app'));
  const pre = await request(app).options('/api/legacy').set('origin', APP).set('access-control-request-method', 'GET');
  expect([pre.status, pre.text, pre.headers['access-control-allow-origin']]).toEqual([299, 'the host app', undefined]);
  const declared = await request(app).options('/api/pets').set('origin', APP).set('access-control-request-method', 'GET');
  expect([declared.status, declared.headers['access-control-allow-origin']]).toEqual([204, APP]);
});

describe('cors options', () => {
  const boots = (options: unknown) =>
    createKernel({
      contract: structuredClone(corsContract),
      handlers: corsHandlers,
      logger: { level: 'silent' },
      plugins: [cors(options as CorsOptions)],
      security: { bearer: () => allow({}), key: () => allow({}), signed: () => allow({}) },
    });
  it.each([
    [{ origins: '*', credentials: true }, "'*' cannot be used with credentials"],
    [{ origins: ['*', APP] }, "'*' must be alone"],
    [{ origins: ['https://app.example.com/'] }, undefined],
    [{ origins: ['https://app.example.com/path'] }, 'is not an origin'],
    [{ origins: ['null'] }, '"null" is what sandboxed pages'],
    [{ origins: ['https://a.*.example.com'] }, 'is not a wildcard origin'],
    [{ origins: [] }, 'must not be an empty array'],
    [{ origins: [42] }, 'must be origins'],
    [{ maxAge: -1 }, 'maxAge must be'],
    [{ exposeHeaders: ['bad header'] }, 'exposeHeaders must be'],
    [{ credentials: 'yes' }, 'credentials must be a boolean'],
    [{ origin: APP }, 'origin'],
    [{ origins: ['https://*.example.org:8443', /x/g, 'http://localhost:3000'], maxAge: 0, exposeHeaders: [], allowHeaders: ['X-A'] }, undefined],
  ])('%j', async (options, message) => {
    if (message === undefined) {
      kernels.push(await boots(options));
      return;
    }
    await expect(boots(options)).rejects.toThrow(message);
  });
});
