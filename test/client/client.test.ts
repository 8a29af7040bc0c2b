import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, ProblemError, type ServiceClients } from 'burrowjs/client';
import { plainServices, startPlainServer, type PlainServer } from './plain-app.js';

/** What the generated `Services` interfaces look like for the fixture (server side: `(input, call)`). */
interface Services {
  Calculator: {
    add(input: { a: number; b: number }, call: unknown): { result: number };
    divide(input: { a: number; b: number }, call: unknown): Promise<{ result: number }>;
    reset(input: undefined, call: unknown): void;
    broken(input: undefined, call: unknown): unknown;
  };
  Counter: { add(input: { n: number }, call: unknown): { total: number } };
}

let server: PlainServer;
beforeAll(async () => {
  server = await startPlainServer();
});
afterAll(() => server.close());

const connect = (headers?: Record<string, string>) =>
  createClient<Record<string, never>, ServiceClients<Services>>({ baseUrl: server.url, services: plainServices, headers });

describe('service proxies over REST', () => {
  it('call the method route with the input as JSON and resolve to the parsed result', async () => {
    const api = connect();
    await expect(api.services.Calculator.add({ a: 10, b: 5 })).resolves.toEqual({ result: 15 });
    await expect(api.services.Calculator.divide({ a: 10, b: 4 })).resolves.toEqual({ result: 2.5 });
  });

  it('resolve to undefined for a 204', async () => {
    await expect(connect().services.Calculator.reset()).resolves.toBeUndefined();
  });

  it('reject a coded error with a ProblemError carrying status, code and the problem body', async () => {
    const error = (await connect().services.Calculator.divide({ a: 1, b: 0 }).catch((e: unknown) => e)) as ProblemError;
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({ name: 'ProblemError', status: 422, code: 'CALC_ERR_DIVISION_BY_ZERO' });
    expect(error.problem).toMatchObject({ status: 422, code: 'CALC_ERR_DIVISION_BY_ZERO', detail: 'cannot divide 1 by zero' });
  });

  it("reject an input the contract refuses with the kernel's validation problem", async () => {
    const error = (await connect().services.Calculator.add({ a: 1, b: 'two' } as never).catch((e: unknown) => e)) as ProblemError;
    expect(error).toMatchObject({ status: 400, code: 'BURROW_ERR_REQUEST_VALIDATION' });
  });

  it('reject an error answered without a problem body as CLIENT_ERR_HTTP, keeping its text as detail', async () => {
    const error = (await connect().services.Calculator.broken().catch((e: unknown) => e)) as ProblemError;
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({ status: 503, code: 'CLIENT_ERR_HTTP' });
    expect(error.problem).toMatchObject({ status: 503, code: 'CLIENT_ERR_HTTP', detail: 'maintenance until noon' });
  });

  it('reject with status 0 and CLIENT_ERR_NETWORK when nothing answers', async () => {
    const other = await startPlainServer();
    await other.close();
    const api = createClient<Record<string, never>, ServiceClients<Services>>({ baseUrl: other.url, services: plainServices });
    const error = (await api.services.Calculator.add({ a: 1, b: 2 }).catch((e: unknown) => e)) as ProblemError;
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({ status: 0, code: 'CLIENT_ERR_NETWORK' });
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('send the headers given to createClient with every call', async () => {
    const seen: string[] = [];
    const api = createClient<Record<string, never>, ServiceClients<Services>>({
      baseUrl: `${server.url}/`,
      services: plainServices,
      headers: { 'x-tenant': 'acme' },
      fetch: (input, init) => {
        seen.push(new Headers(init?.headers ?? (input as Request).headers).get('x-tenant') ?? '');
        return fetch(input, init);
      },
    });
    await api.services.Calculator.add({ a: 1, b: 1 });
    expect(seen).toEqual(['acme']);
  });

  it('share the typed openapi-fetch client: GET/POST over the paths', async () => {
    const api = connect();
    const { data, error, response } = await api.POST('/calculator/add' as never, { body: { a: 2, b: 3 } } as never);
    expect(response.status).toBe(200);
    expect(error).toBeUndefined();
    expect(data).toEqual({ result: 5 });
  });

  it('refuse createClient without a baseUrl', () => {
    expect(() => createClient({} as never)).toThrow(/baseUrl/);
  });
});

describe('clientDriven proxies', () => {
  it('keep the X-Burrow-Instance the first call answers and send it on the next calls', async () => {
    const { Counter } = connect().services;
    expect(Counter.instance()).toBeUndefined();
    const from = server.sent.length;
    await expect(Counter.add({ n: 2 })).resolves.toEqual({ total: 2 });
    const id = Counter.instance();
    expect(id).toMatch(/^i\d+$/);
    await expect(Counter.add({ n: 3 })).resolves.toEqual({ total: 5 });
    expect(server.sent.slice(from)).toEqual([undefined, id]);
  });

  it('make one instance when the first calls run concurrently', async () => {
    const { Counter } = connect().services;
    const from = server.sent.length;
    const totals = await Promise.all([Counter.add({ n: 1 }), Counter.add({ n: 1 }), Counter.add({ n: 1 })]);
    expect(totals.map((t) => t.total).sort()).toEqual([1, 2, 3]);
    const id = Counter.instance()!;
    expect(server.sent.slice(from)).toEqual([undefined, id, id]);
  });

  it('give each client its own instance', async () => {
    const a = connect().services.Counter;
    const b = connect().services.Counter;
    await a.add({ n: 1 });
    await b.add({ n: 1 });
    expect(a.instance()).not.toBe(b.instance());
  });

  it('release(): DELETE the instance, forget it, and start a new one on the next call', async () => {
    const { Counter } = connect().services;
    await Counter.add({ n: 7 });
    const id = Counter.instance()!;
    expect(server.counters.has(id)).toBe(true);
    await Counter.release();
    expect(server.counters.has(id)).toBe(false);
    expect(Counter.instance()).toBeUndefined();
    await expect(Counter.add({ n: 1 })).resolves.toEqual({ total: 1 });
    expect(Counter.instance()).not.toBe(id);
  });

  it('release() without an instance sends nothing; an instance already gone (404) counts as released', async () => {
    const { Counter } = connect().services;
    await expect(Counter.release()).resolves.toBeUndefined();
    await Counter.add({ n: 1 });
    server.counters.delete(Counter.instance()!);
    await expect(Counter.release()).resolves.toBeUndefined();
    expect(Counter.instance()).toBeUndefined();
  });

  it('an instance the server no longer has rejects with its 404 and is forgotten: the next call makes a new one', async () => {
    const { Counter } = connect().services;
    await Counter.add({ n: 4 });
    const id = Counter.instance()!;
    server.counters.delete(id);
    await expect(Counter.add({ n: 1 })).rejects.toMatchObject({ status: 404, code: 'TEST_ERR_INSTANCE_NOT_FOUND' });
    expect(Counter.instance()).toBeUndefined();
    await expect(Counter.add({ n: 1 })).resolves.toEqual({ total: 1 });
  });
});
