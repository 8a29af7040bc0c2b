/**
 * Burrow's benchmark suite (issue 3). `npm run bench` (or `-- --quick`); see
 * bench/README.md for what runs and how each figure is computed.
 *
 * Options:
 *   --quick              1 round, 1 s windows, NestJS skipped, openapi-backend@1000 in quick mode;
 *                        writes bench/RESULTS-quick.md
 *   --rounds N           rounds (default 4)
 *   --duration S         measured window per route, whole seconds (default 2)
 *   --warmup S           one mixed warm-up (the 3 routes in turn), repeated until steady (default 1)
 *   --connections N      default 50
 *   --only a,b           only these servers (names as in the table)
 *   --skip a,b           not these servers
 *   --loader wrk|autocannon   default: wrk when installed
 *   --obe-quick          openapi-backend@1000 with `quick: true` also in the full run
 *   --max-interference X  re-measure a window when other processes took more than X of core 0 (default 0.1)
 *   --retries N          at most N re-measurements per window (default 2, quick 0)
 *   --max-warmup S       warm up until CPU/request is steady, at most S seconds in the first round
 *                        (default 10, quick 2) and min(S, 4) in later rounds
 *   --out FILE           default bench/RESULTS.md (bench/RESULTS-quick.md with --quick)
 *   --profile            do not benchmark: profile Burrow under load (bench/profile.ts)
 */
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROUTES, type BenchRoute } from './lib/contract.js';
import { flag, median, option } from './lib/args.js';
import { CLK_TCK, coreTicks, cpuTicks, cpusAllowed, hasCommand, pin, rssKb, ticksToUs, waitIdle } from './lib/proc.js';
import { runLoad, type LoadResult } from './lib/load.js';
import { startBenchServer, type BenchServer } from './lib/server.js';
import { compileServers, compiledScript } from './lib/compile.js';
import type { RouterFigure } from './router.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);

if (flag('profile')) {
  await ensureDependencies();
  await import('./profile.js');
  process.exit(0);
}

const QUICK = flag('quick');
const ROUNDS = Number(option('rounds') ?? (QUICK ? 1 : 4));
const DURATION = Number(option('duration') ?? (QUICK ? 1 : 2));
const WARMUP = Number(option('warmup') ?? 1);
const CONNECTIONS = Number(option('connections') ?? 50);
const OUT = option('out') ?? join(BENCH, QUICK ? 'RESULTS-quick.md' : 'RESULTS.md');
const OBE_QUICK_1000 = QUICK || flag('obe-quick');
const BOOT_RUNS = QUICK ? 1 : 3;
/** Idle: at most 1 clock tick (10 ms) of CPU over 50 ms. */
const IDLE = { windowMs: 50, slackTicks: 1 };
/** A window where other processes took more than this share of the server's core is measured again. */
const MAX_INTERFERENCE = Number(option('max-interference') ?? 0.1);
const RETRIES = Number(option('retries') ?? (QUICK ? 0 : 2));
/** First round: mixed warm-ups are repeated until CPU per request is steady, for at most this many seconds. */
const MAX_FIRST_WARMUP = Number(option('max-warmup') ?? (QUICK ? 2 : 10));
const MAX_WARMUP = Math.min(MAX_FIRST_WARMUP, 4);

const canPin = process.platform === 'linux' && hasCommand('taskset') && os.cpus().length >= 2;
const SERVER_CORE = 0;
const LOAD_CORE = 1;
const loader = (option('loader') ?? (hasCommand('wrk') ? 'wrk' : 'autocannon')) as 'wrk' | 'autocannon';
const loadPrefix = canPin ? ['taskset', '-c', String(LOAD_CORE)] : [];
const serverPinPrefix = canPin ? ['taskset', '-c', String(SERVER_CORE)] : [];

interface Config {
  /** Name in the tables: `burrow@1000`. */
  id: string;
  server: string;
  ops: number | null;
  script: string;
  args: string[];
  /** Whether the server validates (an invalid request must get a 400). */
  validates: boolean;
  note?: string;
}

interface Sample {
  rps: number;
  p99Ms: number;
  p50Ms: number;
  cpuUs: number;
  rssMb: number;
  served: number;
  loaderRequests: number;
  statusErrors: number;
  socketErrors: number;
  /** Share of core 0's time used by other processes than the server during the window (0..1). */
  interference: number;
  /** Windows thrown away because of interference before this one was kept. */
  retries: number;
}

