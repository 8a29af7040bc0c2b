import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { expressMiddleware, listen as listenExpress } from '../../../core/http/express.js';
import request from 'supertest';
import { createKernel, type Kernel } from '../../../core/index.js';
import { FIXTURE, fixtureHandlers, fixtureKernel } from '../../helpers.js';

describe('Express embedding', () => {
  let v1: Kernel;
  let v2: Kernel;
  let app: express.Express;
  beforeAll(async () => {
    v1 = await fixtureKernel();
    v2 = await createKernel({
      contract: {
        openapi: '3.1.0',
        info: { title: 'v2', version: '2' },
        paths: {
          '/hello': {
            get: {
              operationId: 'helloV2',
              responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { version: { const: 2 } } } } } } },
            },
          },
        },
      },
      handlers: { helloV2: () => ({ status: 200, body: { version: 2 } }) },
      logger: { level: 'silent' },
    });
    app = express();
    app.get('/', (_req, res) => void res.send('the app home page'));
    app.use('/api/v1', expressMiddleware(v1));
    app.use('/api/v2', expressMiddleware(v2));
    app.get('/about', (_req, res) => void res.send('about the app'));
  });
  afterAll(async () => {
    await v1.close();
    await v2.close();
  });

  it('mounts under /api/v1 beside the app routes', async () => {
    expect((await request(app).get('/')).text).toBe('the app home page');
    expect((await request(app).get('/about')).text).toBe('about the app');
    expect((await request(app).get('/api/v1/hello')).body).toEqual({ hello: 'world' });
  });

  it('serves two contracts side by side (API versioning)', async () => {
    expect((await request(app).get('/api/v2/hello')).body).toEqual({ version: 2 });
    expect((await request(app).get('/api/v2/items')).status).toBe(404);
    expect((await request(app).get('/api/v1/items')).status).toBe(200);
  });

  it('reports the mounted path as the problem instance', async () => {
    const res = await request(app).get('/api/v1/items/abc');
    expect(res.body.instance).toBe('/api/v1/items/abc');
  });

  it('answers unknown paths under its mount with a 404 problem by default', async () => {
    expect((await request(app).get('/api/v1/nope')).body.code).toBe('BURROW_ERR_ROUTE_NOT_FOUND');
  });

  it('passes unknown paths on to the app with notFound: "next"', async () => {
    const kernel = await fixtureKernel();
    const shared = express();
    shared.use(expressMiddleware(kernel, { notFound: 'next' }));
    shared.get('/legacy', (_req, res) => void res.send('legacy route'));
    expect((await request(shared).get('/legacy')).text).toBe('legacy route');
    expect((await request(shared).get('/hello')).body).toEqual({ hello: 'world' });
    expect((await request(shared).delete('/hello')).status).toBe(405);
    await kernel.close();
  });

  it('takes a body already parsed by express.json() mounted before it', async () => {
    const parsed = express();
    parsed.use(express.json());
    parsed.use(expressMiddleware(v1));
    const res = await request(parsed)
      .post('/items')
      .send({ name: 'n', email: 'a@b.co', age: 20, kind: 'a', createdAt: '2024-01-01T00:00:00Z' });
    expect(res.status).toBe(201);
    expect((await request(parsed).get('/items')).status).toBe(200);
    const invalid = await request(parsed).post('/items').send({ name: '' });
    expect(invalid.status).toBe(400);
  });
});

/** A hello handler that tells when a request is inside it, and answers only once released. */
function gatedKernel(answer: string) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const inHandler = new Promise<void>((resolve) => (entered = resolve));
  const kernel = createKernel({
    contract: FIXTURE,
    logger: { level: 'silent' },
    handlers: { ...fixtureHandlers, hello: async () => (entered(), await gate, { status: 200, body: { hello: answer } }) },
  });
  return { kernel, inHandler, release };
}

describe.each(['express', 'node'] as const)('kernel.listen and graceful close (%s adapter)', (adapter) => {
  it('serves over real HTTP, finishes in-flight requests on close, then refuses connections', async () => {
    const gated = gatedKernel('slow');
    const { inHandler, release } = gated;
    const kernel = await gated.kernel;
    const { url } = adapter === 'express' ? await listenExpress(kernel, { port: 0 }) : await kernel.listen({ port: 0 });
    expect((await fetch(`${url}/items`)).status).toBe(200);
    const slow = fetch(`${url}/hello`).then(async (r) => ({ status: r.status, body: await r.json() }));
    await inHandler;
    const closing = kernel.close();
    setTimeout(release, 50);
    await closing;
    expect(await slow).toEqual({ status: 200, body: { hello: 'slow' } });
    await expect(fetch(`${url}/items`)).rejects.toThrow();
  });

  it('answers 503 to a request that arrives while closing', async () => {
    const gated = gatedKernel('x');
    const { inHandler, release } = gated;
    const kernel = await gated.kernel;
    const pending = kernel.inject('/hello');
    await inHandler;
    const closing = kernel.close();
    const late = await kernel.inject('/items');
    expect(late.statusCode).toBe(503);
    expect(late.json().code).toBe('BURROW_ERR_UNAVAILABLE_SHUTTING_DOWN');
    release();
    await closing;
    expect((await pending).statusCode).toBe(200);
  });
});
