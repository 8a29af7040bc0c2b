/**
 * The services plugin's performance targets (issue 10, "Performance"): the same work —
 * add two numbers, the body `{ a, b }` validated, the answer `{ result }` — served by one
 * Burrow process four ways, measured in the same run:
 *
 *   rest/plain ≥ 0.90        (req/s of a service method on its REST route ÷ a plain handler on a validated route)
 *   jsonrpc/plain ≥ 0.85     (req/s of the same method as one JSON-RPC call on POST /rpc ÷ the plain handler)
 *   batch100/separate ≥ 10   (wall time of 100 sequential REST calls ÷ one JSON-RPC batch of the 100 calls)
 *
 *   node --conditions=burrowjs-source --import tsx bench/services.ts [--quick]
 *
 * The server (this file with `--serve`, NODE_ENV=production, through Express as `npm start`)
 * is pinned to core 0, the load generator (this process: raw keep-alive sockets, a closed
 * loop per connection) to core 1. Throughput ratios are medians over rounds (the variants
 * rotate); the CPU line gives the server's CPU-µs per request (per call for the batch).
 * The batch figure is measured on one keep-alive connection: 100 requests one after
 * another (each waits for its answer, as a client calling a proxy in a loop does) against
 * one request carrying the 100 calls, alternating, median of the repetitions. The
 * throughput of batches under load (calls/s ÷ REST req/s) is printed beside it.
 *
 * Options: --quick (1 round, 1 s windows, 30 batch repetitions) · --rounds N (3) ·
 * --duration S (3) · --warmup S (1, before each window) · --connections N (32) ·
 * --batch-reps N (200) · --adapter express|node (express, as `npm start` serves)
 */
import { fileURLToPath } from 'node:url';
import { flag, median, option } from './lib/args.js';
import type { BenchServer } from './lib/server.js';
import { closedLoop, connection, startPinnedServer } from './lib/raw-http.js';
import { exitOnSignal, ready } from './lib/server-common.js';

const QUICK = flag('quick');
const ROUNDS = Number(option('rounds') ?? (QUICK ? 1 : 3));
const DURATION = Number(option('duration') ?? (QUICK ? 1 : 3));
const WARMUP = Number(option('warmup') ?? 1);
const CONNECTIONS = Number(option('connections') ?? 32);
const BATCH_REPS = Number(option('batch-reps') ?? (QUICK ? 30 : 200));
const ADAPTER = option('adapter') === 'node' ? 'node' : 'express';
const BATCH = 100;
const VARIANTS = ['plain', 'rest', 'jsonrpc', 'batch'] as const;
type Variant = (typeof VARIANTS)[number];

/** The server: `POST /plain/add` (a handler), `POST /calculator/add` (the service method) and the plugin's `POST /rpc`. */
async function serve(): Promise<void> {
  const { createKernel } = await import('../core/index.js');
  const { listen } = await import('../core/http/express.js');
  const { services, defineService } = await import('../plugins/services/index.js');
  const add = (operationId: string, extra: Record<string, unknown> = {}) => ({
    post: {
      operationId,
      ...extra,
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Operands' } } } },
      responses: { '200': { description: 'the sum', content: { 'application/json': { schema: { $ref: '#/components/schemas/Result' } } } } },
    },
  });
  interface Operands {
    a: number;
    b: number;
  }
  const calculator = defineService<{ add(input: Operands): { result: number } }>('Calculator', {
    lifetime: 'shared',
    create: () => ({ add: ({ a, b }) => ({ result: a + b }) }),
  });
  const kernel = await createKernel({
    contract: {
      openapi: '3.1.0',
      info: { title: 'services bench', version: '1' },
      security: [],
      paths: { '/plain/add': add('plainAdd'), '/calculator/add': add('calculatorAdd', { 'x-burrow-service': { service: 'Calculator', method: 'add' } }) },
      components: {
        schemas: {
          Operands: { type: 'object', additionalProperties: false, required: ['a', 'b'], properties: { a: { type: 'number' }, b: { type: 'number' } } },
          Result: { type: 'object', additionalProperties: false, required: ['result'], properties: { result: { type: 'number' } } },
        },
      },
    },
    logger: { level: 'error' },
    handlers: { plainAdd: (ctx: { body: Operands }) => ({ status: 200, body: { result: ctx.body.a + ctx.body.b } }) } as never,
    plugins: [services({ services: [calculator] })],
  });
  const { server } = ADAPTER === 'node' ? await kernel.listen({ port: 0 }) : await listen(kernel, { port: 0 });
  exitOnSignal();
  ready(server);
}

const OPERANDS = { a: 10, b: 5 };
const call = (id: number) => ({ jsonrpc: '2.0', method: 'Calculator.add', params: OPERANDS, id });

/** One POST as bytes (keep-alive, a JSON body). */
function post(path: string, body: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(body));
  const head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), json]);
}

const REQUESTS: Record<Variant, Buffer> = {
  plain: post('/plain/add', OPERANDS),
  rest: post('/calculator/add', OPERANDS),
  jsonrpc: post('/rpc', call(1)),
  batch: post('/rpc', Array.from({ length: BATCH }, (_, i) => call(i + 1))),
};
/** Calls per request of each variant. */
const CALLS: Record<Variant, number> = { plain: 1, rest: 1, jsonrpc: 1, batch: BATCH };

