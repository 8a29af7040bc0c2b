import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  CORE_ERRORS,
  createKernel,
  defineErrors,
  definePlugin,
  deny,
  type BurrowError,
  type Kernel,
  type KernelOptions,
  type OpenApiDocument,
  type RequestContext,
} from '../../../core/index.js';
import { expressMiddleware } from '../../../core/http/express.js';

const appErrors = defineErrors({
  SHOP_ERR_OUT_OF_STOCK: { status: 409, title: 'The item is out of stock', detail: 'item {sku} is out of stock', means: 'Nobody can buy it now.', do: 'Try again `tomorrow`.' },
});
const pluginErrors = defineErrors({
  LOYALTY_ERR_NO_POINTS: { status: 402, title: 'Not enough loyalty points' },
});
const loyalty = definePlugin({ name: 'loyalty', setup: (kernel) => kernel.errors.addFamily(pluginErrors) });

/** One operation per kind of failure a request can meet. */
const contract = (): OpenApiDocument => ({
  openapi: '3.1.0',
  info: { title: 'Shop <&>', version: '1' },
  paths: {
    '/items/{sku}': {
      get: {
        operationId: 'getItem',
        parameters: [{ name: 'sku', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z]+$' } }],
        responses: {
          '200': { description: 'the item', content: { 'application/json': { schema: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' } } } } } },
          '409': { description: 'out of stock' },
        },
      },
      post: {
        operationId: 'buyItem',
        parameters: [{ name: 'sku', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: { '204': { description: 'bought' } },
      },
    },
    '/secret': {
      get: { operationId: 'getSecret', security: [{ key: [] }], responses: { '204': { description: 'ok' } } },
    },
  },
  components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'x-key' } } },
});

const handlers = {
  getItem: (ctx: RequestContext) => {
    const sku = ctx.params.sku as string;
    if (sku === 'gone') throw appErrors.create('SHOP_ERR_OUT_OF_STOCK', { sku });
    if (sku === 'broken') return { status: 200, body: { nope: true } };
    if (sku === 'crash') throw new Error('database on fire');
    if (sku === 'poor') throw pluginErrors.create('LOYALTY_ERR_NO_POINTS');
    return { status: 200, body: { sku } };
  },
  buyItem: () => ({ status: 204 }),
  getSecret: () => ({ status: 204 }),
};

const boot = (options: Partial<KernelOptions> = {}) =>
  createKernel({
    contract: contract(),
    contractCache: false,
    logger: { level: 'silent' },
    handlers,
    security: { key: () => deny('no key') },
    errors: [appErrors],
    plugins: [loyalty],
    ...options,
  });

const ALL_CODES = [...Object.keys(CORE_ERRORS), 'SHOP_ERR_OUT_OF_STOCK', 'LOYALTY_ERR_NO_POINTS'];

/** The `id="..."` anchors of an HTML page, in order. */
const anchors = (html: string) => [...html.matchAll(/\bid="([^"]*)"/g)].map((m) => m[1]);

describe('the error catalogue', () => {
  it('serves an HTML page with one anchor per code: the core codes, the app codes, then the plugin codes', async () => {
    const kernel = await boot();
    const res = await kernel.inject({ method: 'GET', url: '/errors', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(anchors(res.body)).toEqual(ALL_CODES.map((code) => code.toLowerCase()));
    expect(res.body).toContain('<title>Shop &#60;&#38;&#62; — error catalogue</title>');
    expect(res.body).toContain('<p><em>What to do:</em> Try again <code>tomorrow</code>.</p>');
    // Without an Accept header, a browser's default, the page is HTML too.
    expect((await kernel.inject('/errors')).headers['content-type']).toBe('text/html; charset=utf-8');
    await kernel.close();
  });

  it('serves the same list as JSON to Accept: application/json, with a JSON Content-Type (not the text/html of the first media type)', async () => {
    const kernel = await boot();
    const res = await kernel.inject({ method: 'GET', url: '/errors', headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const entries = res.json() as { code: string; status: number; title: string }[];
    expect(entries.map((e) => e.code)).toEqual(ALL_CODES);
    expect(entries.find((e) => e.code === 'BURROW_ERR_ROUTE_NOT_FOUND')).toEqual({
      code: 'BURROW_ERR_ROUTE_NOT_FOUND',
      status: 404,
      title: CORE_ERRORS.BURROW_ERR_ROUTE_NOT_FOUND.title,
      means: CORE_ERRORS.BURROW_ERR_ROUTE_NOT_FOUND.means,
      do: CORE_ERRORS.BURROW_ERR_ROUTE_NOT_FOUND.do,
    });
    expect(entries.at(-1)).toEqual({ code: 'LOYALTY_ERR_NO_POINTS', status: 402, title: 'Not enough loyalty points' });
    await kernel.close();
  });

  it('is public even when the contract requires security everywhere, and is in the served document', async () => {
    const kernel = await boot({ contract: { ...contract(), security: [{ key: [] }] } });
    expect((await kernel.inject('/items/abc')).statusCode).toBe(401);
    expect((await kernel.inject('/errors')).statusCode).toBe(200);
    expect(kernel.document.paths!['/errors'].get.operationId).toBe('burrowErrorCatalog');
    await kernel.close();
  });

  it('is what the type of a problem points at, from the root: /errors#<code in lower case>', async () => {
    const kernel = await boot();
    const res = await kernel.inject('/nowhere');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'BURROW_ERR_ROUTE_NOT_FOUND', type: '/errors#burrow_err_route_not_found', instance: '/nowhere' });
    await kernel.close();
  });

  it('is served under an Express mount, and problem types point there: /api/v1/errors#...', async () => {
    const kernel = await boot();
    const app = express();
    app.use('/api/v1', expressMiddleware(kernel));
    const missing = await request(app).get('/api/v1/nowhere');
    expect(missing.status).toBe(404);
    expect(missing.body.type).toBe('/api/v1/errors#burrow_err_route_not_found');
    const method = await request(app).delete('/api/v1/items/abc');
    expect(method.status).toBe(405);
    expect(method.body.type).toBe('/api/v1/errors#burrow_err_route_method_not_allowed');
    const page = await request(app).get('/api/v1/errors');
    expect(page.status).toBe(200);
    expect(anchors(page.text)).toContain('burrow_err_route_method_not_allowed');
    await kernel.close();
  });

  it('is pointed at under an Express mount also for a request to the mount point itself (Express hands /api/v1 on as /)', async () => {
    const kernel = await boot();
    const app = express();
    app.use('/api/v1', expressMiddleware(kernel));
    for (const url of ['/api/v1', '/api/v1/', '/api/v1?x=1']) {
      const res = await request(app).get(url);
      expect(res.status, url).toBe(404);
      expect(res.body.type, url).toBe('/api/v1/errors#burrow_err_route_not_found');
    }
    await kernel.close();
  });

  it('makes problem types absolute with errorCatalog.typeBase, and still serves the page', async () => {
    const kernel = await boot({ errorCatalog: { typeBase: 'https://api.example.com/errors' } });
    expect((await kernel.inject('/nowhere')).json().type).toBe('https://api.example.com/errors#burrow_err_route_not_found');
    expect((await kernel.inject('/errors')).statusCode).toBe(200);
    await kernel.close();
  });

  it('serves at another path with errorCatalog.path, and types follow it', async () => {
    const kernel = await boot({ errorCatalog: { path: '/problems/catalogue' } });
    expect((await kernel.inject('/nowhere')).json().type).toBe('/problems/catalogue#burrow_err_route_not_found');
    expect((await kernel.inject('/problems/catalogue')).statusCode).toBe(200);
    expect((await kernel.inject('/errors')).statusCode).toBe(404);
    await kernel.close();
  });

  it('is not served with errorCatalog.path false, and problem types are about:blank', async () => {
    const kernel = await boot({ errorCatalog: { path: false } });
    const res = await kernel.inject('/errors');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'BURROW_ERR_ROUTE_NOT_FOUND', type: 'about:blank' });
    expect(kernel.document.paths!['/errors']).toBeUndefined();
    expect(kernel.operations.has('burrowErrorCatalog')).toBe(false);
    await kernel.close();
  });

  it.each([['errors'], ['/errors/'], ['/errors/{code}'], ['/'], ['']])('refuses errorCatalog.path %j, naming the option', async (path) => {
    const error = (await boot({ errorCatalog: { path } }).catch((e) => e)) as BurrowError;
    expect(error.code).toBe('BURROW_ERR_BOOT_KERNEL_OPTION');
    expect(error.detail).toBe(
      `createKernel option errorCatalog.path: must be a path such as "/errors" (a leading slash, no trailing slash, no {template}), got ${JSON.stringify(path)}`,
    );
  });

  it('refuses a contract that declares the catalogue path itself, pointing at the collision', async () => {
    const own = contract();
    own.paths!['/errors'] = { get: { operationId: 'listErrors', responses: { '204': { description: 'x' } } } };
    const error = (await boot({ contract: own }).catch((e) => e)) as BurrowError;
    expect(error.code).toBe('BURROW_ERR_BOOT_CONTRIBUTION_CONFLICT');
    expect(error.detail).toContain('#/paths/~1errors/get: contributed by burrow, but the contract already has it');
  });

  it('has an anchor for the code of every problem a request can get, following each type into the page', async () => {
    const kernel = await boot();
    const app = express();
    app.use('/api/v1', expressMiddleware(kernel));
    const requests: [string, (agent: ReturnType<typeof request>) => request.Test][] = [
      ['BURROW_ERR_ROUTE_NOT_FOUND', (a) => a.get('/api/v1/nowhere')],
      ['BURROW_ERR_ROUTE_METHOD_NOT_ALLOWED', (a) => a.put('/api/v1/items/abc')],
      ['BURROW_ERR_REQUEST_VALIDATION', (a) => a.get('/api/v1/items/ABC')],
      ['BURROW_ERR_REQUEST_MALFORMED_BODY', (a) => a.post('/api/v1/items/abc').set('content-type', 'application/json').send('{"a":')],
      ['BURROW_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE', (a) => a.post('/api/v1/items/abc').set('content-type', 'text/plain').send('hi')],
      ['BURROW_ERR_REQUEST_NOT_ACCEPTABLE', (a) => a.get('/api/v1/items/abc').set('accept', 'text/csv')],
      ['BURROW_ERR_AUTH_UNAUTHENTICATED', (a) => a.get('/api/v1/secret')],
      ['BURROW_ERR_RESPONSE_INVALID', (a) => a.get('/api/v1/items/broken')],
      ['BURROW_ERR_SERVER_INTERNAL', (a) => a.get('/api/v1/items/crash')],
      ['SHOP_ERR_OUT_OF_STOCK', (a) => a.get('/api/v1/items/gone')],
      ['LOYALTY_ERR_NO_POINTS', (a) => a.get('/api/v1/items/poor')],
    ];
    const pages = new Map<string, string[]>();
    for (const [code, send] of requests) {
      const res = await send(request(app));
      expect(res.headers['content-type'], code).toBe('application/problem+json; charset=utf-8');
      expect(res.body.code, code).toBe(code);
      const [path, fragment] = String(res.body.type).split('#');
      expect(path, code).toBe('/api/v1/errors');
      if (!pages.has(path!)) pages.set(path!, anchors((await request(app).get(path!)).text));
      expect(pages.get(path!), code).toContain(fragment);
    }
    await kernel.close();
  });

  it('has an anchor for every code it lists as JSON', async () => {
    const kernel = await boot();
    const html = (await kernel.inject('/errors')).body;
    const json = (await kernel.inject({ url: '/errors', headers: { accept: 'application/json' } })).json() as { code: string }[];
    expect(anchors(html)).toEqual(json.map((e) => e.code.toLowerCase()));
    await kernel.close();
  });
});

describe('the error catalogue with no app or plugin codes', () => {
  it('lists exactly the core codes', async () => {
    const kernel: Kernel = await createKernel({ contract: contract(), contractCache: false, logger: { level: 'silent' }, handlers, security: { key: () => deny('x') } });
    expect(anchors((await kernel.inject('/errors')).body)).toEqual(Object.keys(CORE_ERRORS).map((c) => c.toLowerCase()));
    await kernel.close();
  });
});
