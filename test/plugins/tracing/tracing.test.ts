import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createKernel, defineErrors, type Kernel, type RequestContext } from 'burrowjs';
import { allow, deny } from 'burrowjs';
import { defineService, services } from 'burrowjs/plugins/services';
import { tracing } from 'burrowjs/plugins/tracing';
import { parseTracingOptions } from '../../../plugins/tracing/options.js';
import { ADAPTERS, agent, memoryLogger } from '../../helpers.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;

/** A real SDK in memory: provider, context manager and the W3C propagator, as an app's NodeSDK registers them. */
function installSdk() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const manager = new AsyncLocalStorageContextManager().enable();
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(manager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return exporter;
}

afterEach(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

const calcErrors = defineErrors({
  CALC_ERR_DIVISION_BY_ZERO: { status: 400, title: 'Division by zero', detail: 'cannot divide {a} by zero' },
});

const json = (schema: unknown) => ({ 'application/json': { schema } });
const CONTRACT = {
  openapi: '3.1.0',
  info: { title: 'traced', version: '1' },
  components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'x-key' } } },
  paths: {
    '/items/{id}': {
      get: {
        operationId: 'getItem',
        security: [{ key: [] }, {}],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: { '200': { description: 'ok', content: json({ type: 'object' }) } },
      },
    },
    '/boom': { get: { operationId: 'boom', responses: { '200': { description: 'never' } } } },
    '/calc/divide': {
      post: {
        operationId: 'calcDivide',
        'x-burrow-service': { service: 'Calc', method: 'divide' },
        security: [],
        requestBody: { required: true, content: json({ type: 'object', required: ['a', 'b'], properties: { a: { type: 'number' }, b: { type: 'number' } } }) },
        responses: { '200': { description: 'quotient', content: json({ type: 'object', properties: { result: { type: 'number' } } }) } },
      },
    },
  },
};

async function boot(logger?: ReturnType<typeof memoryLogger>['logger']): Promise<Kernel> {
  const calc = defineService('Calc', {
    lifetime: 'shared',
    create: () => ({
      divide: async ({ a, b }: { a: number; b: number }) => {
        // A span the app starts inside the method: the child of the service call span.
        trace.getTracer('app').startSpan('app.work').end();
        if (b === 0) throw calcErrors.create('CALC_ERR_DIVISION_BY_ZERO', { a });
        return { result: a / b };
      },
    }),
  });
  return createKernel({
    contract: CONTRACT,
    logger: logger ?? { level: 'silent' },
    security: { key: (ctx) => ctx.headers['x-key'] === 'k1' ? allow({ id: 'u1' }) : deny('no key') },
    handlers: {
      getItem: (ctx: RequestContext) => {
        trace.getTracer('app').startSpan('app.handler').end();
        return { status: 200, body: { id: ctx.params.id } };
      },
      boom: () => {
        throw new Error('kaput');
      },
    },
    plugins: [services({ services: [calc], errors: [calcErrors] }), tracing()],
  });
}

const byName = (spans: ReadableSpan[], name: string) => spans.find((s) => s.name === name);

describe('options', () => {
  it('defaults, and every problem in one message', () => {
    expect(parseTracingOptions(undefined)).toEqual({ tracerName: 'burrowjs', logFields: true });
    expect(() => parseTracingOptions({ tracerName: '', logFields: 'yes', nope: 1 })).toThrow(/nope[\s\S]*tracerName[\s\S]*logFields/);
  });
});

