import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allow, createKernel, type Kernel } from 'burrowjs';
import { defineService, services, type ServiceCall } from 'burrowjs/plugins/services';
import { auth, basic } from 'burrowjs/plugins/auth';
import { basicOf, calc, calcErrors, post, servicesKernel, users } from './harness.js';

describe('services: results and errors over REST', () => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await servicesKernel();
  });
  afterAll(() => kernel?.close());

  it('answers the result as the body of the operation’s 2xx', async () => {
    expect(await post(kernel, '/calc/divide', {}, { a: 9, b: 3 })).toMatchObject({ status: 200, body: { result: 3 } });
    const reset = await kernel.inject({ method: 'POST', url: '/calc/reset' });
    expect([reset.statusCode, reset.body]).toEqual([204, '']);
  });

  it("a service's coded error reaches the client as problem+json with its status and code", async () => {
    const res = await post(kernel, '/calc/divide', {}, { a: 9, b: 0 });
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'CALC_ERR_DIVISION_BY_ZERO', title: 'Division by zero', detail: 'cannot divide 9 by zero', status: 400 });
  });

  it('an input that does not match the request schema never reaches the service (400 from the kernel)', async () => {
    const res = await post(kernel, '/calc/divide', {}, { a: 'nine', b: 3 });
    expect([res.status, res.body.code]).toEqual([400, 'BURROW_ERR_REQUEST_VALIDATION']);
  });

  it('registers the families of `errors` in the catalogue', () => {
    expect(kernel.errors.get('CALC_ERR_DIVISION_BY_ZERO')).toBeDefined();
    expect(kernel.errors.get('BURROW_ERR_SERVICE_TIMEOUT')).toMatchObject({ status: 503 });
  });
});

const json = (schema: unknown) => ({ 'application/json': { schema } });
const OBJECT = { type: 'object' };
const op = (service: string, method: string, security: unknown[] = []) => ({
  operationId: `${service.toLowerCase()}${method[0]!.toUpperCase()}${method.slice(1)}`,
  'x-burrow-service': { service, method },
  security,
  requestBody: { required: false, content: json(OBJECT) },
  responses: { '200': { description: 'ok', content: json(OBJECT) } },
});
const contract = {
  openapi: '3.1.0',
  info: { title: 'calls', version: '1' },
  components: { securitySchemes: { basicAuth: { type: 'http', scheme: 'basic' } } },
  paths: {
    '/slow/wait': { post: op('Slow', 'wait') },
    '/hang/hang': { post: op('Hang', 'hang') },
    '/front/describe': { post: op('Front', 'describe', [{ basicAuth: [] }]) },
    '/calc/divide': { post: { ...op('Calc', 'divide'), requestBody: { required: true, content: json(OBJECT) } } },
    '/calc/reset': { post: op('Calc', 'reset') },
    '/counter/count': { post: op('Counter', 'count', [{ basicAuth: [] }]) },
  },
};

