import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, type Kernel, type RequestContext } from '../../../core/index.js';
import { FIXTURE, fixtureHandlers, fixtureKernel, VALID_ITEM } from '../../helpers.js';

/** Sends raw bytes over TCP and returns what the server answered before closing. */
function rawRequest(url: string, bytes: string, waitMs = 2000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    setTimeout(() => socket.destroy(), waitMs);
  });
}

describe('robustness', () => {
  let kernel: Kernel;
  let url: string;
  const aborted: string[] = [];
  let hangingEntered!: () => void;
  const hanging = new Promise<void>((resolve) => (hangingEntered = resolve));
  beforeAll(async () => {
    kernel = await createKernel({
      contract: FIXTURE,
      logger: { level: 'silent' },
      bodyTimeout: 200,
      handlers: {
        ...fixtureHandlers,
        hello: (ctx: RequestContext) =>
          new Promise((resolve) => {
            hangingEntered();
            ctx.signal.addEventListener('abort', () => {
              aborted.push(ctx.id);
              resolve({ status: 200, body: { hello: 'too late' } });
            });
          }),
      },
    });
    ({ url } = await kernel.listen({ port: 0 }));
  });
  afterAll(() => kernel.close());

  it('answers a body that stops arriving with 408 and closes the connection', async () => {
    const started = Date.now();
    const answer = await rawRequest(
      url,
      'POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toContain('BURROW_ERR_REQUEST_TIMEOUT');
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('aborts the handler signal when the client goes away', async () => {
    const request = rawRequest(url, 'GET /hello HTTP/1.1\r\nHost: x\r\nX-Request-Id: gone-1\r\n\r\n', 100);
    await hanging;
    await request;
    await new Promise((r) => setTimeout(r, 50));
    expect(aborted).toContain('gone-1');
  });

  it('rejects __proto__ in a query and a body, and pollutes nothing', async () => {
    const query = await kernel.inject('/items?__proto__[polluted]=yes&constructor[prototype][polluted]=yes');
    expect(query.statusCode).toBe(400);
    const body = await kernel.inject({
      method: 'POST',
      url: '/items',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ ...VALID_ITEM, __proto__: { polluted: 'yes' } }).replace('{', '{"__proto__":{"polluted":"yes"},'),
    });
    expect(body.statusCode).toBe(201);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers a request target that is not a path with 404, not a crash', async () => {
    const answer = await rawRequest(url, 'GET http://evil.example/items HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 404/);
  });

  it('keeps serving after all of the above', async () => {
    expect((await fetch(`${url}/items`)).status).toBe(200);
  });
});

describe('response validation settings', () => {
  it('counts and logs a violation instead of failing in log mode', async () => {
    const kernel = await fixtureKernel({
      responseValidation: { rate: 1, onViolation: 'log' },
      handlers: { ...fixtureHandlers, hello: () => ({ status: 200, body: { hello: 42 } }) },
    });
    const res = await kernel.inject('/hello');
    expect(res.statusCode).toBe(200);
    expect(kernel.stats.responseViolations).toBe(1);
    await kernel.close();
  });

  it('checks nothing at rate 0, and refuses a rate outside 0..1', async () => {
    const kernel = await fixtureKernel({
      responseValidation: { rate: 0 },
      handlers: { ...fixtureHandlers, hello: () => ({ status: 200, body: { hello: 42 } }) },
    });
    expect((await kernel.inject('/hello')).statusCode).toBe(200);
    expect(kernel.stats.responseViolations).toBe(0);
    await kernel.close();
    await expect(fixtureKernel({ responseValidation: { rate: 2 } })).rejects.toThrow('createKernel option responseValidation.rate: must be within 0..1, got 2');
  });

  it('rejects an undeclared status and a handler that returns no reply', async () => {
    const kernel = await fixtureKernel({
      handlers: { ...fixtureHandlers, hello: () => ({ status: 418, body: {} }), listItems: () => 'oops' },
    });
    const teapot = await kernel.inject('/hello');
    expect(teapot.statusCode).toBe(500);
    expect(teapot.json().errors[0].message).toBe('status 418 is not declared for hello');
    expect((await kernel.inject('/items')).json().code).toBe('BURROW_ERR_RESPONSE_NOT_A_REPLY');
    await kernel.close();
  });

  it('compiles every validator at boot with compile: "eager"', async () => {
    const kernel = await fixtureKernel({ compile: 'eager' });
    expect([...kernel.operations.values()].every((op) => op.compiled)).toBe(true);
    await kernel.close();
  });
});