interface Running extends BenchServer {
  config: Config;
}

const log = (...a: unknown[]) => console.log(...a);

await ensureDependencies();
// Servers run as compiled JavaScript, as in production (see lib/compile.ts).
await compileServers();
const startedAt = Date.now();
if (canPin) {
  // Keep the runner itself (sampling, IPC, fetch) off the server's core.
  execFileSync('taskset', ['-a', '-cp', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });
}

const configs = buildConfigs();
log(`burrow bench: ${QUICK ? 'QUICK, ' : ''}${ROUNDS} round(s), ${DURATION}s windows, warm-ups of ${WARMUP}s until steady, ${CONNECTIONS} connections, loader ${loader}`);
log(canPin ? `pinning: servers on core ${SERVER_CORE}, load generator on core ${LOAD_CORE}` : 'WARNING: taskset or a second core is missing: nothing is pinned');

// 1. Boot of Burrow with 1000 operations, and the router micro-benchmark: quiet machine, fresh processes.
const boot = await measureBoot();
const routerFigures = await measureRouter();

// 2. All servers booted once, then measured round after round, interleaved.
const running = await startAll(configs);
const samples = new Map<string, Map<BenchRoute['key'], Sample[]>>();
const broken = new Map<string, string>();
try {
  for (let round = 0; round < ROUNDS; round++) {
    const order = rotate(running, round);
    log(`\n== round ${round + 1}/${ROUNDS}`);
    for (const server of order) await measureServer(server, round);
  }
} finally {
  await stopAll(running);
}

// 3. Report.
const report = summarise();
writeFileSync(OUT, report.markdown);
const raw = { date: new Date(startedAt).toISOString(), quick: QUICK, rounds: ROUNDS, duration: DURATION, loader, boot, routerFigures, samples: Object.fromEntries([...samples].map(([k, v]) => [k, Object.fromEntries(v)])), broken: Object.fromEntries(broken) };
writeFileSync(OUT.replace(/\.md$/, '.json'), JSON.stringify(raw, null, 2) + '\n');
log('\n' + report.console);
log(`\nwrote ${relative(process.cwd(), OUT)} in ${Math.round((Date.now() - startedAt) / 1000)} s`);
log(report.lastLine);

// ---------------------------------------------------------------------------

function buildConfigs(): Config[] {
  const only = option('only')?.split(',');
  const skip = option('skip')?.split(',') ?? (QUICK ? ['nest'] : []);
  const s = (name: string) => join('bench', 'servers', name);
  const list: Config[] = [
    { id: 'node-raw', server: 'node-raw', ops: null, script: s('node-raw.ts'), args: [], validates: false, note: 'no validation: the ceiling' },
    { id: 'node-ajv', server: 'node-ajv', ops: null, script: s('node-raw.ts'), args: ['--validate'], validates: true, note: 'node:http + hand-written Ajv' },
  ];
  for (const ops of [20, 1000]) {
    const obeQuick = ops === 1000 && OBE_QUICK_1000;
    list.push(
      { id: `express-ajv@${ops}`, server: 'express-ajv', ops, script: s('express-ajv.ts'), args: ['--ops', String(ops)], validates: true },
      {
        id: `openapi-backend@${ops}`,
        server: 'openapi-backend',
        ops,
        script: s('openapi-backend.ts'),
        args: ['--ops', String(ops), ...(obeQuick ? ['--quick'] : [])],
        validates: true,
        note: obeQuick ? 'quick: true' : 'full mode',
      },
      { id: `express-openapi-validator@${ops}`, server: 'express-openapi-validator', ops, script: s('express-openapi-validator.ts'), args: ['--ops', String(ops)], validates: true },
      { id: `fastify@${ops}`, server: 'fastify', ops, script: s('fastify.ts'), args: ['--ops', String(ops)], validates: true },
      { id: `nest@${ops}`, server: 'nest', ops, script: s('nest.ts'), args: ['--ops', String(ops)], validates: true, note: 'plain controller + hand-written Ajv' },
      { id: `burrow@${ops}`, server: 'burrow', ops, script: s('burrow.ts'), args: ['--ops', String(ops), '--adapter', 'express'], validates: true },
      { id: `burrow-native@${ops}`, server: 'burrow-native', ops, script: s('burrow.ts'), args: ['--ops', String(ops), '--adapter', 'node'], validates: true },
    );
  }
  return list.filter((c) => (!only || only.includes(c.server) || only.includes(c.id)) && !skip.includes(c.server) && !skip.includes(c.id));
}