describe.each(ADAPTERS)('tracing (%s)', (adapter) => {
  it('one SERVER span per request, named by operationId, with the HTTP attributes, child of the incoming traceparent', async () => {
    const exporter = installSdk();
    const kernel = await boot();
    const res = await agent(kernel, adapter).get('/items/7').set('traceparent', TRACEPARENT).set('tracestate', 'vendor=abc').set('x-key', 'k1').set('x-request-id', 'req-1').set('user-agent', 'probe/1');
    expect(res.status).toBe(200);
    const spans = exporter.getFinishedSpans();
    const server = byName(spans, 'getItem')!;
    expect(server).toBeDefined();
    expect(server.kind).toBe(1); // SpanKind.SERVER
    expect(server.spanContext().traceId).toBe(TRACE_ID);
    expect(server.parentSpanContext?.spanId).toBe(PARENT_ID);
    expect(server.spanContext().traceState?.get('vendor')).toBe('abc');
    expect(server.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/items/7',
      'http.route': '/items/{id}',
      'http.response.status_code': 200,
      'burrow.operation_id': 'getItem',
      'burrow.request_id': 'req-1',
      'enduser.id': 'u1',
      'user_agent.original': 'probe/1',
    });
    expect(typeof server.attributes['client.address']).toBe('string');
    expect(server.status.code).toBe(0); // UNSET
    // The handler's own span is the child of the request span.
    const app = byName(spans, 'app.handler')!;
    expect(app.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    await kernel.close();
  });

  it('a new trace without traceparent; unmatched paths get a bounded name', async () => {
    const exporter = installSdk();
    const kernel = await boot();
    expect((await agent(kernel, adapter).get('/nowhere/abc')).status).toBe(404);
    const [span] = exporter.getFinishedSpans();
    expect(span!.name).toBe('HTTP GET');
    expect(span!.parentSpanContext).toBeUndefined();
    expect(span!.attributes['http.route']).toBeUndefined();
    expect(span!.attributes['http.response.status_code']).toBe(404);
    expect(span!.status.code).toBe(0);
    await kernel.close();
  });

  it('status ERROR with the problem code on 5xx', async () => {
    const exporter = installSdk();
    const kernel = await boot();
    expect((await agent(kernel, adapter).get('/boom')).status).toBe(500);
    const span = byName(exporter.getFinishedSpans(), 'boom')!;
    expect(span.status).toEqual({ code: 2, message: 'BURROW_ERR_SERVER_INTERNAL' });
    expect(span.attributes['error.type']).toBe('BURROW_ERR_SERVER_INTERNAL');
    expect(span.attributes['http.response.status_code']).toBe(500);
    await kernel.close();
  });

  it('a service call span, child of the request span (REST), the app span its child, exceptions recorded', async () => {
    const exporter = installSdk();
    const kernel = await boot();
    expect((await agent(kernel, adapter).post('/calc/divide').send({ a: 6, b: 3 })).body).toEqual({ result: 2 });
    let spans = exporter.getFinishedSpans();
    const server = byName(spans, 'calcDivide')!;
    const call = byName(spans, 'Calc.divide')!;
    expect(call.kind).toBe(0); // INTERNAL
    expect(call.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(call.spanContext().traceId).toBe(server.spanContext().traceId);
    expect(call.attributes).toMatchObject({ 'burrow.service': 'Calc', 'burrow.service.method': 'divide', 'burrow.service.lifetime': 'shared' });
    expect(byName(spans, 'app.work')!.parentSpanContext?.spanId).toBe(call.spanContext().spanId);

    exporter.reset();
    expect((await agent(kernel, adapter).post('/calc/divide').send({ a: 6, b: 0 })).status).toBe(400);
    spans = exporter.getFinishedSpans();
    const failed = byName(spans, 'Calc.divide')!;
    expect(failed.status).toEqual({ code: 2, message: 'CALC_ERR_DIVISION_BY_ZERO' });
    expect(failed.events.map((e) => e.name)).toEqual(['exception']);
    // 4xx leaves the server span's status unset (HTTP semantic conventions).
    expect(byName(spans, 'calcDivide')!.status.code).toBe(0);
    await kernel.close();
  });

  it('a span per JSON-RPC call, each a child of the request span', async () => {
    const exporter = installSdk();
    const kernel = await boot();
    const res = await agent(kernel, adapter)
      .post('/rpc')
      .set('traceparent', TRACEPARENT)
      .send([
        { jsonrpc: '2.0', method: 'Calc.divide', params: { a: 1, b: 2 }, id: 1 },
        { jsonrpc: '2.0', method: 'Calc.divide', params: { a: 9, b: 3 }, id: 2 },
      ]);
    expect(res.body.map((r: { result: unknown }) => r.result)).toEqual([{ result: 0.5 }, { result: 3 }]);
    const spans = exporter.getFinishedSpans();
    const server = spans.find((s) => s.kind === 1)!;
    expect(server.parentSpanContext?.spanId).toBe(PARENT_ID);
    const calls = spans.filter((s) => s.name === 'Calc.divide');
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
      expect(call.spanContext().traceId).toBe(TRACE_ID);
    }
    await kernel.close();
  });

  it('the trace id and span id on every log line of the request, the access line too', async () => {
    const exporter = installSdk();
    const { logger, lines } = memoryLogger();
    const kernel = await boot(logger);
    await agent(kernel, adapter).get('/boom').set('traceparent', TRACEPARENT);
    const span = byName(exporter.getFinishedSpans(), 'boom')!;
    const mine = lines.filter((l) => l.requestId !== undefined);
    expect(mine.map((l) => l.message)).toEqual(expect.arrayContaining(['unhandled error', 'request']));
    for (const line of mine) expect([line.traceId, line.spanId]).toEqual([TRACE_ID, span.spanContext().spanId]);
    await kernel.close();
  });

  it('with no SDK registered: requests and service calls work, no field is added', async () => {
    const { logger, lines } = memoryLogger();
    const kernel = await boot(logger);
    const client = agent(kernel, adapter);
    expect((await client.get('/items/7').set('traceparent', TRACEPARENT)).status).toBe(200);
    expect((await client.post('/calc/divide').send({ a: 6, b: 3 })).body).toEqual({ result: 2 });
    expect((await client.post('/rpc').send({ jsonrpc: '2.0', method: 'Calc.divide', params: { a: 1, b: 0 }, id: 1 })).body.error.code).toBe(-32000);
    expect((await client.get('/boom')).status).toBe(500);
    const mine = lines.filter((l) => l.requestId !== undefined);
    expect(mine.length).toBeGreaterThan(0);
    for (const line of mine) expect(line).not.toHaveProperty('traceId');
    await kernel.close();
  });
});