async function main(): Promise<void> {
  const { server, pinned: canPin } = await startPinnedServer(fileURLToPath(import.meta.url), 'services-burrow', ['--adapter', ADAPTER]);
  try {
    await check(server.port);
    // JIT first: every variant's path compiled before any window counts.
    for (const variant of VARIANTS) await load(server, REQUESTS[variant], WARMUP);
    const results: Record<Variant, { rps: number; cpuUs: number }[]> = { plain: [], rest: [], jsonrpc: [], batch: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
      for (const variant of order) {
        await load(server, REQUESTS[variant], WARMUP);
        const measured = await load(server, REQUESTS[variant], DURATION);
        if (measured.errors) throw new Error(`${variant}: ${measured.errors} requests were not answered 200`);
        const calls = { rps: measured.rps * CALLS[variant], cpuUs: measured.cpuUs / CALLS[variant] };
        results[variant].push(calls);
        console.log(`round ${round + 1} ${variant.padEnd(7)} ${Math.round(calls.rps).toString().padStart(7)} calls/s  ${calls.cpuUs.toFixed(1)} CPU-µs/call`);
      }
    }
    const wall = await batchWallTime(server.port);
    const rps = (v: Variant) => median(results[v].map((r) => r.rps));
    const cpu = (v: Variant) => median(results[v].map((r) => r.cpuUs));
    console.log(`batch wall time: ${BATCH} sequential REST calls ${wall.separateMs.toFixed(2)} ms, one batch of ${BATCH} ${wall.batchMs.toFixed(2)} ms (median of ${BATCH_REPS})`);
    console.log(
      `cpu: ${VARIANTS.map((v) => `${v}=${cpu(v).toFixed(1)}µs`).join(' ')}  cpu-ratio rest/plain=${(cpu('plain') / cpu('rest')).toFixed(3)} jsonrpc/plain=${(cpu('plain') / cpu('jsonrpc')).toFixed(3)} batch/rest=${(cpu('rest') / cpu('batch')).toFixed(1)}x${canPin ? '' : ' (not pinned: taskset missing)'}`,
    );
    console.log(`batch100-load/rest=${(rps('batch') / rps('rest')).toFixed(1)}x (calls/s of batches under load ÷ REST req/s)`);
    console.log(`rest/plain=${(rps('rest') / rps('plain')).toFixed(3)} jsonrpc/plain=${(rps('jsonrpc') / rps('plain')).toFixed(3)} batch100/separate=${(wall.separateMs / wall.batchMs).toFixed(1)}x`);
  } finally {
    server.child.kill('SIGTERM');
  }
}

/** Every variant answers the right thing before anything is measured. */
async function check(port: number): Promise<void> {
  const send = async (path: string, body: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  // Key order aside: members are compared sorted.
  const canonical = (value: unknown): string =>
    JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));
  const expectSame = (what: string, got: unknown, want: unknown) => {
    if (canonical(got) !== canonical(want)) throw new Error(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  };
  expectSame('plain', await send('/plain/add', OPERANDS), { status: 200, body: { result: 15 } });
  expectSame('rest', await send('/calculator/add', OPERANDS), { status: 200, body: { result: 15 } });
  expectSame('jsonrpc', await send('/rpc', call(1)), { status: 200, body: { jsonrpc: '2.0', result: { result: 15 }, id: 1 } });
  const batch = await send('/rpc', Array.from({ length: BATCH }, (_, i) => call(i + 1)));
  expectSame('batch', batch, { status: 200, body: Array.from({ length: BATCH }, (_, i) => ({ jsonrpc: '2.0', result: { result: 15 }, id: i + 1 })) });
  expectSame('invalid body', (await send('/calculator/add', { a: 1 })).status, 400);
}

/** 100 sequential REST calls against one batch of 100, alternating on one connection; medians in ms. */
async function batchWallTime(port: number): Promise<{ separateMs: number; batchMs: number }> {
  const conn = await connection(port);
  const separate: number[] = [];
  const batch: number[] = [];
  const timeSeparate = async () => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) if ((await conn.request(REQUESTS.rest)) !== 200) throw new Error('rest: not 200');
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const timeBatch = async () => {
    const t0 = process.hrtime.bigint();
    if ((await conn.request(REQUESTS.batch)) !== 200) throw new Error('batch: not 200');
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  try {
    for (let i = 0; i < 20; i++) await timeSeparate(), await timeBatch();
    for (let i = 0; i < BATCH_REPS; i++) {
      if (i % 2) batch.push(await timeBatch()), separate.push(await timeSeparate());
      else separate.push(await timeSeparate()), batch.push(await timeBatch());
    }
  } finally {
    conn.close();
  }
  return { separateMs: median(separate), batchMs: median(batch) };
}

/** One window of `request` on CONNECTIONS keep-alive sockets. */
function load(server: BenchServer, request: Buffer, seconds: number) {
  return closedLoop(server, { connections: CONNECTIONS, seconds, next: () => request });
}

if (flag('serve')) await serve();
else await main();
