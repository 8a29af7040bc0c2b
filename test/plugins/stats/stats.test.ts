import { describe, expect, it } from 'vitest';
import { createKernel, definePlugin, type Kernel, type KernelOptions } from '../../../core/index.js';
import { stats } from '../../../plugins/stats/index.js';
import { memorySessions } from '../../../plugins/auth/index.js';
import { LogHistogram } from '../../../plugins/stats/internal/histogram.js';
import { ADAPTERS, VALID_ITEM, agent, closedAfterEach, fixtureKernel } from '../../helpers.js';
import { basicOf, bearerOf, post, servicesKernelWith } from '../metrics/services-kernel.js';

const track = closedAfterEach((kernel) => expect(kernel.stats.responseViolations).toBe(0));

const statsKernel = (options?: Parameters<typeof stats>[0], kernel: Partial<KernelOptions> = {}) =>
  track(fixtureKernel({ plugins: [stats(options)], responseValidation: { rate: 1, onViolation: 'reject' }, ...kernel }));

async function read(kernel: Kernel, query = '') {
  const res = await kernel.inject(`/stat${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe.each(ADAPTERS)('stats over %s', (adapter) => {
  it('counts calls, errors by status class, latency and bytes per operationId', async () => {
    const kernel = await statsKernel();
    const http = agent(kernel, adapter);
    let bytesOut = 0;
    for (const path of ['/hello', '/hello', '/hello', '/items/404', '/items/0']) {
      const res = await http.get(path);
      bytesOut += Number(res.headers['content-length']);
    }
    const created = await http.post('/items').send(VALID_ITEM).expect(201);
    const bytesIn = Buffer.byteLength(JSON.stringify(VALID_ITEM));
    const report = (await http.get('/stat').expect(200)).body;

    expect(report.operations.hello).toMatchObject({ calls: 3, errors: 0, statusClasses: { '2xx': 3 }, bytesIn: 0 });
    expect(report.operations.getItem).toMatchObject({ calls: 2, errors: 2, statusClasses: { '4xx': 2 } });
    expect(report.operations.createItem).toMatchObject({ calls: 1, errors: 0, statusClasses: { '2xx': 1 }, bytesIn, bytesOut: Number(created.headers['content-length']) });
    expect(report.totals).toMatchObject({ calls: 6, errors: 2, statusClasses: { '2xx': 4, '4xx': 2 }, bytesIn });
    expect(report.totals.bytesOut).toBe(bytesOut + Number(created.headers['content-length']));

    for (const entry of [report.totals, report.operations.hello, report.operations.getItem]) {
      const { min, avg, max, p50, p90, p99 } = entry.latencyMs;
      expect(min).toBeGreaterThan(0);
      expect(min).toBeLessThanOrEqual(avg);
      expect(avg).toBeLessThanOrEqual(max);
      expect(min).toBeLessThanOrEqual(p50);
      expect(p50).toBeLessThanOrEqual(p90);
      expect(p90).toBeLessThanOrEqual(p99);
      expect(p99).toBeLessThanOrEqual(max);
      expect(max).toBeLessThan(5000);
      expect(Date.parse(entry.firstCall)).toBeLessThanOrEqual(Date.parse(entry.lastCall));
    }
    expect(report.memory.rss).toBeGreaterThan(0);
    expect(report.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(Date.parse(report.startedAt)).toBeLessThanOrEqual(Date.now());
    expect(report).not.toHaveProperty('sessions');
    expect(report).not.toHaveProperty('services');
  });

  it('counts every unknown path (and a 405) in one (unmatched) entry', async () => {
    const kernel = await statsKernel();
    const http = agent(kernel, adapter);
    for (const path of ['/nope', '/x/y', `/r-${Math.random()}`]) await http.get(path).expect(404);
    await http.delete('/hello').expect(405);
    const report = await read(kernel);
    expect(Object.keys(report.operations)).toEqual(['(unmatched)']);
    expect(report.operations['(unmatched)']).toMatchObject({ calls: 4, errors: 4, statusClasses: { '4xx': 4 } });
  });

  it('refuses another address with 403 BURROW_ERR_STAT_FORBIDDEN, behind a trusted proxy', async () => {
    const kernel = await statsKernel(undefined, { trustProxy: 'loopback' });
    const http = agent(kernel, adapter);
    await http.get('/stat').expect(200);
    for (const res of [await http.get('/stat').set('x-forwarded-for', '203.0.113.9'), await http.post('/stat/reset').set('x-forwarded-for', '203.0.113.9')]) {
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('BURROW_ERR_STAT_FORBIDDEN');
      expect(res.body.detail).toBe('the statistics are served to loopback and allowed addresses only, not to 203.0.113.9');
    }
  });
});

describe('stats options at work', () => {
  it('reports the percentiles asked for', async () => {
    const kernel = await statsKernel({ percentiles: [50, 99.9] });
    await kernel.inject('/hello');
    const { latencyMs } = (await read(kernel)).operations.hello;
    expect(Object.keys(latencyMs)).toEqual(['min', 'avg', 'max', 'p50', 'p99.9']);
  });

  it('resets the counters with POST /stat/reset', async () => {
    const kernel = await statsKernel();
    await kernel.inject('/hello');
    const before = await read(kernel);
    expect(before.operations.hello.calls).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await kernel.inject({ method: 'POST', url: '/stat/reset' })).statusCode).toBe(204);
    const after = await read(kernel);
    expect(after.operations.hello).toBeUndefined();
    expect(after.operations.statReset.calls).toBe(1);
    expect(Date.parse(after.since)).toBeGreaterThan(Date.parse(before.since));
    expect(after.startedAt).toBe(before.startedAt);
  });

  it('contributes GET <path> and POST <path>/reset with their schemas; reset: false leaves the reset out', async () => {
    const kernel = await statsKernel({ path: '/ops/stat', tag: 'ops' });
    const paths = kernel.document.paths as Record<string, any>;
    expect(paths['/ops/stat'].get.operationId).toBe('stat');
    expect(paths['/ops/stat'].get.security).toEqual([]);
    expect(paths['/ops/stat'].get.tags).toEqual(['ops']);
    expect(paths['/ops/stat'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['withSessions', 'withServices', 'withResources', 'withUsers', 'withGauges', 'withAll']);
    expect(paths['/ops/stat/reset'].post.operationId).toBe('statReset');
    expect(Object.keys(kernel.document.components!.schemas!)).toEqual(expect.arrayContaining(['StatReport', 'StatEntry']));
    expect(kernel.errors.ownerOf('BURROW_ERR_STAT_FORBIDDEN')).toBe('plugin stats');
    const without = await statsKernel({ reset: false });
    expect((without.document.paths as Record<string, unknown>)['/stat/reset']).toBeUndefined();
    expect((await without.inject({ method: 'POST', url: '/stat/reset' })).statusCode).toBe(404);
  });

  it('answers the addresses and ranges of allow', async () => {
    const kernel = await statsKernel({ allow: ['198.51.100.0/24'] }, { trustProxy: 'loopback' });
    expect((await kernel.inject({ url: '/stat', headers: { 'x-forwarded-for': '198.51.100.20' } })).statusCode).toBe(200);
    expect((await kernel.inject({ url: '/stat', headers: { 'x-forwarded-for': '192.0.2.1' } })).statusCode).toBe(403);
  });

  it('groups the operations of a resource action by Model.action', async () => {
    // A stand-in for the resources plugin: binds x-burrow-resource operations to a handler.
    const fakeResources = definePlugin({
      name: 'fake-resources',
      setup(kernel) {
        kernel.extensions.add('x-burrow-resource', { schema: { type: 'object' }, bind: () => ({ handler: () => ({ status: 200, body: [] }) }) });
      },
    });
    const list = (operationId: string, model: string) => ({
      get: { operationId, 'x-burrow-resource': { model, action: 'list' }, responses: { '200': { description: 'rows', content: { 'application/json': { schema: { type: 'array' } } } } } },
    });
    const kernel = await track(
      createKernel({
        contract: { openapi: '3.1.0', info: { title: 'r', version: '1' }, paths: { '/tasks': list('listTasks', 'Task'), '/my/tasks': list('listMyTasks', 'Task'), '/users': list('listUsers', 'User') } } as never,
        logger: { level: 'silent' },
        plugins: [fakeResources(), stats()],
      }),
    );
    for (const path of ['/tasks', '/my/tasks', '/my/tasks', '/users']) await kernel.inject(path);
    const report = await read(kernel, '?withResources=true');
    expect(Object.keys(report.resources)).toEqual(['Task.list', 'User.list']);
    expect(report.resources['Task.list'].calls).toBe(3);
    expect(report.resources['User.list'].calls).toBe(1);
  });
});

describe('stats with the auth and services plugins', () => {
  it('groups service calls by Service.method and counts live instances from the services plugin\'s events', async () => {
    const kernel = await track(servicesKernelWith([stats()]));
    expect((await post(kernel, '/calc/divide', {}, { a: 1, b: 2 })).status).toBe(200);
    expect((await post(kernel, '/calc/divide', {}, { a: 1, b: 0 })).status).toBe(400);
    await post(kernel, '/shared/hit');
    await post(kernel, '/each/hit');
    await post(kernel, '/each/hit');
    await kernel.events.idle();
    const report = await read(kernel, '?withServices=true');
    expect(report.services.methods['Calc.divide']).toMatchObject({ calls: 2, errors: 1, statusClasses: { '2xx': 1, '4xx': 1 } });
    expect(report.services.methods['Each.hit'].calls).toBe(2);
    expect(report.services.instances.Calc).toEqual({ live: 1, created: 1, disposed: 0 });
    expect(report.services.instances.Each).toEqual({ live: 0, created: 2, disposed: 2 });
    expect(report.operations.calcDivide.calls).toBe(2);
    expect(report).not.toHaveProperty('sessions');
  });

  it('counts every call of a method in Service.method, REST and JSON-RPC (single and batch) alike, each once', async () => {
    const kernel = await track(servicesKernelWith([stats()]));
    const rpc = (body: unknown) => post(kernel, '/rpc', {}, body);
    // REST: 2 calls, 1 failing with the service's own code (400).
    expect((await post(kernel, '/calc/divide', {}, { a: 6, b: 3 })).status).toBe(200);
    expect((await post(kernel, '/calc/divide', {}, { a: 1, b: 0 })).status).toBe(400);
    // Refused before the method runs (invalid body): the operation's entry only.
    expect((await post(kernel, '/calc/divide', {}, { a: 1 })).status).toBe(400);
    // JSON-RPC, single: 1 call, 1 failing.
    expect((await rpc({ jsonrpc: '2.0', method: 'Calc.divide', params: { a: 8, b: 2 }, id: 1 })).body.result).toEqual({ result: 4 });
    expect((await rpc({ jsonrpc: '2.0', method: 'Calc.divide', params: { a: 8, b: 0 }, id: 2 })).body.error.data.code).toBe('CALC_ERR_DIVISION_BY_ZERO');
    // JSON-RPC, a batch: 3 calls of Calc.divide (1 failing, 1 notification), 1 of Shared.hit, 1 refused before the method (invalid params).
    const batch = await rpc([
      { jsonrpc: '2.0', method: 'Calc.divide', params: { a: 9, b: 3 }, id: 3 },
      { jsonrpc: '2.0', method: 'Calc.divide', params: { a: 9, b: 0 }, id: 4 },
      { jsonrpc: '2.0', method: 'Calc.divide', params: { a: 1, b: 1 } },
      { jsonrpc: '2.0', method: 'Calc.divide', params: { a: 'x' }, id: 5 },
      { jsonrpc: '2.0', method: 'Shared.hit', id: 6 },
    ]);
    expect(batch.body).toHaveLength(4);
    await kernel.events.idle();

    const report = await read(kernel, '?withServices=true');
    // 2 REST + 2 single + 3 batched calls that reached the method; 1 + 1 + 1 failed.
    const divide = report.services.methods['Calc.divide'];
    expect(divide).toMatchObject({ calls: 7, errors: 3, statusClasses: { '2xx': 4, '4xx': 3 }, bytesIn: 0, bytesOut: 0 });
    const { min, avg, max, p50, p99 } = divide.latencyMs;
    expect(min).toBeLessThanOrEqual(avg);
    expect(avg).toBeLessThanOrEqual(max);
    expect(min).toBeLessThanOrEqual(p50);
    expect(p99).toBeLessThanOrEqual(max);
    expect(Date.parse(divide.firstCall)).toBeLessThanOrEqual(Date.parse(divide.lastCall));
    expect(report.services.methods['Shared.hit']).toMatchObject({ calls: 1, errors: 0 });
    // The per-operation view is unchanged: every REST request, and the JSON-RPC requests under their own operation.
    expect(report.operations.calcDivide).toMatchObject({ calls: 3, errors: 2 });
    expect(report.operations.burrowJsonRpc).toMatchObject({ calls: 3, statusClasses: { '2xx': 3 } });

    // Reset forgets the method entries too.
    expect((await kernel.inject({ method: 'POST', url: '/stat/reset' })).statusCode).toBe(204);
    expect((await read(kernel, '?withServices=true')).services.methods).toEqual({});
  });

  it('counts a failed call without an error code as 5xx', async () => {
    const kernel = await track(
      servicesKernelWith([stats()], {
        '/shared/hit': { post: { operationId: 'sharedHit', 'x-burrow-service': { service: 'Shared', method: 'boom' }, security: [], responses: { '200': { description: 'never' } } } },
      }),
    );
    // The hit service has no `boom`: the dispatcher throws a plain Error (500, no code).
    expect((await kernel.inject({ method: 'POST', url: '/shared/hit' })).statusCode).toBe(500);
    await kernel.events.idle();
    expect((await read(kernel, '?withServices=true')).services.methods['Shared.boom']).toMatchObject({ calls: 1, errors: 1, statusClasses: { '5xx': 1 } });
  });

  it('counts sessions opened and ended from the auth plugin\'s events, and the open ones from its store (withSessions)', async () => {
    const kernel = await track(servicesKernelWith([stats()]));
    const ada = await bearerOf(kernel, 'ada');
    await bearerOf(kernel, 'bob');
    await bearerOf(kernel, 'cyd');
    expect((await kernel.inject({ method: 'POST', url: '/auth/logout', headers: ada })).statusCode).toBe(204);
    await kernel.events.idle();
    const report = await read(kernel, '?withSessions=true');
    expect(report.sessions).toEqual({ open: 2, opened: 3, ended: 1 });
  });

  it('reads the live sessions from the auth plugin\'s store: a session that idled out is no longer open (withSessions, withGauges)', async () => {
    let clock = Date.now();
    const kernel = await track(servicesKernelWith([stats()], {}, { sessions: memorySessions({ now: () => clock }), sessionTimeout: 60 }));
    await bearerOf(kernel, 'ada');
    await bearerOf(kernel, 'bob');
    await kernel.events.idle();
    expect((await read(kernel, '?withSessions=true')).sessions).toEqual({ open: 2, opened: 2, ended: 0 });
    clock += 61_000;
    const report = await read(kernel, '?withSessions=true&withGauges=true');
    expect(report.sessions).toEqual({ open: 0, opened: 2, ended: 0 });
    expect(report.gauges).toEqual({ auth_sessions_open: 0 });
  });

  it('reports the gauges the app registers, leaving out (and logging) one that fails', async () => {
    const kernel = await track(statsKernel());
    let depth = 3;
    kernel.gauges.add('queue_depth', { help: 'Jobs waiting.', read: async () => depth });
    kernel.gauges.add('broken', { help: 'Fails.', read: () => { throw new Error('down'); } });
    expect((await read(kernel, '?withGauges=true')).gauges).toEqual({ queue_depth: 3 });
    depth = 5;
    expect((await read(kernel, '?withAll=true')).gauges).toEqual({ queue_depth: 5 });
    expect((await read(kernel)).gauges).toBeUndefined();
    expect(() => kernel.gauges.add('Queue-Depth', { help: 'x', read: () => 1 })).toThrow(/lower-case letters, digits and _/);
    expect(() => kernel.gauges.add('nohelp', { read: () => 1 } as never)).toThrow(/help/);
  });

  it('keeps per-user and per-group entries, at most maxUsers of each, the rest in (others)', async () => {
    const kernel = await track(servicesKernelWith([stats({ perUser: true, perGroup: true, maxUsers: 2 })]));
    for (const name of ['ada', 'bob', 'bob', 'cyd', 'nog']) await post(kernel, '/shared/hit', basicOf(name));
    await post(kernel, '/shared/hit');
    const report = await read(kernel, '?withUsers=true');
    expect(Object.keys(report.users)).toEqual(['(others)', 'u1', 'u2']);
    expect([report.users.u1.calls, report.users.u2.calls, report.users['(others)'].calls]).toEqual([1, 2, 2]);
    expect(Object.keys(report.groups)).toEqual(['g1', 'g2']);
    expect([report.groups.g1.calls, report.groups.g2.calls]).toEqual([3, 1]);
    const all = await read(kernel, '?withAll=true');
    expect(Object.keys(all)).toEqual(expect.arrayContaining(['sessions', 'services', 'resources', 'users', 'groups']));
  });

  it('with security, asks for credentials; with groups, serves only those groups', async () => {
    const secured = await track(servicesKernelWith([stats({ security: [{ basicAuth: [] }] })]));
    expect((secured.document.paths as Record<string, any>)['/stat'].get.security).toEqual([{ basicAuth: [] }]);
    expect((await secured.inject('/stat')).statusCode).toBe(401);
    expect((await secured.inject({ url: '/stat', headers: basicOf('cyd') })).statusCode).toBe(200);

    const grouped = await track(servicesKernelWith([stats({ security: [{ basicAuth: [] }], groups: ['g1'] })]));
    expect((await grouped.inject({ url: '/stat', headers: basicOf('ada') })).statusCode).toBe(200);
    const refused = await grouped.inject({ method: 'POST', url: '/stat/reset', headers: basicOf('cyd') });
    expect([refused.statusCode, refused.json().code]).toEqual([403, 'BURROW_ERR_AUTH_FORBIDDEN']);
  });
});

describe('the latency histogram', () => {
  it('answers percentiles within 4.4 % above the true value, in a fixed size', () => {
    const histogram = new LogHistogram();
    expect(histogram.percentile(50)).toBeUndefined();
    for (let v = 1; v <= 10_000; v++) histogram.record(v);
    for (const p of [50, 90, 99, 100]) {
      const exact = p * 100;
      const found = histogram.percentile(p)!;
      expect(found).toBeGreaterThanOrEqual(exact);
      expect(found / exact).toBeLessThanOrEqual(1.0443);
    }
    histogram.record(0);
    histogram.record(1e15);
    expect(histogram.count).toBe(10_002);
    histogram.reset();
    expect(histogram.count).toBe(0);
  });
});