describe('services: the call context', () => {
  let kernel: Kernel;
  const seen: { aborted?: unknown; calls: ServiceCall[] } = { calls: [] };
  let started!: () => void;
  let aborted!: (value: boolean) => void;
  const hanging = { started: new Promise<void>((r) => (started = r)), aborted: new Promise<boolean>((r) => (aborted = r)) };
  beforeAll(async () => {
    const slow = defineService('Slow', {
      lifetime: 'shared',
      timeout: 50,
      create: () => ({
        // Waits for its signal: the timeout fires it.
        wait: (_input: unknown, call: ServiceCall) =>
          new Promise((resolve) => call.signal.addEventListener('abort', () => resolve({ aborted: (seen.aborted = call.signal.reason) }))),
      }),
    });
    // Never answers on its own: it waits for the client to go away.
    const hang = defineService('Hang', {
      create: () => ({
        hang: (_input: unknown, call: ServiceCall) =>
          new Promise((resolve) => {
            call.signal.addEventListener('abort', () => {
              aborted(true);
              resolve({});
            });
            started();
          }),
      }),
    });
    const counter = defineService('Counter', { lifetime: 'perUser', create: ({ key }) => { let n = 0; return { count: () => ({ key, n: ++n }) }; } });
    const front = defineService('Front', {
      create: ({ context }) => ({
        describe: async (_input: unknown, call: ServiceCall) => {
          seen.calls.push(call);
          const counter = call.services.get<{ count: (input: unknown) => { key: string; n: number } }>('Counter');
          const first = await counter.count({});
          const second = await counter.count({});
          const quotient = await call.services.get<{ divide: (input: { a: number; b: number }) => { result: number } }>('Calc').divide({ a: 6, b: 3 });
          return { context, principal: call.principal?.name, sessionId: call.sessionId ?? null, first, second, quotient, instanceId: call.instanceId ?? null, requestId: call.ctx.id };
        },
      }),
    });
    kernel = await createKernel({
      contract: contract as never,
      contractCache: false,
      logger: { level: 'silent' },
      plugins: [
        auth({ schemes: { basicAuth: basic() }, users: users(), password: { N: 2 ** 10 }, admin: false }),
        services({ services: [slow, front, calc, counter, hang], context: { db: 'the db' }, errors: [calcErrors], jsonRpc: false }),
      ],
    });
  });
  afterAll(() => kernel?.close());

  it('a call running past its timeout → 503 BURROW_ERR_SERVICE_TIMEOUT, and its signal is aborted with that error', async () => {
    const res = await post(kernel, '/slow/wait');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'BURROW_ERR_SERVICE_TIMEOUT', detail: 'Slow.wait did not answer within 50 ms' });
    expect(seen.aborted).toMatchObject({ code: 'BURROW_ERR_SERVICE_TIMEOUT' });
  });

  it('sees the principal, the context, other services in-process (their lifetimes apply) and the request', async () => {
    const res = await post(kernel, '/front/describe', basicOf('ada'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      context: { db: 'the db' },
      principal: 'ada',
      sessionId: null,
      first: { key: 'u1', n: 1 },
      second: { key: 'u1', n: 2 },
      quotient: { result: 2 },
      instanceId: null,
    });
    expect(res.body.requestId).toBe(seen.calls[0]!.ctx.id);
    // perUser Counter: the same instance for ada's next call, through the proxy.
    expect((await post(kernel, '/front/describe', basicOf('ada'))).body.first).toEqual({ key: 'u1', n: 3 });
  });

  it('services.get of a service that does not exist throws, naming the services', () => {
    expect(() => seen.calls[0]!.services.get('Nope')).toThrow(/no service is named Nope \(services: Slow, Front, Calc, Counter, Hang\)/);
  });

  it('does not contribute the JSON-RPC endpoint with jsonRpc: false', () => {
    expect(kernel.document.paths!['/rpc']).toBeUndefined();
  });

  it('aborts the signal when the client disconnects (real HTTP)', async () => {
    const { url } = await kernel.listen({ port: 0 });
    const req = request(`${url}/hang/hang`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    req.on('error', () => undefined);
    req.end('{}');
    await hanging.started;
    req.destroy();
    expect(await hanging.aborted).toBe(true);
  });
});

describe('services: a principal from another verifier than the auth plugin', () => {
  it('keys perUser on any principal that has an id', async () => {
    const counter = defineService('Counter', { lifetime: 'perUser', create: ({ key }) => ({ count: () => ({ key }) }) });
    const kernel = await createKernel({
      contract: { ...contract, paths: { '/counter/count': { post: op('Counter', 'count', [{ basicAuth: [] }]) } } } as never,
      contractCache: false,
      logger: { level: 'silent' },
      security: { basicAuth: () => allow({ id: 42, name: 'app user' }) },
      plugins: [services({ services: [counter] })],
    });
    try {
      expect((await post(kernel, '/counter/count', basicOf('x'))).body).toEqual({ key: '42' });
    } finally {
      await kernel.close();
    }
  });
});
