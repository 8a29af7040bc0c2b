/**
 * A kernel serving the JSON-RPC endpoint over a Dispatcher of plain functions (not the
 * services plugin): what the endpoint does is tested on its own, with a dispatcher whose
 * behaviour the test controls. The REST routes of the same operations go through it too.
 */
import { randomUUID } from 'node:crypto';
import { allow, createKernel, defineErrors, definePlugin, deny, type Kernel, type Logger, type RequestContext } from 'burrowjs';
import type { Dispatcher, Lifetime, ServiceMethodEntry } from '../../../plugins/services/internal/dispatch.js';
import { registerJsonRpc } from '../../../plugins/services/internal/json-rpc.js';

/** A method of the harness: what `Service.method` runs. */
export type HarnessFn = (input: any, call: { ctx: RequestContext; state?: { rows: string[] } }) => unknown;

export const harnessErrors = defineErrors({
  CALC_ERR_DIVISION_BY_ZERO: { status: 422, title: 'Division by zero', detail: 'cannot divide {a} by zero' },
  HARNESS_ERR_INSTANCE_NOT_FOUND: { status: 404, title: 'No such instance', detail: 'instance {instanceId} of {service} is not live' },
});

const number = { type: 'number' };
const json = (schema: unknown) => ({ 'application/json': { schema } });
const body = (schema: unknown) => ({ required: true, content: json(schema) });
const ok = (schema: unknown) => ({ '200': { description: 'ok', content: json(schema) } });
const object = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({ type: 'object', required, properties, additionalProperties: false });

interface MethodSpec {
  service: string;
  method: string;
  lifetime?: Lifetime;
  requestBody?: unknown;
  responses: unknown;
  security?: unknown[];
  fn: HarnessFn;
}

/** Every call the methods received, in order (notifications run too). */
export const received: { method: string; input: unknown; principal: unknown }[] = [];

const record = (method: string, fn: HarnessFn): HarnessFn => (input, call) => {
  received.push({ method, input, principal: call.ctx.principal });
  return fn(input, call);
};

/** The methods: the specification's examples (`subtract`, `sum`, `notify_hello`, `get_data`), and a few of Burrow's own. */
export const METHODS: MethodSpec[] = [
  { service: 'Calc', method: 'subtract', requestBody: body(object({ minuend: number, subtrahend: number })), responses: ok(number), fn: ({ minuend, subtrahend }) => minuend - subtrahend },
  { service: 'Calc', method: 'sum', requestBody: body(object({ values: { type: 'array', items: number } })), responses: ok(number), fn: ({ values }) => values.reduce((a: number, b: number) => a + b, 0) },
  { service: 'Calc', method: 'notifyHello', requestBody: body(object({ value: number })), responses: { '204': { description: 'done' } }, fn: () => undefined },
  { service: 'Calc', method: 'getData', responses: ok({ type: 'array' }), fn: () => ['hello', 5] },
  { service: 'Calc', method: 'scale', requestBody: body(object({ value: number, factor: { type: 'integer', default: 2 } }, ['value'])), responses: ok(number), fn: ({ value, factor }) => value * factor },
  {
    service: 'Calc',
    method: 'divide',
    requestBody: body(object({ a: number, b: number })),
    responses: ok(object({ result: number })),
    fn: ({ a, b }) => {
      if (b === 0) throw harnessErrors.create('CALC_ERR_DIVISION_BY_ZERO', { a });
      return { result: a / b };
    },
  },
  {
    service: 'Calc',
    method: 'crash',
    responses: ok(number),
    fn: () => {
      throw new Error('connection to postgres://admin:hunter2@db failed');
    },
  },
  { service: 'Vault', method: 'whoami', security: [{ token: [] }], responses: ok(object({ id: { type: 'string' } })), fn: (_input, { ctx }) => ({ id: (ctx.principal as { id: string }).id }) },
  { service: 'Vault', method: 'open', responses: ok(object({ principal: { type: ['string', 'null'] } })), fn: (_input, { ctx }) => ({ principal: (ctx.principal as { id?: string } | undefined)?.id ?? null }) },
  // Credentials optional: an instance belongs to the principal that made it, or to anonymous callers.
  { service: 'Import', method: 'add', lifetime: 'clientDriven', security: [{ token: [] }, {}], requestBody: body(object({ row: { type: 'string' } })), responses: ok(object({ count: { type: 'integer' } })), fn: ({ row }, { state }) => ({ count: state!.rows.push(row) }) },
  { service: 'Import', method: 'count', lifetime: 'clientDriven', security: [{ token: [] }, {}], responses: ok(object({ count: { type: 'integer' } })), fn: (_input, { state }) => ({ count: state!.rows.length }) },
];

