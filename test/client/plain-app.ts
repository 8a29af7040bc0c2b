/**
 * A server for the client tests that needs no services plugin: plain operations shaped
 * like service methods (a JSON body in, a JSON body or 204 out), one that keeps
 * instances the way a clientDriven service does (`X-Burrow-Instance`), their release
 * route, and a 503 in plain text. Served over real HTTP by the kernel.
 */
import { createKernel, defineErrors, type Kernel, type OpenApiDocument, type RequestContext } from 'burrowjs';
import type { ServiceMap } from 'burrowjs/client';

const json = (schema: unknown) => ({ 'application/json': { schema } });
const problem = { 'application/problem+json': { schema: { type: 'object', additionalProperties: true } } };
const operands = { type: 'object', required: ['a', 'b'], additionalProperties: false, properties: { a: { type: 'number' }, b: { type: 'number' } } };
const result = { type: 'object', required: ['result'], properties: { result: { type: 'number' } } };
const post = (operationId: string, extra: object = {}) => ({
  post: {
    operationId,
    requestBody: { required: true, content: json(operands) },
    responses: { '200': { description: 'result', content: json(result) }, '4XX': { description: 'problem', content: problem } },
    ...extra,
  },
});
const instanceHeader = { name: 'X-Burrow-Instance', in: 'header', required: false, schema: { type: 'string' } };

/** The contract: a calculator, a counter with instances, a 204, a plain-text failure. */
export function plainContract(): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: { title: 'Client fixture', version: '1.0.0' },
    paths: {
      '/calculator/add': post('calculatorAdd'),
      '/calculator/divide': post('calculatorDivide'),
      '/calculator/reset': {
        post: { operationId: 'calculatorReset', responses: { '204': { description: 'done' } } },
      },
      '/calculator/broken': {
        post: { operationId: 'calculatorBroken', responses: { '200': { description: 'never' }, '503': { description: 'down', content: { 'text/plain': { schema: { type: 'string' } } } } } },
      },
      '/counter/add': {
        post: {
          operationId: 'counterAdd',
          parameters: [instanceHeader],
          requestBody: { required: true, content: json({ type: 'object', required: ['n'], properties: { n: { type: 'integer' } } }) },
          responses: { '200': { description: 'total', content: json({ type: 'object', properties: { total: { type: 'integer' } } }) }, '404': { description: 'gone', content: problem } },
        },
      },
      '/services/Counter/instances/{instanceId}': {
        delete: {
          operationId: 'counterRelease',
          parameters: [{ name: 'instanceId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '204': { description: 'released' }, '404': { description: 'gone', content: problem } },
        },
      },
    },
  } as OpenApiDocument;
}

/** The service map a generated `services.ts` would hold for {@link plainContract}. */
export const plainServices = {
  Calculator: {
    methods: {
      add: { method: 'post', path: '/calculator/add' },
      divide: { method: 'post', path: '/calculator/divide' },
      reset: { method: 'post', path: '/calculator/reset' },
      broken: { method: 'post', path: '/calculator/broken' },
    },
  },
  Counter: { methods: { add: { method: 'post', path: '/counter/add' } }, instances: '/services/Counter/instances' },
} satisfies ServiceMap;

/** The errors the calculator throws. */
export const calcErrors = defineErrors({
  CALC_ERR_DIVISION_BY_ZERO: { status: 422, title: 'Division by zero', detail: 'cannot divide {a} by zero' },
});

const instanceNotFound = defineErrors({
  TEST_ERR_INSTANCE_NOT_FOUND: { status: 404, title: 'No such instance', detail: 'no live instance has this id' },
});

/** What a test gets: the URL, the live counters (by instance id), the headers seen, and how to stop. */
export interface PlainServer {
  kernel: Kernel;
  url: string;
  counters: Map<string, number>;
  /** The `X-Burrow-Instance` each counter call carried (undefined when none). */
  sent: (string | undefined)[];
  close(): Promise<void>;
}

/** Starts {@link plainContract} on a free port. */
export async function startPlainServer(): Promise<PlainServer> {
  const counters = new Map<string, number>();
  const sent: (string | undefined)[] = [];
  let next = 0;
  const body = (ctx: RequestContext) => ctx.body as { a: number; b: number };
  const kernel = await createKernel({
    contract: plainContract(),
    logger: { level: 'error' },
    errors: [calcErrors, instanceNotFound],
    handlers: {
      calculatorAdd: (ctx: RequestContext) => ({ status: 200, body: { result: body(ctx).a + body(ctx).b } }),
      calculatorDivide: (ctx: RequestContext) => {
        const { a, b } = body(ctx);
        if (b === 0) throw calcErrors.create('CALC_ERR_DIVISION_BY_ZERO', { a: String(a) });
        return { status: 200, body: { result: a / b } };
      },
      calculatorReset: () => ({ status: 204 }),
      calculatorBroken: () => ({ status: 503, body: 'maintenance until noon', headers: { 'content-type': 'text/plain' } }),
      counterAdd: async (ctx: RequestContext) => {
        const given = ctx.headers['x-burrow-instance'] as string | undefined;
        sent.push(given);
        if (given !== undefined && !counters.has(given)) throw instanceNotFound.create('TEST_ERR_INSTANCE_NOT_FOUND');
        // A pause before a new instance exists, so concurrent first calls overlap.
        if (given === undefined) await new Promise((resolve) => setImmediate(resolve));
        const id = given ?? `i${++next}`;
        const total = (counters.get(id) ?? 0) + (ctx.body as { n: number }).n;
        counters.set(id, total);
        return { status: 200, body: { total }, headers: { 'X-Burrow-Instance': id } };
      },
      counterRelease: (ctx: RequestContext) => {
        if (!counters.delete(String(ctx.params.instanceId))) throw instanceNotFound.create('TEST_ERR_INSTANCE_NOT_FOUND');
        return { status: 204 };
      },
    } as never,
  });
  const { url } = await kernel.listen({ port: 0 });
  return { kernel, url, counters, sent, close: () => kernel.close() };
}
