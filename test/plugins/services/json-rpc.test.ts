import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, definePlugin, type Kernel } from 'burrowjs';
import type { Dispatcher } from '../../../plugins/services/internal/dispatch.js';
import { registerJsonRpc } from '../../../plugins/services/internal/json-rpc.js';
import { ADAPTERS, agent, memoryLogger, type Adapter } from '../../helpers.js';
import { harnessKernel, received } from './json-rpc-harness.js';

/** Posts a JSON-RPC body (a string is sent as it is: invalid JSON stays invalid). */
function rpcClient(kernel: Kernel, adapter: Adapter = 'node') {
  return async (payload: unknown, headers: Record<string, string> = {}) => {
    const res = await agent(kernel, adapter)
      .post('/rpc')
      .set({ 'content-type': 'application/json', ...headers })
      .send(typeof payload === 'string' ? payload : JSON.stringify(payload));
    return { status: res.status, type: res.headers['content-type'] as string | undefined, text: res.text, body: res.text ? JSON.parse(res.text) : undefined };
  };
}

const byId = (a: { id: unknown }, b: { id: unknown }) => String(a.id).localeCompare(String(b.id));

describe.each(ADAPTERS)('JSON-RPC 2.0: the specification examples (%s)', (adapter) => {
  let kernel: Kernel;
  let rpc: ReturnType<typeof rpcClient>;
  beforeAll(async () => {
    kernel = await harnessKernel();
    rpc = rpcClient(kernel, adapter);
  });
  afterAll(() => kernel.close());

  it('answers positional params with -32602 (services take params by name), the id echoed', async () => {
    const res = await rpc({ jsonrpc: '2.0', method: 'Calc.subtract', params: [42, 23], id: 1 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ jsonrpc: '2.0', error: { code: -32602, message: expect.stringContaining('by position') }, id: 1 });
  });

  it('runs a call with named params', async () => {
    expect((await rpc({ jsonrpc: '2.0', method: 'Calc.subtract', params: { subtrahend: 23, minuend: 42 }, id: 3 })).body).toEqual({ jsonrpc: '2.0', result: 19, id: 3 });
    expect((await rpc({ jsonrpc: '2.0', method: 'Calc.subtract', params: { minuend: 23, subtrahend: 42 }, id: 4 })).body).toEqual({ jsonrpc: '2.0', result: -19, id: 4 });
  });

  it('runs a notification and answers nothing (204), even for a positional or unknown call', async () => {
    const before = received.length;
    const res = await rpc({ jsonrpc: '2.0', method: 'Calc.notifyHello', params: { value: 7 } });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(received.slice(before)).toEqual([{ method: 'Calc.notifyHello', input: { value: 7 }, principal: undefined }]);
    expect((await rpc({ jsonrpc: '2.0', method: 'Calc.update', params: [1, 2, 3, 4, 5] })).status).toBe(204);
    expect((await rpc({ jsonrpc: '2.0', method: 'foobar' })).status).toBe(204);
  });

  it('answers a non-existent method with -32601', async () => {
    const res = await rpc({ jsonrpc: '2.0', method: 'foobar', id: '1' });
    expect(res.body).toEqual({ jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: '1' });
  });

  it('answers invalid JSON with -32700 and id null, in a 200 application/json (not a problem)', async () => {
    const res = await rpc('{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]');
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/json/);
    expect(res.body).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
  });

  it('answers an invalid Request object with -32600 and id null', async () => {
    const res = await rpc({ jsonrpc: '2.0', method: 1, params: 'bar' });
    expect(res.body).toEqual({ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request', data: { detail: expect.any(String) } }, id: null });
  });

  it('answers a batch that is invalid JSON with one -32700', async () => {
    const res = await rpc('[\n  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},\n  {"jsonrpc": "2.0", "method"\n]');
    expect(res.body).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
  });

  it('answers an empty array with one -32600 (an object, not an array)', async () => {
    const res = await rpc([]);
    expect(res.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null });
    expect(Array.isArray(res.body)).toBe(false);
  });

  it('answers an invalid batch [1] with an array of one -32600', async () => {
    const res = await rpc([1]);
    expect(res.body).toEqual([{ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null }]);
  });

  it('answers an invalid batch [1,2,3] with an array of three -32600', async () => {
    const res = await rpc([1, 2, 3]);
    expect(res.body).toEqual([1, 2, 3].map(() => ({ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null })));
  });

  it('answers a mixed batch with a response per call that is not a notification', async () => {
    const res = await rpc([
      { jsonrpc: '2.0', method: 'Calc.sum', params: { values: [1, 2, 4] }, id: '1' },
      { jsonrpc: '2.0', method: 'Calc.notifyHello', params: { value: 7 } },
      { jsonrpc: '2.0', method: 'Calc.subtract', params: { minuend: 42, subtrahend: 23 }, id: '2' },
      { foo: 'boo' },
      { jsonrpc: '2.0', method: 'foo.get', params: { name: 'myself' }, id: '5' },
      { jsonrpc: '2.0', method: 'Calc.getData', id: '9' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(5);
    expect([...res.body].sort(byId)).toEqual(
      [
        { jsonrpc: '2.0', result: 7, id: '1' },
        { jsonrpc: '2.0', result: 19, id: '2' },
        { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request', data: { detail: '`jsonrpc` must be exactly "2.0"' } }, id: null },
        { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: '5' },
        { jsonrpc: '2.0', result: ['hello', 5], id: '9' },
      ].sort(byId),
    );
  });

  it('answers a batch of notifications only with 204 and no body', async () => {
    const res = await rpc([
      { jsonrpc: '2.0', method: 'Calc.notifyHello', params: { value: 1 } },
      { jsonrpc: '2.0', method: 'Calc.notifyHello', params: { value: 2 } },
    ]);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
  });
});

describe('JSON-RPC 2.0: Burrow semantics', () => {
  let kernel: Kernel;
  let rpc: ReturnType<typeof rpcClient>;
  const logs = memoryLogger();
  beforeAll(async () => {
    kernel = await harnessKernel({ logger: logs.logger, maxBatch: 3, bodyLimit: 2000 });
    rpc = rpcClient(kernel);
  });
  afterAll(() => kernel.close());
  const call = (method: string, params?: unknown, extra: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }), id: 1, ...extra });

  describe('the contract', () => {
    it('contributes POST /rpc as burrowJsonRpc, without security at the HTTP level, with its schemas', () => {
      const document = kernel.document as any;
      const op = document.paths['/rpc'].post;
      expect(op).toMatchObject({ operationId: 'burrowJsonRpc', tags: ['services'], security: [] });
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '204']));
      expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['JsonRpcRequest', 'JsonRpcResponse', 'JsonRpcError']));
    });

    it('is contributed in an OpenAPI 3.0 contract too (its schemas in the 3.0 dialect), responses valid against them', async () => {
      const empty: Dispatcher = { methods: new Map(), invoke: () => Promise.reject(new Error('unused')), release: () => Promise.reject(new Error('unused')) };
      const plugin = definePlugin({ name: 'rpc-only', setup: (k) => registerJsonRpc(k, () => empty, { path: '/json-rpc' }) });
      const legacy = await createKernel({ contract: { openapi: '3.0.3', info: { title: 't', version: '1' }, paths: {} } as never, plugins: [plugin], logger: { level: 'silent' } });
      try {
        const res = await legacy.inject({ method: 'POST', url: '/json-rpc', headers: { 'content-type': 'application/json' }, payload: '{"jsonrpc":"2.0","method":"A.b","id":"x"}' });
        expect(res.statusCode).toBe(200);
        expect(res.json()).toEqual({ jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: 'x' });
      } finally {
        await legacy.close();
      }
    });
  });

  describe('security, per call', () => {
    it('answers a secured method called without credentials with -32000, data the 401 problem BURROW_ERR_AUTH_UNAUTHENTICATED', async () => {
      const res = await rpc(call('Vault.whoami'));
      expect(res.status).toBe(200);
      expect(res.body.error).toMatchObject({ code: -32000, message: expect.any(String), data: { status: 401, code: 'BURROW_ERR_AUTH_UNAUTHENTICATED' } });
      expect(res.body.error.message).toBe(res.body.error.data.title);
    });

    it('runs a secured method with credentials, as the principal they authenticate', async () => {
      const res = await rpc(call('Vault.whoami'), { authorization: 'Bearer good' });
      expect(res.body).toEqual({ jsonrpc: '2.0', result: { id: 'u1' }, id: 1 });
    });

    it('answers wrong credentials with -32000 BURROW_ERR_AUTH_UNAUTHENTICATED, the other calls of the batch unaffected', async () => {
      const res = await rpc([call('Vault.whoami', undefined, { id: 'a' }), call('Calc.subtract', { minuend: 2, subtrahend: 1 }, { id: 'b' })], { authorization: 'Bearer bad' });
      const [a, b] = [...res.body].sort(byId);
      expect(a.error.data.code).toBe('BURROW_ERR_AUTH_UNAUTHENTICATED');
      expect(b).toEqual({ jsonrpc: '2.0', result: 1, id: 'b' });
    });

    it('does not run a call of an operation without security as the principal another call of the batch authenticated', async () => {
      const res = await rpc([call('Vault.whoami', undefined, { id: 'a' }), call('Vault.open', undefined, { id: 'b' })], { authorization: 'Bearer good' });
      expect([...res.body].sort(byId)).toEqual([
        { jsonrpc: '2.0', result: { id: 'u1' }, id: 'a' },
        { jsonrpc: '2.0', result: { principal: null }, id: 'b' },
      ]);
    });
  });

  describe('invalid params (-32602)', () => {
    it('answers params that fail the method\'s schema with the validation problem in data (code, errors)', async () => {
      const res = await rpc(call('Calc.subtract', { minuend: 'x', extra: 1 }));
      expect(res.body.error).toMatchObject({ code: -32602, message: 'Invalid params', data: { code: 'BURROW_ERR_REQUEST_VALIDATION', status: 400 } });
      expect(res.body.error.data.errors.length).toBeGreaterThanOrEqual(2);
      expect(res.body.error.data.errors[0]).toMatchObject({ in: 'body' });
    });

    it('answers missing params of a method whose input is required with -32602', async () => {
      const res = await rpc(call('Calc.subtract'));
      expect(res.body.error).toMatchObject({ code: -32602, data: { code: 'BURROW_ERR_REQUEST_VALIDATION' } });
    });

    it('answers params given to a method without input with -32602, and accepts an empty object', async () => {
      expect((await rpc(call('Calc.getData', { x: 1 }))).body.error).toMatchObject({ code: -32602, message: expect.stringContaining('takes no params') });
      expect((await rpc(call('Calc.getData', {}))).body.result).toEqual(['hello', 5]);
    });

    it('runs the method on params as validation leaves them (defaults applied)', async () => {
      expect((await rpc(call('Calc.scale', { value: 3 }))).body.result).toBe(6);
    });

    it('checks security before params: an unauthenticated caller learns nothing of the schema', async () => {
      const res = await rpc(call('Vault.whoami', { anything: true }));
      expect(res.body.error.data.code).toBe('BURROW_ERR_AUTH_UNAUTHENTICATED');
    });
  });

  describe('errors of the method', () => {
    it('answers a service\'s coded error with -32000, message its title, data its problem with its code', async () => {
      const res = await rpc(call('Calc.divide', { a: 1, b: 0 }));
      expect(res.body).toEqual({
        jsonrpc: '2.0',
        id: 1,
        error: { code: -32000, message: 'Division by zero', data: expect.objectContaining({ type: '/errors#calc_err_division_by_zero', code: 'CALC_ERR_DIVISION_BY_ZERO', status: 422, title: 'Division by zero', detail: 'cannot divide 1 by zero', instance: '/rpc' }) },
      });
    });

    it('answers an unexpected error with -32603, revealing nothing, and logs it', async () => {
      const res = await rpc(call('Calc.crash'));
      expect(res.body).toEqual({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: 1 });
      expect(res.text).not.toContain('hunter2');
      expect(logs.lines.some((l) => l.level === 'error' && l.method === 'Calc.crash' && String(l.error?.message).includes('hunter2'))).toBe(true);
    });
  });

  describe('invalid requests (-32600)', () => {
    it.each([
      ['jsonrpc "1.0"', { jsonrpc: '1.0', method: 'Calc.getData', id: 7 }, 7],
      ['jsonrpc missing', { method: 'Calc.getData', id: 7 }, 7],
      ['method not a string', { jsonrpc: '2.0', method: ['Calc.getData'], id: 7 }, 7],
      ['params null', { jsonrpc: '2.0', method: 'Calc.getData', params: null, id: 7 }, 7],
      ['params a string', { jsonrpc: '2.0', method: 'Calc.getData', params: 'x', id: 7 }, 7],
      ['instance not a string', { jsonrpc: '2.0', method: 'Import.count', instance: 3, id: 7 }, 7],
      ['id an object (answered with id null)', { jsonrpc: '2.0', method: 'Calc.getData', id: { n: 1 } }, null],
      ['id a boolean (answered with id null)', { jsonrpc: '2.0', method: 'Calc.getData', id: true }, null],
      ['a string', 'Calc.getData', null],
      ['null', null, null],
    ])('answers %s with -32600', async (_name, request, id) => {
      const res = await rpc(JSON.stringify(request));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id });
    });

    it('answers a call with id null (not a notification) with id null', async () => {
      expect((await rpc({ jsonrpc: '2.0', method: 'Calc.getData', id: null })).body).toEqual({ jsonrpc: '2.0', result: ['hello', 5], id: null });
    });

    it('answers a batch over maxBatch with one -32600 "batch too large", running none of it', async () => {
      const before = received.length;
      const res = await rpc([1, 2, 3, 4].map((n) => call('Calc.notifyHello', { value: n }, { id: n })));
      expect(Array.isArray(res.body)).toBe(false);
      expect(res.body).toMatchObject({ error: { code: -32600, message: expect.stringContaining('batch too large') }, id: null });
      expect(received.length).toBe(before);
    });
  });

  describe('HTTP', () => {
    it('answers an empty body with -32700', async () => {
      const res = await agent(kernel, 'node').post('/rpc').set('content-type', 'application/json');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
    });

    it('still answers a body over the limit with the 413 problem (before any JSON-RPC)', async () => {
      const res = await rpc(call('Calc.sum', { values: Array.from({ length: 1000 }, () => 1) }));
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('BURROW_ERR_REQUEST_BODY_TOO_LARGE');
    });

    it('still answers a body that is not JSON with the 415 problem', async () => {
      const res = await agent(kernel, 'node').post('/rpc').set('content-type', 'text/plain').send('{}');
      expect(res.status).toBe(415);
      expect(res.body.code).toBe('BURROW_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE');
    });
  });

  describe('clientDriven instances', () => {
    it('makes an instance on the first call, answers it in `instance`, runs later calls on it, and releases it with Service._free', async () => {
      const first = await rpc(call('Import.add', { row: 'a' }));
      expect(first.body).toEqual({ jsonrpc: '2.0', result: { count: 1 }, id: 1, instance: expect.any(String) });
      const instance = first.body.instance as string;
      expect((await rpc(call('Import.add', { row: 'b' }, { instance }))).body).toEqual({ jsonrpc: '2.0', result: { count: 2 }, id: 1, instance });
      expect((await rpc(call('Import.count', undefined, { instance }))).body.result).toEqual({ count: 2 });
      expect((await rpc(call('Import._free', undefined, { instance }))).body).toEqual({ jsonrpc: '2.0', result: null, id: 1 });
      const after = await rpc(call('Import.count', undefined, { instance }));
      expect(after.body.error).toMatchObject({ code: -32000, data: { code: 'HARNESS_ERR_INSTANCE_NOT_FOUND', status: 404 } });
    });

    it("answers another caller's instance as not found, for calls and for _free", async () => {
      const mine = (await rpc(call('Import.add', { row: 'a' }), { authorization: 'Bearer good' })).body.instance as string;
      expect((await rpc(call('Import.count', undefined, { instance: mine }))).body.error.data.code).toBe('HARNESS_ERR_INSTANCE_NOT_FOUND');
      expect((await rpc(call('Import._free', undefined, { instance: mine }))).body.error.data.code).toBe('HARNESS_ERR_INSTANCE_NOT_FOUND');
      expect((await rpc(call('Import.count', undefined, { instance: mine }), { authorization: 'Bearer good' })).body.result).toEqual({ count: 1 });
    });

    it('answers _free without `instance` with -32602, and _free of a service without instances with -32601', async () => {
      expect((await rpc(call('Import._free'))).body.error).toMatchObject({ code: -32602, message: expect.stringContaining('instance') });
      expect((await rpc(call('Calc._free', undefined, { instance: 'x' }))).body.error).toEqual({ code: -32601, message: 'Method not found' });
      expect((await rpc(call('Nope._free', undefined, { instance: 'x' }))).body.error).toEqual({ code: -32601, message: 'Method not found' });
    });
  });
});