async function ensureDependencies(): Promise<void> {
  if (existsSync(join(BENCH, 'node_modules', 'fastify')) && existsSync(join(BENCH, 'node_modules', 'autocannon'))) return;
  log('bench/node_modules is missing: npm ci --prefix bench');
  execFileSync('npm', ['ci', '--prefix', BENCH, '--no-audit', '--no-fund'], { stdio: 'inherit', cwd: ROOT });
}

function rotate<T>(xs: T[], by: number): T[] {
  const k = ((by % xs.length) + xs.length) % xs.length;
  return [...xs.slice(k), ...xs.slice(0, k)];
}

/** Runs a child pinned to the server core and returns the JSON of its `<tag> {...}` line. */
function runPinnedChild(script: string, args: string[], tag: string, timeoutMs = 120_000): Promise<any> {
  const cmd = [...serverPinPrefix, process.execPath, '--import', 'tsx', script, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0], cmd.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith(`${tag} `));
      if (!line) reject(new Error(`${script} ${args.join(' ')} exited ${code}: ${err.slice(-2000) || out.slice(-2000)}`));
      else resolve(JSON.parse(line.slice(tag.length + 1)));
    });
  });
}

async function measureBoot() {
  log('\n== boot of Burrow with 1000 operations (fresh processes pinned to core 0)');
  const result: { background: any[]; lazy: any[]; eager: any[]; error?: string } = { background: [], lazy: [], eager: [] };
  try {
    // The first run also fills tsx's transpile cache; it is not counted.
    if (!QUICK) await runPinnedChild('bench/boot.ts', ['--ops', '1000', '--mode', 'lazy'], 'BOOTJSON');
    for (let i = 0; i < BOOT_RUNS; i++) {
      result.background.push(await runPinnedChild('bench/boot.ts', ['--ops', '1000', '--mode', 'background'], 'BOOTJSON'));
      result.lazy.push(await runPinnedChild('bench/boot.ts', ['--ops', '1000', '--mode', 'lazy'], 'BOOTJSON'));
    }
    if (!QUICK) result.eager.push(await runPinnedChild('bench/boot.ts', ['--ops', '1000', '--mode', 'eager'], 'BOOTJSON'));
    for (const mode of ['background', 'lazy', 'eager'] as const) for (const r of result[mode]) log(`  ${JSON.stringify(r)}`);
  } catch (error) {
    result.error = (error as Error).message;
    log(`  boot measurement failed: ${result.error}`);
  }
  return result;
}

async function measureRouter(): Promise<RouterFigure[] | { error: string }> {
  log('\n== router micro-benchmark (core/router.ts, pinned to core 0)');
  try {
    const figures = (await runPinnedChild('bench/router.ts', ['--json', ...(QUICK ? ['--quick'] : [])], 'ROUTERJSON')) as RouterFigure[];
    for (const f of figures) log(`  ${String(f.ops).padStart(4)} ops  ${f.lookup.padEnd(24)} ${(f.perSecond / 1e6).toFixed(2)} M lookups/s (${f.nsPerLookup} ns)`);
    return figures;
  } catch (error) {
    log(`  router benchmark failed: ${(error as Error).message}`);
    return { error: (error as Error).message };
  }
}

async function startAll(list: Config[]): Promise<Running[]> {
  log(`\n== booting ${list.length} servers (in parallel on both cores, then pinned to core ${SERVER_CORE})`);
  const started = await Promise.allSettled(list.map((c) => startServer(c)));
  const out: Running[] = [];
  started.forEach((s, i) => {
    if (s.status === 'fulfilled') out.push(s.value);
    else {
      broken.set(list[i].id, `did not start: ${(s.reason as Error).message.slice(0, 500)}`);
      log(`  ${list[i].id}: DID NOT START: ${(s.reason as Error).message.slice(0, 500)}`);
    }
  });
  for (const r of out) {
    if (canPin) {
      pin(r.pid, SERVER_CORE);
      const allowed = cpusAllowed(r.pid);
      if (allowed !== String(SERVER_CORE)) throw new Error(`${r.config.id} is not pinned (Cpus_allowed_list ${allowed})`);
    }
    log(`  ${r.config.id.padEnd(32)} pid ${r.pid} port ${r.port} ${JSON.stringify(r.ready)}`);
  }
  // Let background work (Burrow's validator warm-up, JIT) settle before the first window.
  await Promise.all(out.map((r) => waitIdle(r.pid, { windowMs: 200, maxMs: 30_000 })));
  return out;
}

