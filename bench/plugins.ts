/**
 * The production plugins' performance target (issue 11, "Performance"): with every one of
 * them on — CORS (the request carries an allowed `Origin`), compression (the answer is
 * below its threshold; the request accepts br and gzip), security headers, a memory rate
 * limit keyed by address, statistics, Prometheus metrics, tracing through the
 * OpenTelemetry API with no SDK — a validated route keeps ≥ 0.8× the req/s of Burrow with
 * none of them, measured in the same run:
 *
 *   all/none ≥ 0.80
 *
 *   node --conditions=burrowjs-source --import tsx bench/plugins.ts [--quick]
 *
 * Two servers (this file with `--serve none|all`, NODE_ENV=production, through Express as
 * `npm start`), both pinned to core 0 and loaded one at a time from core 1 (raw keep-alive
 * sockets, a closed loop per connection); the same contract and handler in both. Ratios
 * are medians over rounds (the order alternates); the CPU line gives each server's CPU-µs
 * per request.
 *
 * Options: --quick (1 round, 1 s windows) · --rounds N (3) · --duration S (3) ·
 * --warmup S (1, before each window) · --connections N (32) · --adapter express|node (express) ·
 * --plugins a,b (only these in `all`: securityHeaders, cors, compression, tracing, rateLimit, stats, metrics)
 */
import { fileURLToPath } from 'node:url';
import { flag, median, option } from './lib/args.js';
import type { BenchServer } from './lib/server.js';
import { closedLoop, startPinnedServer } from './lib/raw-http.js';
import { exitOnSignal, ready } from './lib/server-common.js';

const QUICK = flag('quick');
const ROUNDS = Number(option('rounds') ?? (QUICK ? 1 : 3));
const DURATION = Number(option('duration') ?? (QUICK ? 1 : 3));
const WARMUP = Number(option('warmup') ?? 1);
const CONNECTIONS = Number(option('connections') ?? 32);
const ADAPTER = option('adapter') === 'node' ? 'node' : 'express';
/** `--plugins a,b`: only those in `all` (to find what costs what); undefined: every plugin. */
const ONLY = option('plugins')?.split(',');
const enabled = (name: string) => !ONLY || ONLY.includes(name);
const ORIGIN = 'https://app.example.com';
const VARIANTS = ['none', 'all'] as const;
type Variant = (typeof VARIANTS)[number];

/** The server of one variant: the same validated route (path and query parameters, response checked). */
async function serve(variant: Variant): Promise<void> {
  const { createKernel } = await import('../core/index.js');
  const { listen } = await import('../core/http/express.js');
  const plugins = variant === 'none' ? [] : await allPlugins();
  const kernel = await createKernel({
    contract: {
      openapi: '3.1.0',
      info: { title: 'plugins bench', version: '1' },
      ...(variant === 'all' && enabled('rateLimit')
        ? { 'x-burrow-rate-limit': { points: 1_000_000_000, duration: 60, key: 'ip' } }
        : {}),
      paths: {
        '/items/{id}': {
          get: {
            operationId: 'getItem',
            parameters: [
              { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
              { name: 'fields', in: 'query', schema: { type: 'string', enum: ['all', 'short'] } },
            ],
            responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } } },
          },
        },
      },
      components: {
        schemas: { Item: { type: 'object', required: ['id', 'name', 'done'], properties: { id: { type: 'integer' }, name: { type: 'string' }, done: { type: 'boolean' } } } },
      },
    },
    logger: { level: 'error' },
    handlers: { getItem: (ctx: { params: Record<string, unknown> }) => ({ status: 200, body: { id: ctx.params.id, name: 'item', done: false } }) } as never,
    plugins,
  });
  const { server } = ADAPTER === 'node' ? await kernel.listen({ port: 0 }) : await listen(kernel, { port: 0 });
  exitOnSignal();
  ready(server);
}

