import { describe, expect, it, vi } from 'vitest';
import { Counter, Histogram } from 'prom-client';
import { createKernel, type Kernel, type KernelOptions } from '../../../core/index.js';
import { metrics, metricsRegistry } from '../../../plugins/metrics/index.js';
import { auth, basic, createPasswords, memorySessions, memoryUsers, session } from '../../../plugins/auth/index.js';
import { ADAPTERS, agent, closedAfterEach, fixtureKernel } from '../../helpers.js';
import { family, histogramSeries, parse, sample, value } from './prometheus.js';

const track = closedAfterEach();

const metricsKernel = (options?: Parameters<typeof metrics>[0], kernel: Partial<KernelOptions> = {}) =>
  track(fixtureKernel({ plugins: [metrics(options)], responseValidation: { rate: 1, onViolation: 'reject' }, ...kernel }));

async function scrape(kernel: Kernel, headers: Record<string, string> = {}) {
  const res = await kernel.inject({ url: '/metrics', headers });
  expect(res.statusCode, res.body).toBe(200);
  return parse(res.body);
}

describe.each(ADAPTERS)('metrics over %s', (adapter) => {
  it('counts requests by operationId, method and status class, in the exposition content type', async () => {
    const kernel = await metricsKernel({ defaultMetrics: false });
    const http = agent(kernel, adapter);
    await http.get('/hello').expect(200);
    await http.get('/hello').expect(200);
    await http.get('/items/404').expect(404);
    await http.get('/items/0').expect(400);
    const res = await http.get('/metrics').expect(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const families = parse(res.text);
    expect(family(families, 'burrow_http_requests_total').type).toBe('COUNTER');
    expect(value(families, 'burrow_http_requests_total', { operation: 'hello', method: 'GET', status_class: '2xx' })).toBe(2);
    expect(value(families, 'burrow_http_requests_total', { operation: 'getItem', method: 'GET', status_class: '4xx' })).toBe(2);
    expect(sample(families, 'burrow_http_requests_total', { operation: 'getItem', status_class: '2xx' })).toBeUndefined();
    expect(kernel.stats.responseViolations).toBe(0);
  });

  it('observes durations in a histogram with the configured buckets', async () => {
    const kernel = await metricsKernel({ defaultMetrics: false, buckets: [0.5, 30] });
    const http = agent(kernel, adapter);
    for (let i = 0; i < 3; i++) await http.get('/hello').expect(200);
    await http.get('/items/404').expect(404);
    const text = (await http.get('/metrics')).text;
    expect(family(parse(text), 'burrow_http_request_duration_seconds').type).toBe('HISTOGRAM');
    const hello = histogramSeries(text, 'burrow_http_request_duration_seconds', { operation: 'hello', method: 'GET', status_class: '2xx' });
    expect(Object.keys(hello.buckets).sort()).toEqual(['+Inf', '0.5', '30']);
    expect(Number(hello.count)).toBe(3);
    expect(Number(hello.buckets!['30'])).toBe(3);
    expect(Number(hello.buckets!['+Inf'])).toBe(3);
    expect(Number(hello.buckets!['0.5'])).toBeLessThanOrEqual(3);
    expect(Number(hello.sum)).toBeGreaterThan(0);
    expect(Number(hello.sum)).toBeLessThan(30);
    const missing = histogramSeries(text, 'burrow_http_request_duration_seconds', { operation: 'getItem', method: 'GET', status_class: '4xx' });
    expect([Number(missing.count), Number(missing.buckets['+Inf'])]).toEqual([1, 1]);
  });

  it('counts every unknown path under one (unmatched) series, and unusual methods as OTHER', async () => {
    const kernel = await metricsKernel({ defaultMetrics: false });
    const http = agent(kernel, adapter);
    for (const path of ['/nope', '/a/b/c', `/random-${Math.random()}`]) await http.get(path).expect(404);
    await http.delete('/hello').expect(405);
    await kernel.inject({ method: 'PROPFIND' as 'GET', url: '/hello' });
    const families = await scrape(kernel);
    const unmatched = family(families, 'burrow_http_requests_total').metrics.filter((m) => m.labels?.operation === '(unmatched)');
    expect(unmatched.map((m) => [m.labels!.method, m.labels!.status_class, Number(m.value)]).sort()).toEqual([
      ['DELETE', '4xx', 1],
      ['GET', '4xx', 3],
      ['OTHER', '4xx', 1],
    ]);
    const operations = new Set(family(families, 'burrow_http_requests_total').metrics.map((m) => m.labels!.operation));
    expect([...operations].sort()).toEqual(['(unmatched)']);
  });
});

describe('metrics registry', () => {
  it('gives each kernel its own registry: two kernels in one process do not collide', async () => {
    const one = await metricsKernel();
    const two = await metricsKernel();
    expect(metricsRegistry(one)).toBeDefined();
    expect(metricsRegistry(one)).not.toBe(metricsRegistry(two));
    await one.inject('/hello');
    await one.inject('/hello');
    await two.inject('/hello');
    expect(value(await scrape(one), 'burrow_http_requests_total', { operation: 'hello' })).toBe(2);
    expect(value(await scrape(two), 'burrow_http_requests_total', { operation: 'hello' })).toBe(1);
  });

  it('collects the process metrics, with the prefix, unless turned off', async () => {
    const plain = await scrape(await metricsKernel());
    expect(family(plain, 'process_cpu_user_seconds_total').type).toBe('COUNTER');
    expect(family(plain, 'nodejs_heap_size_used_bytes').type).toBe('GAUGE');
    const prefixed = await scrape(await metricsKernel({ prefix: 'api_' }));
    expect(family(prefixed, 'api_process_cpu_user_seconds_total')).toBeDefined();
    expect(prefixed.some((f) => f.name === 'process_cpu_user_seconds_total')).toBe(false);
    const off = await scrape(await metricsKernel({ defaultMetrics: false }));
    expect(off.some((f) => f.name.startsWith('process_') || f.name.startsWith('nodejs_'))).toBe(false);
    expect(family(off, 'burrow_http_requests_total')).toBeDefined();
  });

  it('binds the labels of a series once, not on every request', async () => {
    const kernel = await metricsKernel({ defaultMetrics: false });
    const counterLabels = vi.spyOn(Counter.prototype, 'labels');
    const histogramLabels = vi.spyOn(Histogram.prototype, 'labels');
    try {
      for (let i = 0; i < 20; i++) await kernel.inject('/hello');
      await kernel.inject('/nope');
      await kernel.inject('/nope');
      expect(counterLabels).toHaveBeenCalledTimes(2);
      expect(histogramLabels).toHaveBeenCalledTimes(2);
    } finally {
      counterLabels.mockRestore();
      histogramLabels.mockRestore();
    }
    expect(value(await scrape(kernel), 'burrow_http_requests_total', { operation: 'hello' })).toBe(20);
  });

  it('serves the app\'s own metrics registered in metricsRegistry(kernel)', async () => {
    const kernel = await metricsKernel({ defaultMetrics: false });
    new Counter({ name: 'app_jobs_total', help: 'Jobs run.', registers: [metricsRegistry(kernel)!] }).inc(3);
    expect(value(await scrape(kernel), 'app_jobs_total')).toBe(3);
  });

  it('answers a Prometheus scraper\'s Accept header', async () => {
    const kernel = await metricsKernel({ defaultMetrics: false });
    const accept = 'application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2';
    const families = await scrape(kernel, { accept });
    expect(family(families, 'burrow_http_requests_total')).toBeDefined();
  });

  it('declares GET /metrics in the contract with the exposition media type', async () => {
    const kernel = await metricsKernel({ path: '/ops/metrics', tag: 'ops' });
    const op = (kernel.document.paths as Record<string, any>)['/ops/metrics'].get;
    expect(op.operationId).toBe('metrics');
    expect(op.tags).toEqual(['ops']);
    expect(op.security).toEqual([]);
    expect(Object.keys(op.responses['200'].content)).toEqual(['text/plain; version=0.0.4']);
    expect(kernel.errors.ownerOf('BURROW_ERR_METRICS_FORBIDDEN')).toBe('plugin metrics');
    expect((await kernel.inject('/ops/metrics')).statusCode).toBe(200);
  });
});

describe('what other plugins report', () => {
  it('counts rate-limit rejections from rateLimit.rejected events, by operation, key and policy', async () => {
    const kernel = await metricsKernel({ defaultMetrics: false });
    const emit = kernel.events.emit as (event: string, payload: unknown) => void;
    emit('rateLimit.rejected', { operationId: 'hello', key: 'ip', policy: '10;w=60' });
    emit('rateLimit.rejected', { operationId: 'hello', key: 'ip', policy: '10;w=60' });
    emit('rateLimit.rejected', { key: 'principal', policy: 'default' });
    await kernel.events.idle();
    const families = await scrape(kernel);
    expect(value(families, 'burrow_rate_limit_rejections_total', { operation: 'hello', key: 'ip', policy: '10;w=60' })).toBe(2);
    expect(value(families, 'burrow_rate_limit_rejections_total', { operation: '(unmatched)', key: 'principal', policy: 'default' })).toBe(1);
  });

  it('counts the kernel\'s response violations', async () => {
    const kernel = await track(
      fixtureKernel({
        plugins: [metrics({ defaultMetrics: false })],
        handlers: { hello: () => ({ status: 200, body: { hello: 42 } }), createItem: () => ({ status: 201 }), listItems: () => ({ status: 200, body: [] }), getItem: () => ({ status: 404 }) },
        responseValidation: { rate: 1, onViolation: 'log' },
      }),
    );
    expect(value(await scrape(kernel), 'burrow_response_violations_total')).toBe(0);
    await kernel.inject('/hello');
    await kernel.inject('/hello');
    expect(value(await scrape(kernel), 'burrow_response_violations_total')).toBe(2);
    await kernel.inject('/hello');
    expect(value(await scrape(kernel), 'burrow_response_violations_total')).toBe(3);
  });

  it('gauges the auth plugin\'s open sessions and the services plugin\'s live instances', async () => {
    const { servicesKernelWith, bearerOf, post } = await import('./services-kernel.js');
    const kernel = await track(servicesKernelWith([metrics({ defaultMetrics: false })]));
    const ada = await bearerOf(kernel, 'ada');
    await bearerOf(kernel, 'bob');
    await post(kernel, '/shared/hit');
    await post(kernel, '/user/hit', ada);
    await kernel.events.idle();
    let families = await scrape(kernel);
    expect(value(families, 'burrow_auth_sessions_open')).toBe(2);
    expect(value(families, 'burrow_service_instances', { service: 'Shared' })).toBe(1);
    expect(value(families, 'burrow_service_instances', { service: 'User' })).toBe(1);
    expect((await kernel.inject({ method: 'POST', url: '/auth/logout', headers: ada })).statusCode).toBe(204);
    await kernel.events.idle();
    families = await scrape(kernel);
    expect(value(families, 'burrow_auth_sessions_open')).toBe(1);
  });

  it('reads the live sessions from the store at each scrape: a session that idled out is gone', async () => {
    const { servicesKernelWith, bearerOf } = await import('./services-kernel.js');
    let clock = Date.now();
    const kernel = await track(servicesKernelWith([metrics({ defaultMetrics: false })], {}, { sessions: memorySessions({ now: () => clock }), sessionTimeout: 60 }));
    await bearerOf(kernel, 'ada');
    expect(value(await scrape(kernel), 'burrow_auth_sessions_open')).toBe(1);
    clock += 61_000;
    expect(value(await scrape(kernel), 'burrow_auth_sessions_open')).toBe(0);
  });

  it('exposes the gauges the app registers after boot as burrow_<name>, keeping the last value of one that fails', async () => {
    const kernel = await metricsKernel({ defaultMetrics: false });
    let depth: number | Error = 4;
    kernel.gauges.add('queue_depth', { help: 'Jobs waiting.', read: async () => { if (depth instanceof Error) throw depth; return depth; } });
    let families = await scrape(kernel);
    expect(value(families, 'burrow_queue_depth')).toBe(4);
    expect(family(families, 'burrow_queue_depth').help).toBe('Jobs waiting.');
    depth = 7;
    expect(value(await scrape(kernel), 'burrow_queue_depth')).toBe(7);
    depth = new Error('queue unreachable');
    families = await scrape(kernel);
    expect(value(families, 'burrow_queue_depth')).toBe(7);
  });
});

describe('metrics of service method calls', () => {
  it('counts calls by service, method and outcome, and observes their durations, REST and JSON-RPC alike', async () => {
    const { servicesKernelWith, post } = await import('./services-kernel.js');
    const kernel = await track(servicesKernelWith([metrics({ defaultMetrics: false, buckets: [0.5, 30] })]));
    expect((await post(kernel, '/calc/divide', {}, { a: 6, b: 3 })).status).toBe(200);
    expect((await post(kernel, '/calc/divide', {}, { a: 6, b: 0 })).status).toBe(400);
    expect((await post(kernel, '/calc/divide', {}, { a: 6 })).status).toBe(400); // refused before the method: not a call
    expect((await post(kernel, '/rpc', {}, { jsonrpc: '2.0', method: 'Calc.divide', params: { a: 1, b: 1 }, id: 1 })).body.result).toEqual({ result: 1 });
    const batch = await post(kernel, '/rpc', {}, [
      { jsonrpc: '2.0', method: 'Calc.divide', params: { a: 1, b: 2 }, id: 2 },
      { jsonrpc: '2.0', method: 'Calc.divide', params: { a: 1, b: 0 }, id: 3 },
      { jsonrpc: '2.0', method: 'Shared.hit', id: 4 },
    ]);
    expect(batch.body).toHaveLength(3);
    await kernel.events.idle();

    const res = await kernel.inject('/metrics');
    const families = parse(res.body);
    expect(family(families, 'burrow_service_calls_total').type).toBe('COUNTER');
    expect(value(families, 'burrow_service_calls_total', { service: 'Calc', method: 'divide', outcome: 'ok' })).toBe(3);
    expect(value(families, 'burrow_service_calls_total', { service: 'Calc', method: 'divide', outcome: 'error' })).toBe(2);
    expect(value(families, 'burrow_service_calls_total', { service: 'Shared', method: 'hit', outcome: 'ok' })).toBe(1);
    expect(sample(families, 'burrow_service_calls_total', { service: 'Shared', method: 'hit', outcome: 'error' })).toBeUndefined();

    expect(family(families, 'burrow_service_call_duration_seconds').type).toBe('HISTOGRAM');
    const divide = histogramSeries(res.body, 'burrow_service_call_duration_seconds', { service: 'Calc', method: 'divide' });
    expect(Object.keys(divide.buckets).sort()).toEqual(['+Inf', '0.5', '30']);
    expect(Number(divide.count)).toBe(5);
    expect(Number(divide.buckets['+Inf'])).toBe(5);
    expect(Number(divide.sum)).toBeGreaterThanOrEqual(0);
    expect(Number(histogramSeries(res.body, 'burrow_service_call_duration_seconds', { service: 'Shared', method: 'hit' }).count)).toBe(1);
  });
});

describe('metrics protection', () => {
  const passwords = createPasswords({ N: 2 ** 10 });
  const SECURED = {
    openapi: '3.1.0',
    info: { title: 'secured', version: '1' },
    components: { securitySchemes: { basicAuth: { type: 'http', scheme: 'basic' } } },
    paths: {},
  };
  async function securedKernel(options: Parameters<typeof metrics>[0]) {
    const hash = await passwords.hash('pass');
    return track(
      createKernel({
        contract: SECURED as never,
        logger: { level: 'silent' },
        plugins: [
          auth({
            schemes: { basicAuth: basic() },
            users: memoryUsers([
              { id: 'u1', name: 'ops', passwordHash: hash, groups: ['ops'] },
              { id: 'u2', name: 'dev', passwordHash: hash, groups: ['dev'] },
            ]),
            password: { N: 2 ** 10 },
            admin: false,
          }),
          metrics(options),
        ],
      }),
    );
  }
  const basicOf = (name: string) => ({ authorization: `Basic ${Buffer.from(`${name}:pass`).toString('base64')}` });

  it.each(ADAPTERS)('over %s, answers loopback and refuses another address with 403 BURROW_ERR_METRICS_FORBIDDEN', async (adapter) => {
    const kernel = await metricsKernel({ defaultMetrics: false }, { trustProxy: 'loopback' });
    const http = agent(kernel, adapter);
    await http.get('/metrics').expect(200);
    const res = await http.get('/metrics').set('x-forwarded-for', '203.0.113.7').expect(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('BURROW_ERR_METRICS_FORBIDDEN');
    expect(res.body.detail).toBe('the metrics are served to loopback and allowed addresses only, not to 203.0.113.7');
    expect(res.text).not.toContain('burrow_http_requests_total');
  });

  it('answers the addresses and ranges of allow', async () => {
    const kernel = await metricsKernel({ defaultMetrics: false, allow: ['203.0.113.0/24', '2001:db8::1'] }, { trustProxy: 'loopback' });
    for (const [address, status] of [
      ['203.0.113.7', 200],
      ['2001:db8::1', 200],
      ['198.51.100.1', 403],
    ] as const) {
      expect((await kernel.inject({ url: '/metrics', headers: { 'x-forwarded-for': address } })).statusCode, address).toBe(status);
    }
  });

  it('does not believe X-Forwarded-For without trustProxy', async () => {
    const kernel = await metricsKernel({ defaultMetrics: false });
    expect((await kernel.inject({ url: '/metrics', headers: { 'x-forwarded-for': '203.0.113.7' } })).statusCode).toBe(200);
  });

  it('with security, asks for credentials from any address', async () => {
    const kernel = await securedKernel({ defaultMetrics: false, security: [{ basicAuth: [] }] });
    expect((kernel.document.paths as Record<string, any>)['/metrics'].get.security).toEqual([{ basicAuth: [] }]);
    expect((await kernel.inject('/metrics')).statusCode).toBe(401);
    expect((await kernel.inject({ url: '/metrics', headers: basicOf('dev') })).statusCode).toBe(200);
  });

  it('with security and groups, serves only the callers of those groups', async () => {
    const kernel = await securedKernel({ defaultMetrics: false, security: [{ basicAuth: [] }], groups: ['ops'] });
    expect((await kernel.inject({ url: '/metrics', headers: basicOf('ops') })).statusCode).toBe(200);
    const refused = await kernel.inject({ url: '/metrics', headers: basicOf('dev') });
    expect([refused.statusCode, refused.json().code]).toEqual([403, 'BURROW_ERR_AUTH_FORBIDDEN']);
  });

  it('with security and allow, needs both', async () => {
    const kernel = await securedKernel({ defaultMetrics: false, security: [{ basicAuth: [] }], allow: ['10.0.0.0/8'] });
    expect((await kernel.inject({ url: '/metrics', headers: basicOf('dev') })).statusCode).toBe(200);
    const other = await kernel.inject({ url: '/metrics', headers: basicOf('dev'), remoteAddress: '192.0.2.1' });
    expect([other.statusCode, other.json().code]).toEqual([403, 'BURROW_ERR_METRICS_FORBIDDEN']);
  });

  it('refuses groups without security at boot', async () => {
    const error = await createKernel({ contract: SECURED as never, logger: { level: 'silent' }, plugins: [metrics({ groups: ['ops'] })] }).catch((e) => e);
    expect(error.code).toBe('BURROW_ERR_BOOT_PLUGIN_OPTIONS');
    expect(error.detail).toContain('groups needs security');
  });
});