async function startServer(config: Config): Promise<Running> {
  const cmd = [...(canPin ? ['taskset', '-c', `${SERVER_CORE},${LOAD_CORE}`] : []), process.execPath, compiledScript(config.script), ...config.args];
  return { config, ...(await startBenchServer(cmd, { id: config.id, cwd: ROOT, timeoutMs: 180_000 })) };
}

async function stopAll(list: Running[]): Promise<void> {
  await Promise.all(
    list.map(
      (r) =>
        new Promise<void>((resolve) => {
          if (r.child.exitCode !== null) return resolve();
          const t = setTimeout(() => r.child.kill('SIGKILL'), 5000);
          r.child.once('exit', () => {
            clearTimeout(t);
            resolve();
          });
          r.child.kill('SIGTERM');
        }),
    ),
  );
}

/** A correct answer to a valid request, and a 400 to an invalid one (validating servers). */
async function checkRoute(server: Running, route: BenchRoute): Promise<string | undefined> {
  const call = async (path: string, body?: string) => {
    const res = await fetch(`http://127.0.0.1:${server.port}${path}`, {
      method: route.method,
      body,
      headers: body ? { 'content-type': 'application/json' } : {},
    });
    await res.arrayBuffer();
    return res.status;
  };
  try {
    const status = await call(route.path, route.body);
    if (status !== route.status) return `${route.label} answered ${status}, expected ${route.status}`;
    if (server.config.validates && route.invalid) {
      const bad = await call(route.invalid.path, route.invalid.body);
      if (bad !== 400) return `an invalid ${route.label} answered ${bad}, expected 400 (not validated?)`;
    }
  } catch (error) {
    return `${route.label} failed: ${(error as Error).message}`;
  }
  return undefined;
}

async function measureServer(server: Running, round: number): Promise<void> {
  const id = server.config.id;
  if (server.child.exitCode !== null) {
    broken.set(id, `exited (${server.child.exitCode}): ${server.stderr.join('').slice(-500)}`);
    return;
  }
  const routes: BenchRoute[] = [];
  for (const route of ROUTES) {
    const problem = await checkRoute(server, route);
    if (problem) {
      broken.set(`${id} ${route.key}`, problem);
      log(`  ${id}: BROKEN: ${problem}`);
    } else routes.push(route);
  }
  if (!routes.length) return;
  const load = { loader, pinPrefix: loadPrefix, connections: CONNECTIONS };
  // Warm up until the CPU per request of two consecutive warm-ups agrees within 10%
  // (JIT, lazily compiled validators, background work, a heap the memory reducer
  // shrank while the server waited for its turn): at least two warm-ups, for at
  // most MAX_FIRST_WARMUP s in the first round and MAX_WARMUP s later.
  const seconds = WARMUP;
  const budget = round === 0 ? MAX_FIRST_WARMUP : MAX_WARMUP;
  let previous = NaN;
  for (let spent = 0; spent < budget; spent += seconds) {
    const c0 = await server.count();
    const t0 = cpuTicks(server.pid);
    await runLoad(server.port, routes, { ...load, seconds });
    await waitIdle(server.pid, IDLE);
    const perRequest = (cpuTicks(server.pid) - t0) / Math.max(1, (await server.count()) - c0);
    if (Math.abs(perRequest - previous) / perRequest < 0.1) break;
    previous = perRequest;
  }
  for (const route of routes) {
    let sample: Sample | undefined;
    for (let attempt = 0; attempt <= RETRIES; attempt++) {
      const s = await measureWindow(server, route, load);
      s.retries = attempt;
      if (!sample || s.interference < sample.interference) sample = s;
      if (s.interference <= MAX_INTERFERENCE || attempt === RETRIES) break;
      log(`  ${id.padEnd(32)} ${route.label.padEnd(16)} other processes took ${(s.interference * 100).toFixed(0)}% of core ${SERVER_CORE}: measuring again`);
    }
    if (!samples.has(id)) samples.set(id, new Map());
    const perRoute = samples.get(id)!;
    if (!perRoute.has(route.key)) perRoute.set(route.key, []);
    perRoute.get(route.key)!.push(sample!);
    sample = sample!;
    const warn = (sample.statusErrors ? `  !! ${sample.statusErrors} non-2xx` : '') + (sample.interference > MAX_INTERFERENCE ? `  (interference ${(sample.interference * 100).toFixed(0)}%)` : '');
    log(
      `  ${id.padEnd(32)} ${route.label.padEnd(16)} ${fmt(sample.rps, 0).padStart(7)} req/s  ${fmt(sample.cpuUs, 1).padStart(7)} CPU-µs/req  p99 ${fmt(sample.p99Ms, 2).padStart(7)} ms  RSS ${fmt(sample.rssMb, 0).padStart(4)} MB${warn}`,
    );
  }
}

