import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, agent, fixtureKernel, memoryLogger, VALID_ITEM, fixtureHandlers } from '../../helpers.js';
import type { Kernel } from '../../../core/index.js';

const PROBLEM = /^application\/problem\+json/;

describe.each(ADAPTERS)('pipeline errors (%s adapter)', (adapter) => {
  let kernel: Kernel;
  const logs = memoryLogger();
  beforeAll(async () => {
    kernel = await fixtureKernel({
      logger: logs.logger,
      // listItems below echoes what it received instead of items.
      responseValidation: false,
      bodyLimit: 1024,
      handlers: {
        ...fixtureHandlers,
        listItems: (ctx: { headers: Record<string, unknown>; cookies: Record<string, unknown>; query: { tag?: string[] } }) =>
          ctx.headers['x-page-size'] === undefined
            ? { status: 200, body: [] }
            : { status: 200, body: { pageSize: ctx.headers['x-page-size'], theme: ctx.cookies.theme, tags: ctx.query.tag ?? ['a'] } },
        hello: () => {
          throw new Error('database password is hunter2 at /srv/app/db.ts:42');
        },
      },
    });
  });
  afterAll(() => kernel.close());

  it('answers an unknown path with 404 BURROW_ERR_ROUTE_NOT_FOUND', async () => {
    const res = await agent(kernel, adapter).get('/nowhere');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body).toMatchObject({ status: 404, code: 'BURROW_ERR_ROUTE_NOT_FOUND', instance: '/nowhere' });
    expect(res.body.type).toBe('/errors#burrow_err_route_not_found');
    expect(res.body.title).toBeTruthy();
    expect(res.body.detail).toBeTruthy();
  });

  it('answers a known path with a wrong method with 405 and Allow', async () => {
    const res = await agent(kernel, adapter).delete('/items');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, POST, HEAD');
    expect(res.body.code).toBe('BURROW_ERR_ROUTE_METHOD_NOT_ALLOWED');
  });

  it('answers malformed JSON with 400 BURROW_ERR_REQUEST_MALFORMED_BODY', async () => {
    const res = await agent(kernel, adapter).post('/items').set('content-type', 'application/json').send('{"name": ');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('BURROW_ERR_REQUEST_MALFORMED_BODY');
  });

  it('answers a Content-Type the operation does not accept with 415', async () => {
    const res = await agent(kernel, adapter).post('/items').set('content-type', 'text/plain').send('hello');
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('BURROW_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers a body on an operation that takes none with 415', async () => {
    const res = await agent(kernel, adapter).get('/items').set('content-type', 'application/json').send('{}');
    expect(res.status).toBe(415);
  });

  it('answers an Accept the operation cannot satisfy with 406', async () => {
    const res = await agent(kernel, adapter).get('/items').set('accept', 'text/html');
    expect(res.status).toBe(406);
    expect(res.body.code).toBe('BURROW_ERR_REQUEST_NOT_ACCEPTABLE');
  });

  it('accepts an Accept with a wildcard or a matching type', async () => {
    expect((await agent(kernel, adapter).get('/items').set('accept', 'text/html, application/*;q=0.5')).status).toBe(200);
  });

  it('answers a body over the limit with 413, by Content-Length and by counting a chunked body', async () => {
    const big = JSON.stringify({ ...VALID_ITEM, name: 'x'.repeat(2000) });
    const res = await agent(kernel, adapter).post('/items').set('content-type', 'application/json').send(big);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('BURROW_ERR_REQUEST_BODY_TOO_LARGE');
    const chunked = await kernel.inject({
      method: 'POST',
      url: '/items',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      payload: big,
    });
    expect(chunked.statusCode).toBe(413);
  });

  it('answers an invalid request with 400 listing every error, each with location and pointer', async () => {
    const res = await agent(kernel, adapter)
      .post('/items')
      .send({ name: '', email: 'not-an-email', age: 200, kind: 'z', createdAt: 'yesterday' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
    const pointers = res.body.errors.map((e: { in: string; pointer: string }) => `${e.in}:${e.pointer}`).sort();
    expect(pointers).toEqual(['body:/age', 'body:/createdAt', 'body:/email', 'body:/kind', 'body:/name']);
  });

  it('validates query and path parameters, naming each parameter', async () => {
    const res = await agent(kernel, adapter).get('/items?limit=0&undeclared=1');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'query', name: 'limit' }),
        expect.objectContaining({ in: 'query', name: 'undeclared', message: 'is not declared by the contract' }),
      ]),
    );
    const path = await agent(kernel, adapter).get('/items/abc');
    expect(path.body.errors).toEqual([expect.objectContaining({ in: 'path', name: 'id', message: 'must be integer' })]);
  });

  it('validates and coerces header and cookie parameters', async () => {
    const bad = await agent(kernel, adapter).get('/items').set('x-page-size', 'lots').set('cookie', 'theme=purple; other=1');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'header', name: 'x-page-size', message: 'must be integer' }),
        expect.objectContaining({ in: 'cookie', name: 'theme', message: 'must be one of "light", "dark"' }),
      ]),
    );
    const good = await agent(kernel, adapter).get('/items').set('x-page-size', '20').set('cookie', 'theme=dark');
    expect(good.status).toBe(200);
    expect(good.body).toEqual({ pageSize: 20, theme: 'dark', tags: ['a'] });
  });

  it('requires a required body', async () => {
    const res = await agent(kernel, adapter).post('/items');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ in: 'body', pointer: '', message: 'a request body is required' }]);
  });

  it('answers an unknown error with a 500 that reveals nothing, and logs everything', async () => {
    const res = await agent(kernel, adapter).get('/hello').set('x-request-id', `boom-${adapter}`);
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('BURROW_ERR_SERVER_INTERNAL');
    expect(JSON.stringify(res.body)).not.toMatch(/hunter2|db\.ts|stack/);
    expect(res.body.requestId).toBe(`boom-${adapter}`);
    const line = logs.lines.find((l) => l.requestId === `boom-${adapter}` && l.level === 'error');
    expect(line?.error.message).toContain('hunter2');
    expect(line?.error.stack).toContain('pipeline.test.ts');
  });

  it('serves a valid request, coercing parameters and echoing the request id', async () => {
    const res = await agent(kernel, adapter).get('/items/7').set('x-request-id', 'abc-123');
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(7);
    expect(res.headers['x-request-id']).toBe('abc-123');
    const created = await agent(kernel, adapter).post('/items').send(VALID_ITEM);
    expect(created.status).toBe(201);
  });

  it('replaces a malformed X-Request-Id with a generated one', async () => {
    const res = await agent(kernel, adapter).get('/items').set('x-request-id', 'bad id with spaces and \u00e9');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers HEAD on a GET operation without a body', async () => {
    const res = await agent(kernel, adapter).head('/items');
    expect(res.status).toBe(200);
    expect(res.text ?? '').toBe('');
  });

  it('ignores one trailing slash', async () => {
    expect((await agent(kernel, adapter).get('/items/')).status).toBe(200);
  });
});
