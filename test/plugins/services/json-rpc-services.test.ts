import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernel } from 'burrowjs';
import { basicOf, bearerOf, newJournal, post, servicesKernel } from './harness.js';

/**
 * The JSON-RPC endpoint end to end: the services plugin (its Dispatcher, lifetimes and
 * errors) and the auth plugin (its schemes), as an application runs them.
 */
describe('JSON-RPC through services() and auth()', () => {
  let kernel: Kernel;
  const journal = newJournal();
  beforeAll(async () => void (kernel = await servicesKernel({ journal })));
  afterAll(() => kernel.close());

  const rpc = async (payload: unknown, headers: Record<string, string> = {}) => {
    const res = await post(kernel, '/rpc', headers, payload);
    expect(res.status === 200 || res.status === 204).toBe(true);
    return res.body;
  };
  const call = (method: string, params?: unknown, extra: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }), id: 1, ...extra });

  it('is served at /rpc by default, as burrowJsonRpc', () => {
    expect((kernel.document as any).paths['/rpc'].post.operationId).toBe('burrowJsonRpc');
  });

  it('runs a method with named params; a 204 method answers result null', async () => {
    expect(await rpc(call('Calc.divide', { a: 6, b: 3 }))).toEqual({ jsonrpc: '2.0', result: { result: 2 }, id: 1 });
    expect(await rpc(call('Calc.reset'))).toEqual({ jsonrpc: '2.0', result: null, id: 1 });
  });

  it("answers the service's coded error with -32000 and the problem (its code) in data", async () => {
    const body = await rpc(call('Calc.divide', { a: 1, b: 0 }));
    expect(body.error).toMatchObject({ code: -32000, message: 'Division by zero', data: { code: 'CALC_ERR_DIVISION_BY_ZERO', status: 400, detail: 'cannot divide 1 by zero' } });
    // The same problem as the method's REST route answers, but for where it happened.
    const rest = (await post(kernel, '/calc/divide', {}, { a: 1, b: 0 })).body;
    const { instance: _rpc, requestId: _a, ...data } = body.error.data;
    const { instance: _rest, requestId: _b, ...problem } = rest;
    expect(data).toEqual(problem);
  });

  it("answers params that fail the method's schema with -32602 and data.errors", async () => {
    const body = await rpc(call('Calc.divide', { a: 'six' }));
    expect(body.error).toMatchObject({ code: -32602, message: 'Invalid params', data: { code: 'BURROW_ERR_REQUEST_VALIDATION' } });
    expect(body.error.data.errors.length).toBeGreaterThanOrEqual(2);
  });

  it('authorizes each call with its own operation: no credentials → -32000 BURROW_ERR_AUTH_UNAUTHENTICATED; Basic → the principal', async () => {
    expect((await rpc(call('User.hit'))).error).toMatchObject({ code: -32000, data: { code: 'BURROW_ERR_AUTH_UNAUTHENTICATED', status: 401 } });
    expect((await rpc(call('User.hit'), basicOf('ada'))).result).toMatchObject({ hits: 1, principal: 'u1' });
  });

  it("answers the lifetimes' own refusals as -32000 with their codes", async () => {
    expect((await rpc(call('User.anonHit'))).error.data.code).toBe('BURROW_ERR_SERVICE_PRINCIPAL_REQUIRED');
    expect((await rpc(call('Session.hit'), basicOf('ada'))).error.data).toMatchObject({ code: 'BURROW_ERR_SERVICE_SESSION_REQUIRED', status: 403 });
    expect((await rpc(call('Session.hit'), await bearerOf(kernel, 'bob'))).result).toMatchObject({ hits: 1, principal: 'u2' });
  });

  it('keeps a clientDriven instance across JSON-RPC and REST calls, and releases it with Driven._free', async () => {
    const ada = basicOf('ada');
    const first = await rpc(call('Driven.hit'), ada);
    expect(first).toEqual({ jsonrpc: '2.0', result: expect.objectContaining({ hits: 1 }), id: 1, instance: expect.any(String) });
    const instance = first.instance as string;
    const second = await rpc(call('Driven.hit', undefined, { instance }), ada);
    expect(second).toEqual({ jsonrpc: '2.0', result: { instance: first.result.instance, hits: 2, principal: 'u1' }, id: 1, instance });
    const rest = await post(kernel, '/driven/hit', { ...ada, 'x-burrow-instance': instance });
    expect(rest.body).toMatchObject({ instance: first.result.instance, hits: 3 });
    // Another caller's id is answered as an unknown one.
    expect((await rpc(call('Driven.hit', undefined, { instance }), basicOf('bob'))).error.data.code).toBe('BURROW_ERR_SERVICE_INSTANCE_NOT_FOUND');
    expect((await rpc(call('Driven._free', undefined, { instance }), basicOf('bob'))).error.data.code).toBe('BURROW_ERR_SERVICE_INSTANCE_NOT_FOUND');
    expect(await rpc(call('Driven._free', undefined, { instance }), ada)).toEqual({ jsonrpc: '2.0', result: null, id: 1 });
    expect((await rpc(call('Driven.hit', undefined, { instance }), ada)).error).toMatchObject({ code: -32000, data: { code: 'BURROW_ERR_SERVICE_INSTANCE_NOT_FOUND', status: 404 } });
  });

  it('runs a batch: one response per call with an id, none for a notification', async () => {
    const body = await rpc([
      call('Calc.divide', { a: 8, b: 2 }, { id: 'a' }),
      { jsonrpc: '2.0', method: 'Calc.reset' },
      call('Shared.hit', undefined, { id: 'b' }),
      call('Nope.nothing', undefined, { id: 'c' }),
    ]);
    expect(body).toHaveLength(3);
    const byId = Object.fromEntries((body as { id: string; result?: any; error?: any }[]).map((r) => [r.id, r]));
    expect(byId.a).toEqual({ jsonrpc: '2.0', result: { result: 4 }, id: 'a' });
    expect(byId.b.result).toMatchObject({ hits: expect.any(Number) });
    expect(byId.c.error).toEqual({ code: -32601, message: 'Method not found' });
  });

  it('answers invalid JSON with -32700', async () => {
    const res = await kernel.inject({ method: 'POST', url: '/rpc', headers: { 'content-type': 'application/json' }, payload: '{"jsonrpc": "2.0", "method": "Calc.reset", ' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
  });
});