/** One measured window of one route: load, then wait for the server to finish what it received. */
async function measureWindow(server: Running, route: BenchRoute, load: { loader: 'wrk' | 'autocannon'; pinPrefix: string[]; connections: number }): Promise<Sample> {
  await waitIdle(server.pid, IDLE);
  const c0 = await server.count();
  const t0 = cpuTicks(server.pid);
  const core0 = coreTicks(SERVER_CORE);
  const w0 = performance.now();
  let rssMax = rssKb(server.pid);
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssKb(server.pid))), 200);
  let result: LoadResult;
  try {
    result = await runLoad(server.port, [route], { ...load, seconds: DURATION });
  } finally {
    clearInterval(sampler);
  }
  rssMax = Math.max(rssMax, rssKb(server.pid));
  // Requests the load generator abandoned at the end of its window are still
  // served: wait for them, so that CPU time and served requests match.
  await waitIdle(server.pid, IDLE);
  const c1 = await server.count();
  const t1 = cpuTicks(server.pid);
  const core1 = coreTicks(SERVER_CORE);
  const wallTicks = ((performance.now() - w0) / 1000) * CLK_TCK;
  const served = c1 - c0;
  return {
    rps: result.requests / (result.duration_us / 1e6),
    p50Ms: result.p50_us / 1000,
    p99Ms: result.p99_us / 1000,
    cpuUs: served > 0 ? ticksToUs(t1 - t0) / served : NaN,
    rssMb: rssMax / 1024,
    served,
    loaderRequests: result.requests,
    statusErrors: result.status_errors,
    socketErrors: result.socket_errors,
    interference: Math.max(0, (core1.busy - core0.busy - (t1 - t0)) / wallTicks),
    retries: 0,
  };
}

