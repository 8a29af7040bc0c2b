/**
 * Boot figures of Burrow with a large contract, in a fresh process (the runner
 * starts one per measurement, pinned to core 0):
 *
 *   node --import tsx bench/boot.ts --ops 1000 --mode background|lazy|eager
 *
 * Prints one `BOOTJSON {...}` line:
 * - importMs: importing core/index.ts (transpiled by tsx; cached after the first run)
 * - createKernelMs: createKernel() until it resolves (the kernel is ready)
 * - listenMs: createKernel() until listen() resolves
 * - firstMs / secondMs: latency of the first request of an operation that is not
 *   compiled yet, then of the next request of the same operation. `lazy`: POST
 *   /items (nothing is compiled before use). `background`: the last operation of
 *   the document (POST or GET filler), sent right after listen while the background
 *   warm-up is still compiling.
 * - afterIdleMs (background): the first request of another late operation after
 *   3 s without traffic — shows whether the warm-up progresses while idle.
 */
import { request, Agent } from 'node:http';
import { args } from './lib/server-common.js';
import { ITEM_BODY, fillers, generateContract } from './lib/contract.js';

const a = args();
const ops = Number(a.ops ?? 1000);
const mode = (a.mode ?? 'background') as 'background' | 'lazy' | 'eager';
const doc = generateContract(ops);
const handlers: Record<string, (ctx: any) => unknown> = {
  hello: () => ({ status: 200, body: { message: 'hello' } }),
  createItem: (ctx) => ({ status: 201, body: { id: 1, ...ctx.body } }),
  getItem: (ctx) => ({ status: 200, body: { id: ctx.params.id } }),
};
for (const f of fillers(ops)) {
  handlers[f.operationId] = f.method === 'get' ? (ctx) => ({ status: 200, body: { value: String(ctx.params.id) } }) : (ctx) => ({ status: 201, body: ctx.body });
}

const tImport = performance.now();
const { createKernel } = await import('../core/index.js');
const importMs = performance.now() - tImport;

const t0 = performance.now();
const kernel = await createKernel({ contract: doc, handlers: handlers as never, logger: { level: 'error' }, responseValidation: false, compile: mode });
const t1 = performance.now();
const { server } = await kernel.listen({ port: 0 });
const t2 = performance.now();
const port = (server.address() as { port: number }).port;

const agent = new Agent({ keepAlive: true, maxSockets: 1 });
function timed(method: string, path: string, body?: string): Promise<{ ms: number; status: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: performance.now() - start, status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Warm the client and the connection on a path no operation declares (404, compiles nothing).
await timed('GET', '/not-declared');
let target: { method: string; path: string; body?: string };
if (mode === 'background') {
  const last = fillers(ops).at(-1)!;
  target = last.method === 'get' ? { method: 'GET', path: `/filler${last.n}/7` } : { method: 'POST', path: `/filler${last.n}`, body: JSON.stringify({ value: 'x' }) };
} else {
  target = { method: 'POST', path: '/items', body: JSON.stringify(ITEM_BODY) };
}
const first = await timed(target.method, target.path, target.body);
const second = await timed(target.method, target.path, target.body);
// Background mode: does the warm-up go on while the server is idle? After 3 s
// without traffic, the first request of another late operation should find it
// compiled (about as fast as `secondMs`).
let afterIdle: { ms: number; status: number; request: string; compiledBefore: boolean } | undefined;
if (mode === 'background') {
  await new Promise((r) => setTimeout(r, 3000));
  const other = fillers(ops).filter((f) => f.method === 'post').at(-2)!;
  const path = `/filler${other.n}`;
  // Read the kernel's own flag rather than infer from latency (a new keep-alive connection after the idle costs too).
  const compiledBefore = kernel.operations.get(other.operationId)?.requestCompiled ?? false;
  afterIdle = { ...(await timed('POST', path, JSON.stringify({ value: 'x' }))), request: `POST ${path}`, compiledBefore };
}
const out = {
  ops,
  mode,
  importMs: round(importMs),
  createKernelMs: round(t1 - t0),
  listenMs: round(t2 - t0),
  firstRequest: `${target.method} ${target.path}`,
  firstMs: round(first.ms),
  firstStatus: first.status,
  secondMs: round(second.ms),
  ...(afterIdle
    ? { afterIdleRequest: afterIdle.request, afterIdleMs: round(afterIdle.ms), afterIdleStatus: afterIdle.status, afterIdleCompiledBefore: afterIdle.compiledBefore }
    : {}),
  rssMb: Math.round(process.memoryUsage().rss / 1048576),
};
process.stdout.write(`BOOTJSON ${JSON.stringify(out)}\n`);
agent.destroy();
await kernel.close();
process.exit(0);

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
