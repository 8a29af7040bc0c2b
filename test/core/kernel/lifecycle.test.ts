import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createKernel, definePlugin } from '../../../core/index.js';
import { gatedContract, gatedKernel } from './shutdown-helpers.js';
import { expressMiddleware } from '../../../core/http/express.js';

const listening = (server: Server) => new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

describe('kernel.attach(server)', () => {
  it("lets close() finish an in-flight request on an Express app's own server, then closes that server", async () => {
    const { kernel, inHandler, release } = await gatedKernel();
    const app = express();
    app.use('/api', expressMiddleware(kernel));
    const server = app.listen(0, '127.0.0.1');
    kernel.attach(server);
    await listening(server);
    const url = urlOf(server);

    const inFlight = fetch(`${url}/api/slow`).then(async (res) => ({ status: res.status, body: await res.json() }));
    await inHandler;
    let closed = false;
    const closing = kernel.close().then(() => (closed = true));
    // close() is waiting on the request: neither the request nor close() has settled.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(await inFlight).toEqual({ status: 200, body: { done: true } });
    expect(server.listening).toBe(false);
    await expect(fetch(`${url}/api/fast`)).rejects.toThrow();
  });

  it("lets close() finish an in-flight request to one of the app's own routes on an attached server", async () => {
    const { kernel } = await gatedKernel();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inRoute = new Promise<void>((resolve) => (entered = resolve));
    const app = express();
    app.use('/api', expressMiddleware(kernel));
    app.get('/legacy', async (_req, res) => {
      entered();
      await released;
      res.json({ legacy: true });
    });
    const server = app.listen(0, '127.0.0.1');
    kernel.attach(server);
    await listening(server);
    const url = urlOf(server);

    const inFlight = fetch(`${url}/legacy`).then(async (res) => ({ status: res.status, body: await res.json() }));
    await inRoute;
    let closed = false;
    const closing = kernel.close().then(() => (closed = true));
    await new Promise<void>((resolve) => setTimeout(resolve, 60));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(await inFlight).toEqual({ status: 200, body: { legacy: true } });
    expect(server.listening).toBe(false);
  });

  it('closes an attached server that has no request in flight', async () => {
    const { kernel } = await gatedKernel();
    const app = express();
    app.use(expressMiddleware(kernel));
    const server = app.listen(0, '127.0.0.1');
    kernel.attach(server);
    await listening(server);
    expect((await fetch(`${urlOf(server)}/fast`)).status).toBe(204);
    await kernel.close();
    expect(server.listening).toBe(false);
  });
});

describe('kernel.listen()', () => {
  it('serves from node:http on a free port, and close() stops it', async () => {
    const { kernel } = await gatedKernel();
    const { server, url } = await kernel.listen({ port: 0, host: '127.0.0.1' });
    expect(url).toBe(urlOf(server));
    const res = await fetch(`${url}/fast`);
    expect(res.status).toBe(204);
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await fetch(`${url}/nowhere`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('BURROW_ERR_ROUTE_NOT_FOUND');
    await kernel.close();
    expect(server.listening).toBe(false);
    await expect(fetch(`${url}/fast`)).rejects.toThrow();
  });

  it('lets close() finish an in-flight request on its own server', async () => {
    const { kernel, inHandler, release } = await gatedKernel();
    const { url } = await kernel.listen({ port: 0, host: '127.0.0.1' });
    const inFlight = fetch(`${url}/slow`).then(async (res) => ({ status: res.status, body: await res.json() }));
    await inHandler;
    const closing = kernel.close();
    release();
    await closing;
    expect(await inFlight).toEqual({ status: 200, body: { done: true } });
  });
});

describe('kernel.checkHealth()', () => {
  it('reports every check by name, and a failing one with its reason', async () => {
    const db = definePlugin({
      name: 'db',
      setup(kernel) {
        kernel.health.add('database', async () => {
          throw new Error('connection refused');
        });
      },
    });
    const kernel = await createKernel({ contract: gatedContract, contractCache: false, logger: { level: 'silent' }, handlers: { slow: () => ({ status: 200, body: { done: true } }), fast: () => ({ status: 204 }) }, plugins: [db] });
    kernel.health.add('cache', () => {});
    kernel.health.add('queue', () => {
      throw 'queue is full';
    });
    expect(await kernel.checkHealth()).toEqual({
      ok: false,
      checks: { database: { ok: false, error: 'connection refused' }, cache: { ok: true }, queue: { ok: false, error: 'queue is full' } },
    });
    expect(kernel.health.ownerOf('database')).toBe('plugin db');
    await kernel.close();
  });

  it('is ok when every check passes, and when there is none', async () => {
    const { kernel } = await gatedKernel();
    expect(await kernel.checkHealth()).toEqual({ ok: true, checks: {} });
    kernel.health.add('cache', async () => {});
    expect(await kernel.checkHealth()).toEqual({ ok: true, checks: { cache: { ok: true } } });
    await kernel.close();
  });
});