function fmt(x: number, digits: number): string {
  if (!Number.isFinite(x)) return '—';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function summarise() {
  type Med = { rps: number; cpuUs: number; p99Ms: number; rssMb: number; n: number; statusErrors: number; interference: number; retries: number };
  const med = (id: string, key: BenchRoute['key']): Med | undefined => {
    const xs = samples.get(id)?.get(key);
    if (!xs?.length) return undefined;
    return {
      rps: median(xs.map((x) => x.rps)),
      cpuUs: median(xs.map((x) => x.cpuUs)),
      p99Ms: median(xs.map((x) => x.p99Ms)),
      rssMb: median(xs.map((x) => x.rssMb)),
      n: xs.length,
      statusErrors: xs.reduce((a, x) => a + x.statusErrors, 0),
      interference: median(xs.map((x) => x.interference)),
      retries: xs.reduce((a, x) => a + x.retries, 0),
    };
  };
  const floorOf = (c: Config) => `express-ajv@${c.ops ?? 20}`;
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? a / b : NaN);
  const r2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

  const byRoute = (id: string, key: BenchRoute['key']) => med(id, key);
  const rps = (id: string, key: BenchRoute['key']) => byRoute(id, key)?.rps;
  const cpu = (id: string, key: BenchRoute['key']) => byRoute(id, key)?.cpuUs;

  // Ratio of two figures round by round (same round index), as "min–max" over rounds.
  const perRound = (a: string, b: string, key: BenchRoute['key'], field: 'rps' | 'cpuUs') => {
    const xs = samples.get(a)?.get(key) ?? [];
    const ys = samples.get(b)?.get(key) ?? [];
    const rs = xs.slice(0, ys.length).map((x, i) => x[field] / ys[i][field]).filter(Number.isFinite);
    return rs.length > 1 ? ` (rounds ${Math.min(...rs).toFixed(2)}–${Math.max(...rs).toFixed(2)})` : '';
  };
  // The last line's figures.
  const burrowVsFloor = ratio(rps('burrow@20', 'post'), rps('express-ajv@20', 'post'));
  const burrow1000vs20 = ratio(rps('burrow@1000', 'post'), rps('burrow@20', 'post'));
  const burrowVsObe = ratio(rps('burrow@20', 'post'), rps('openapi-backend@20', 'post'));
  const nativeVsNode = ratio(cpu('burrow-native@20', 'post'), cpu('node-ajv', 'post'));
  const bootListen = median(boot.background.map((b: any) => b.listenMs));
  const lastLine = `burrow/express-ajv=${r2(burrowVsFloor)} burrow1000/burrow20=${r2(burrow1000vs20)} burrow/openapi-backend=${r2(burrowVsObe)} native-cpu/node-cpu=${r2(nativeVsNode)} boot1000_ms=${Number.isFinite(bootListen) ? Math.round(bootListen) : 'n/a'}`;

  const md: string[] = [];
  const cpuModel = os.cpus()[0]?.model ?? 'unknown CPU';
  const loaderVersion = loader === 'wrk' ? (safe(() => { const v = spawnSync('wrk', ['-v']); return `${v.stdout}${v.stderr}`.split('\n')[0].split(' [')[0]; }) || 'wrk') : `autocannon ${safe(() => JSON.parse(readFileSync(join(BENCH, 'node_modules/autocannon/package.json'), 'utf8')).version)}`;
  md.push(`# Burrow benchmark results${QUICK ? ' (quick mode)' : ''}`, '');
  md.push(`- Date: ${new Date(startedAt).toISOString()} (took ${Math.round((Date.now() - startedAt) / 1000)} s)`);
  md.push(`- Machine: ${cpuModel}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`);
  const commit = safe(() => execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim());
  const coreDirty = safe(() => execFileSync('git', ['status', '--porcelain', '--', 'core'], { cwd: ROOT }).toString().trim() !== '');
  if (commit) md.push(`- Burrow: commit ${commit}${coreDirty ? ' with uncommitted changes in core/' : ''}`);
  md.push(`- Load: ${loaderVersion}, 1 thread, ${CONNECTIONS} connections; ${canPin ? `servers pinned to core ${SERVER_CORE}, load generator to core ${LOAD_CORE} (taskset)` : 'NOT pinned'}`);
  md.push(`- ${ROUNDS} round(s), interleaved (the order rotates every round); per server and round, ${WARMUP}s mixed warm-ups (the 3 routes in turn) until two in a row agree on CPU per request within 10% (at least 2; at most ${MAX_FIRST_WARMUP}s in the first round, ${MAX_WARMUP}s later), then a ${DURATION}s window per route; figures are medians over rounds`);
  md.push(`- Ratios (×floor) are to express-ajv with the same number of operations (node-raw and node-ajv: to express-ajv@20)`);
  md.push(`- Interference: the share of core ${SERVER_CORE} used by other processes than the server during a window (median over rounds); a window above ${MAX_INTERFERENCE * 100}% was measured again (at most ${RETRIES} times, the least disturbed kept). CPU-µs per request is the figure that interference disturbs least.`);
  md.push('');
  md.push('## Last line', '', '```', lastLine, '```', '');

  // Targets.
  const target = (name: string, figure: string, ok: boolean | undefined) => `| ${name} | ${figure} | ${ok === undefined ? 'n/a' : ok ? 'yes' : '**no**'} |`;
  const okIf = (x: number, pass: (x: number) => boolean) => (Number.isFinite(x) ? pass(x) : undefined);
  const rssRatio = ratio(byRoute('burrow@20', 'post')?.rssMb, byRoute('express-ajv@20', 'post')?.rssMb);
  const rssRatio1000 = ratio(byRoute('burrow@1000', 'post')?.rssMb, byRoute('express-ajv@1000', 'post')?.rssMb);
  const getVsFloor = ratio(rps('burrow@20', 'getById'), rps('express-ajv@20', 'getById'));
  const nativeVsFastify = ratio(cpu('burrow-native@20', 'post'), cpu('fastify@20', 'post'));
  const b1000 = ROUTES.map((r) => ratio(rps('burrow@1000', r.key), rps('burrow@20', r.key)));
  md.push('## Targets of issue 3', '', '| target | figure | met |', '| --- | --- | --- |');
  md.push(target('Burrow validated routes ≥ 0.9× express-ajv (req/s, 20 ops)', `POST ${r2(burrowVsFloor)}${perRound('burrow@20', 'express-ajv@20', 'post', 'rps')}, GET /items/{id} ${r2(getVsFloor)}`, okIf(Math.min(burrowVsFloor, getVsFloor), (x) => x >= 0.9)));
  md.push(target('Burrow 1000 ops ≥ 0.95× Burrow 20 ops (req/s)', `hello ${r2(b1000[0])}, POST ${r2(b1000[1])}${perRound('burrow@1000', 'burrow@20', 'post', 'rps')}, GET by id ${r2(b1000[2])}; burrow-native: ${ROUTES.map((r) => r2(ratio(rps('burrow-native@1000', r.key), rps('burrow-native@20', r.key)))).join(', ')}`, okIf(Math.min(...b1000), (x) => x >= 0.95)));
  md.push(
    target(
      'Burrow ≥ 3× openapi-backend at 20 ops (req/s, POST)',
      `${r2(burrowVsObe)}${perRound('burrow@20', 'openapi-backend@20', 'post', 'rps')}; express-ajv itself: ${r2(ratio(rps('express-ajv@20', 'post'), rps('openapi-backend@20', 'post')))}; burrow-native: ${r2(ratio(rps('burrow-native@20', 'post'), rps('openapi-backend@20', 'post')))}`,
      okIf(burrowVsObe, (x) => x >= 3),
    ),
  );
  md.push(target('Boot of 1000 operations < 1 s (createKernel → listen)', `${fmt(bootListen, 0)} ms`, okIf(bootListen, (x) => x < 1000)));
  md.push(target('RSS under load ≤ 1.3× express-ajv (POST)', `20 ops ${r2(rssRatio)}, 1000 ops ${r2(rssRatio1000)}`, okIf(Math.max(rssRatio, rssRatio1000), (x) => x <= 1.3)));
  md.push(target('burrow-native CPU/req ≤ 2× node-ajv (POST)', `${r2(nativeVsNode)}${perRound('burrow-native@20', 'node-ajv', 'post', 'cpuUs')} (vs fastify: ${r2(nativeVsFastify)})`, okIf(nativeVsNode, (x) => x <= 2)));
  md.push('');

  // Compact req/s table.
  md.push('## Requests per second (median)', '', '| server | ops | GET /hello | POST /items | GET /items/{id} |', '| --- | ---: | ---: | ---: | ---: |');
  for (const c of configs) {
    md.push(`| ${c.server} | ${c.ops ?? '—'} | ${ROUTES.map((r) => fmt(rps(c.id, r.key) ?? NaN, 0)).join(' | ')} |`);
  }
  md.push('');
  md.push('## CPU-µs per request (median; the steadiest figure)', '', '| server | ops | GET /hello | POST /items | GET /items/{id} |', '| --- | ---: | ---: | ---: | ---: |');
  for (const c of configs) md.push(`| ${c.server} | ${c.ops ?? '—'} | ${ROUTES.map((r) => fmt(cpu(c.id, r.key) ?? NaN, 1)).join(' | ')} |`);
  md.push('');

  // Full table.
  const header = '| server | ops | route | req/s | req/s ×floor | CPU-µs/req | CPU ×floor | p99 ms | RSS MB | rounds | interference |';
  md.push('## Full table', '', header, '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const consoleRows: string[] = [];
  for (const c of configs) {
    for (const r of ROUTES) {
      const m = med(c.id, r.key);
      const f = med(floorOf(c), r.key);
      const bad = broken.get(`${c.id} ${r.key}`) ?? broken.get(c.id);
      if (!m) {
        md.push(`| ${c.server} | ${c.ops ?? '—'} | ${r.label} | ${bad ? `broken: ${bad.replace(/\|/g, '/')}` : 'n/a'} | | | | | | | |`);
        continue;
      }
      const row = [
        c.server,
        c.ops ?? '—',
        r.label,
        fmt(m.rps, 0),
        r2(ratio(m.rps, f?.rps)),
        fmt(m.cpuUs, 1),
        r2(ratio(m.cpuUs, f?.cpuUs)),
        fmt(m.p99Ms, 2),
        fmt(m.rssMb, 0),
        String(m.n) + (m.statusErrors ? ` (${m.statusErrors} non-2xx!)` : ''),
        `${(m.interference * 100).toFixed(0)}%${m.retries ? ` (${m.retries} re-run)` : ''}`,
      ];
      md.push(`| ${row.join(' | ')} |`);
      consoleRows.push(
        `${`${c.server}${c.ops ? `@${c.ops}` : ''}`.padEnd(31)} ${r.label.padEnd(16)} ${String(row[3]).padStart(7)} req/s (${String(row[4]).padStart(5)}×)  ${String(row[5]).padStart(8)} CPU-µs (${String(row[6]).padStart(5)}×)  p99 ${String(row[7]).padStart(7)} ms  RSS ${String(row[8]).padStart(4)} MB`,
      );
    }
  }
  md.push('');

  // Boot.
  md.push('## Boot of Burrow with 1000 operations', '');
  if (boot.error) md.push(`Failed: ${boot.error}`, '');
  else {
    const b = (mode: 'background' | 'lazy' | 'eager', k: string) => fmt(median(boot[mode].map((x: any) => x[k])), 1);
    md.push(`Fresh processes pinned to core 0, median of ${BOOT_RUNS} (eager: 1 run). Module import (tsx, cached) is not counted.`, '');
    md.push('| compile mode | createKernel ms | until listen ms | first request of an uncompiled operation | ms | same request again, ms | RSS MB |', '| --- | ---: | ---: | --- | ---: | ---: | ---: |');
    for (const mode of ['background', 'lazy', 'eager'] as const) {
      if (!boot[mode].length) continue;
      md.push(`| ${mode}${mode === 'background' ? ' (default)' : ''} | ${b(mode, 'createKernelMs')} | ${b(mode, 'listenMs')} | ${boot[mode][0].firstRequest} | ${b(mode, 'firstMs')} | ${b(mode, 'secondMs')} | ${b(mode, 'rssMb')} |`);
    }
    if (boot.background.length && boot.background[0].afterIdleRequest) {
      md.push(
        '',
        `Background mode, after 3 s without traffic: the first ${boot.background[0].afterIdleRequest} (another late operation) took ${b('background', 'afterIdleMs')} ms ` +
          `(a compiled operation answers in about ${b('lazy', 'secondMs')} ms); its validators were ${boot.background.every((x: any) => x.afterIdleCompiledBefore) ? 'already compiled by the warm-up while the server was idle' : 'NOT compiled yet: the warm-up did not progress while the server was idle'} (the kernel's \`requestCompiled\` flag).`,
      );
    }
    md.push('', `Import of core/index.ts: ${b('background', 'importMs')} ms.`, '');
  }

  // Router.
  md.push('## Router micro-benchmark (core/router.ts)', '');
  if (!Array.isArray(routerFigures)) md.push(`Failed: ${routerFigures.error}`, '');
  else {
    md.push('| ops | lookup | path | lookups/s | ns/lookup |', '| ---: | --- | --- | ---: | ---: |');
    for (const f of routerFigures) md.push(`| ${f.ops} | ${f.lookup} | ${f.method} ${f.path} | ${f.perSecond.toLocaleString('en-US')} | ${f.nsPerLookup} |`);
    md.push('');
  }

  // Notes.
  md.push('## Servers', '');
  for (const c of configs) {
    const r = running.find((x) => x.config.id === c.id);
    const extra = r ? Object.entries(r.ready).filter(([k]) => k !== 'port' && k !== 'bootMs').map(([k, v]) => `${k}=${v}`).join(', ') : '';
    md.push(`- ${c.id}: \`${c.script} ${c.args.join(' ')}\`${c.note ? ` — ${c.note}` : ''}${extra ? ` (${extra})` : ''}`);
  }
  if (broken.size) {
    md.push('', '## Broken (not measured)', '');
    for (const [k, v] of broken) md.push(`- ${k}: ${v}`);
  }
  md.push('', 'Boot figures of the peers (initMs and the like) were taken while all servers booted in parallel on both cores: indicative only.', '');
  return { markdown: md.join('\n') + '\n', console: consoleRows.join('\n'), lastLine };
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
