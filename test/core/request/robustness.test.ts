import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKernel, type Kernel, type RequestContext } from '../../../core/index.js';
import { FIXTURE, fixtureHandlers, fixtureKernel, VALID_ITEM } from '../../helpers.js';
import { postHead, RawConnection } from './raw-http.js';

const MiB = 1024 * 1024;

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
    const connection = await RawConnection.open(url);
    await connection.write(postHead('/items', 'Content-Length: 100') + '{"name":');
    const answer = await connection.response();
    expect(answer?.status).toBe(408);
    expect(answer?.headers.connection).toBe('close');
    expect(JSON.parse(answer!.body)).toMatchObject({ status: 408, code: 'BURROW_ERR_REQUEST_TIMEOUT', detail: 'the body did not arrive within 200 ms' });
    // The server, not the client, ends the connection.
    await connection.closing();
    expect(connection.error).toBeUndefined();
  });

  it('answers an oversized body that stops arriving mid-drain with 413, not 408, and closes the connection', async () => {
    const connection = await RawConnection.open(url);
    await connection.write(postHead('/items', `Content-Length: ${5 * MiB}`));
    await connection.write(Buffer.alloc(2 * MiB, 0x20));
    const answer = await connection.response();
    expect(answer?.status).toBe(413);
    expect(answer?.headers.connection).toBe('close');
    expect(JSON.parse(answer!.body).code).toBe('BURROW_ERR_REQUEST_BODY_TOO_LARGE');
    await connection.closing();
  });

  it('aborts the handler signal when the client goes away', async () => {
    const connection = await RawConnection.open(url);
    await connection.write('GET /hello HTTP/1.1\r\nHost: x\r\nX-Request-Id: gone-1\r\n\r\n');
    await hanging;
    connection.close();
    await vi.waitFor(() => expect(aborted).toContain('gone-1'));
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
    const connection = await RawConnection.open(url);
    await connection.write('GET http://evil.example/items HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const answer = await connection.response();
    expect(answer?.status).toBe(404);
    expect(JSON.parse(answer!.body).code).toBe('BURROW_ERR_ROUTE_NOT_FOUND');
    connection.close();
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
