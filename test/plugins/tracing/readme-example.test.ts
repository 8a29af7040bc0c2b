import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, expect, it } from 'vitest';
import { createKernel } from '../../../core/index.js';
import { tracing } from '../../../plugins/tracing/index.js';

afterEach(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

// The example of plugins/tracing/README.md, with its logged values asserted.
it('runs the README example', async () => {
  const exporter = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());

  const kernel = await createKernel({
    contract: {
      openapi: '3.1.0',
      info: { title: 'Hello', version: '1.0.0' },
      paths: { '/hello': { get: { operationId: 'sayHello', responses: { '200': { description: 'hi', content: { 'application/json': { schema: { type: 'object' } } } } } } } },
    },
    handlers: {
      sayHello: () => {
        trace.getTracer('app').startSpan('compose greeting').end();
        return { status: 200, body: { hello: 'world' } };
      },
    },
    logger: { level: 'silent' },
    plugins: [tracing()],
  });

  await kernel.inject({ url: '/hello', headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
  const spans = exporter.getFinishedSpans().map((s) => [s.name, s.spanContext().traceId, s.parentSpanContext?.spanId]);
  const request = exporter.getFinishedSpans().find((s) => s.name === 'sayHello')!;
  expect(spans).toEqual([
    ['compose greeting', '4bf92f3577b34da6a3ce929d0e0e4736', request.spanContext().spanId],
    ['sayHello', '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7'],
  ]);
  await kernel.close();
});
