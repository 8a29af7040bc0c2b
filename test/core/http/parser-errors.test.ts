import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listen as listenExpress, expressMiddleware } from '../../../core/http/express.js';
import type { Kernel } from '../../../core/index.js';
import { fixtureKernel } from '../../helpers.js';
import { rawRequest, type RawAnswer } from './raw.js';

const OVERSIZED = `GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`;
const GARBAGE = 'HELLO WORLD\r\n\r\n';

/** The three kinds of server Burrow answers parser errors on. */
const SERVERS = {
  'kernel.listen': async (kernel: Kernel) => (await kernel.listen({ port: 0, timeouts: { headers: 300, request: 300 } })).url,
  'express listen': async (kernel: Kernel) => (await listenExpress(kernel, { port: 0, timeouts: { headers: 300, request: 300 } })).url,
  'an attached Express server': async (kernel: Kernel) => {
    const app = express();
    app.use('/api', expressMiddleware(kernel));
    // The app's own server, with its own timeouts: Burrow sets none on a server it is attached to.
    const server: Server = createServer({ headersTimeout: 300, requestTimeout: 300, connectionsCheckingInterval: 50 }, app).listen(0, '127.0.0.1');
    kernel.attach(server);
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  },
};

let kernel: Kernel | undefined;
afterEach(async () => {
  await kernel?.close();
  kernel = undefined;
});

function expectProblem(answer: RawAnswer, status: number, code: string) {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(answer.headers.connection).toBe('close');
  expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
  const problem = JSON.parse(answer.body);
  expect(problem).toMatchObject({ status, code, title: expect.any(String), detail: expect.any(String), type: expect.any(String), requestId: answer.headers['x-request-id'] });
  expect(problem.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(answer.body).not.toMatch(/\bat .+:\d+:\d+/);
  return problem;
}

describe.each(Object.keys(SERVERS) as (keyof typeof SERVERS)[])("Node's parser errors as problem+json (%s)", (kind) => {
  it('answers oversized headers with 431 BURROW_ERR_REQUEST_HEADERS_TOO_LARGE', async () => {
    kernel = await fixtureKernel();
    const url = await SERVERS[kind](kernel);
    const problem = expectProblem(await rawRequest(url, OVERSIZED), 431, 'BURROW_ERR_REQUEST_HEADERS_TOO_LARGE');
    expect(problem.detail).toBe('the request line and headers exceed the server limit of 16384 bytes');
  });

  it('answers a garbage request line with 400 BURROW_ERR_REQUEST_MALFORMED', async () => {
    kernel = await fixtureKernel();
    const url = await SERVERS[kind](kernel);
    const problem = expectProblem(await rawRequest(url, GARBAGE), 400, 'BURROW_ERR_REQUEST_MALFORMED');
    expect(problem.detail).toMatch(/^the request could not be parsed as HTTP\/1\.1: .+ \(HPE_[A-Z_]+\)$/);
  });

  it('answers headers that do not arrive in time with 408 BURROW_ERR_REQUEST_HEADERS_TIMEOUT', async () => {
    kernel = await fixtureKernel();
    const url = await SERVERS[kind](kernel);
    const answer = await rawRequest(url, 'GET /hello HTTP/1.1\r\nHost: x\r\n');
    expectProblem(answer, 408, 'BURROW_ERR_REQUEST_HEADERS_TIMEOUT');
  });

  it('still serves well-formed requests', async () => {
    kernel = await fixtureKernel();
    const url = await SERVERS[kind](kernel);
    const prefix = kind === 'an attached Express server' ? '/api' : '';
    const answer = await rawRequest(url, `GET ${prefix}/hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ hello: 'world' });
  });
});

describe('parser errors on a server with a clientError listener of its own', () => {
  it("leaves the app's answer alone", async () => {
    kernel = await fixtureKernel();
    const app = express();
    app.use(expressMiddleware(kernel));
    const server: Server = app.listen(0, '127.0.0.1');
    server.on('clientError', (_error, socket) => socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 4\r\n\r\nmine'));
    kernel.attach(server);
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const answer = await rawRequest(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, GARBAGE);
    expect(answer).toMatchObject({ status: 400, body: 'mine' });
  });
});