const operationId = (m: MethodSpec) => `${m.service.toLowerCase()}${m.method[0]!.toUpperCase()}${m.method.slice(1)}`;

function contract() {
  const paths: Record<string, unknown> = {};
  for (const m of METHODS) {
    paths[`/${m.service.toLowerCase()}/${m.method}`] = {
      post: { operationId: operationId(m), ...(m.requestBody ? { requestBody: m.requestBody } : {}), ...(m.security ? { security: m.security } : {}), responses: m.responses },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'json-rpc harness', version: '1' },
    paths,
    components: { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } },
  };
}

/** A Dispatcher over {@link METHODS}; clientDriven instances are kept per principal id (anonymous: ''). */
export function harnessDispatcher(): Dispatcher {
  const entries = new Map<string, ServiceMethodEntry>();
  const fns = new Map<string, HarnessFn>();
  for (const m of METHODS) {
    const key = `${m.service}.${m.method}`;
    const success = Object.keys(m.responses as object)[0]!;
    entries.set(key, { service: m.service, method: m.method, operationId: operationId(m), lifetime: m.lifetime ?? 'perCall', hasInput: m.requestBody !== undefined, successStatus: Number(success) });
    fns.set(key, record(key, m.fn));
  }
  const instances = new Map<string, { service: string; owner: string; rows: string[] }>();
  const owner = (ctx: RequestContext) => (ctx.principal as { id?: string } | undefined)?.id ?? '';
  const find = (ctx: RequestContext, service: string, instanceId: string) => {
    const instance = instances.get(instanceId);
    if (!instance || instance.service !== service || instance.owner !== owner(ctx)) throw harnessErrors.create('HARNESS_ERR_INSTANCE_NOT_FOUND', { instanceId, service });
    return instance;
  };
  return {
    methods: entries,
    async invoke(ctx, entry, input, options) {
      const fn = fns.get(`${entry.service}.${entry.method}`)!;
      if (entry.lifetime !== 'clientDriven') return { result: await fn(input, { ctx }) };
      let instanceId = options?.instanceId;
      if (instanceId === undefined) instances.set((instanceId = randomUUID()), { service: entry.service, owner: owner(ctx), rows: [] });
      const state = find(ctx, entry.service, instanceId);
      return { result: await fn(input, { ctx, state }), instanceId };
    },
    async release(ctx, service, instanceId) {
      find(ctx, service, instanceId);
      instances.delete(instanceId);
    },
  };
}

/** The harness plugin: the dispatcher, the REST handlers of its methods, the endpoint at `/rpc`. */
const harness = definePlugin<{ maxBatch?: number }, { maxBatch?: number }>({
  name: 'json-rpc-harness',
  options: (input) => ({ ...input }),
  setup(kernel, options) {
    const dispatcher = harnessDispatcher();
    kernel.errors.addFamily(harnessErrors);
    kernel.security.add('token', (ctx) => (ctx.headers.authorization === 'Bearer good' ? allow({ id: 'u1' }) : deny('missing or invalid token', 'missing')));
    for (const entry of dispatcher.methods.values()) {
      kernel.handlers.add(entry.operationId, async (ctx) => {
        const { result } = await dispatcher.invoke(ctx, entry, ctx.body);
        return { status: entry.successStatus, body: result };
      });
    }
    registerJsonRpc(kernel, () => dispatcher, { path: '/rpc', maxBatch: options.maxBatch });
  },
});

/** Boots a kernel over the harness. */
export function harnessKernel(options: { maxBatch?: number; bodyLimit?: number; logger?: Logger } = {}): Promise<Kernel> {
  const { maxBatch, logger = { level: 'silent' as const }, ...rest } = options;
  return createKernel({ contract: contract() as never, plugins: [harness({ maxBatch })], logger, ...rest });
}