/** Every production plugin, as an app would configure them. */
async function allPlugins() {
  const { cors } = await import('../plugins/cors/index.js');
  const { compression } = await import('../plugins/compression/index.js');
  const { securityHeaders } = await import('../plugins/security-headers/index.js');
  const { rateLimit } = await import('../plugins/rate-limit/index.js');
  const { stats } = await import('../plugins/stats/index.js');
  const { metrics } = await import('../plugins/metrics/index.js');
  const { tracing } = await import('../plugins/tracing/index.js');
  const all = { securityHeaders: securityHeaders(), cors: cors({ origins: [ORIGIN] }), compression: compression(), tracing: tracing(), rateLimit: rateLimit(), stats: stats(), metrics: metrics() };
  return Object.entries(all).filter(([name]) => enabled(name)).map(([, plugin]) => plugin);
}

const REQUEST = Buffer.from(
  `GET /items/42?fields=all HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\nAccept-Encoding: br, gzip\r\nOrigin: ${ORIGIN}\r\n\r\n`,
);

async function main(): Promise<void> {
  const servers = {} as Record<Variant, BenchServer>;
  let canPin = true;
  try {
    for (const variant of VARIANTS) {
      const started = await startPinnedServer(fileURLToPath(import.meta.url), `plugins-${variant}`, [variant, '--adapter', ADAPTER, ...(ONLY ? ['--plugins', ONLY.join(',')] : [])]);
      servers[variant] = started.server;
      canPin &&= started.pinned;
    }
    await check(servers);
    for (const variant of VARIANTS) await load(servers[variant], WARMUP);
    const results: Record<Variant, { rps: number; cpuUs: number }[]> = { none: [], all: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? [...VARIANTS].reverse() : VARIANTS;
      for (const variant of order) {
        await load(servers[variant], WARMUP);
        const measured = await load(servers[variant], DURATION);
        if (measured.errors) throw new Error(`${variant}: ${measured.errors} requests were not answered 200`);
        results[variant].push(measured);
        console.log(`round ${round + 1} ${variant.padEnd(5)} ${Math.round(measured.rps).toString().padStart(6)} req/s  ${measured.cpuUs.toFixed(1)} CPU-µs/req`);
      }
    }
    const rps = (v: Variant) => median(results[v].map((r) => r.rps));
    const cpu = (v: Variant) => median(results[v].map((r) => r.cpuUs));
    console.log(`cpu: none=${cpu('none').toFixed(1)}µs all=${cpu('all').toFixed(1)}µs  cpu-ratio all/none=${(cpu('none') / cpu('all')).toFixed(3)}${canPin ? '' : ' (not pinned: taskset missing)'}`);
    console.log(`all/none=${(rps('all') / rps('none')).toFixed(3)}`);
  } finally {
    for (const server of Object.values(servers)) server.child.kill('SIGTERM');
  }
}

/** Both servers answer the same body; the plugins' headers are there on one and not the other. */
async function check(servers: Record<Variant, BenchServer>): Promise<void> {
  const get = (variant: Variant) =>
    fetch(`http://127.0.0.1:${servers[variant].port}/items/42?fields=all`, { headers: { origin: ORIGIN, 'accept-encoding': 'br, gzip' } });
  const [none, all] = [await get('none'), await get('all')];
  const [a, b] = [await none.text(), await all.text()];
  if (none.status !== 200 || all.status !== 200 || a !== b) throw new Error(`the servers differ: ${none.status} ${a} / ${all.status} ${b}`);
  if (!ONLY) {
    const expected = ['access-control-allow-origin', 'content-security-policy', 'ratelimit', 'vary'];
    const missing = expected.filter((h) => !all.headers.has(h));
    if (missing.length) throw new Error(`the plugins' headers are missing: ${missing.join(', ')}`);
  }
  if (all.headers.get('content-encoding')) throw new Error('the answer is below the compression threshold: it must not be compressed');
  if (none.headers.has('access-control-allow-origin') && !ONLY) throw new Error('the server without plugins answers CORS headers');
}

/** One window on CONNECTIONS keep-alive sockets. */
function load(server: BenchServer, seconds: number) {
  return closedLoop(server, { connections: CONNECTIONS, seconds, next: () => REQUEST });
}

if (flag('serve')) await serve(process.argv[process.argv.indexOf('--serve') + 1] === 'all' ? 'all' : 'none');
else await main();
