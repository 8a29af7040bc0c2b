/**
 * The resources plugin's performance targets, each against its baseline in the same run
 * (see bench/README.md, "Resources plugin"):
 *
 * 1. `GET /tasks/{id}` (the task with its project and tags) and a 50-row list with one
 *    include (`GET /tasks?limit=50&include=project`) served by the resources plugin
 *    (bench/servers/resources-burrow.ts) ≥ 0.85× the same routes hand-written with
 *    Express + Prisma (bench/servers/resources-express.ts), on SQLite and PostgreSQL;
 * 2. one `POST /batch` of 1000 creates (one transaction) ≥ 20× faster than 1000 single
 *    `POST /tasks` (sequential, keep-alive) through the same plugin server.
 *
 *   node --conditions=burrowjs-source --import tsx bench/resources.ts [--quick]
 *
 * Options:
 *   --quick                1 round, 1 s windows, short warm-ups (about 2 minutes)
 *   --providers a,b        sqlite,postgres (default both)
 *   --rounds N             read rounds, burrow and express interleaved (default 4, quick 1)
 *   --duration S           measured window per route and server, whole seconds (default 3, quick 1)
 *   --warmup S             one mixed warm-up (default 1), repeated until CPU/request is steady
 *   --max-warmup S         first warm-up per server: mixed 1 s runs until CPU/request is steady, at most S s (default 10, quick 3);
 *                          then 1 s of the route before each window
 *   --max-foreign X        a read window during which processes outside this run took more than X of a core
 *                          is measured again (default 0.15)
 *   --max-quiet-wait S     before a window, wait up to S s for such load to drop under X (default 15, quick 2)
 *   --connections N        load generator connections for the reads (default 50)
 *   --batch-size N         creates per batch and single POSTs per measurement (default 1000)
 *   --batch-reps N         measured repetitions of singles + batch (default 3)
 *   --post-concurrency L   concurrency of the single POSTs, a list: the first is the target's
 *                          baseline (default 1 = sequential; full run: 1,8)
 *   --retries N            re-measure a read window when processes outside this run (other sessions'
 *                          tests...) took more than --max-foreign (default 0.15) of a core (default 2, quick 0)
 *   --loader wrk|autocannon  default: wrk when installed
 *   --adapter express|node the plugin server's adapter (default express)
 *   --out FILE             default bench/RESULTS-resources.md
 *   --profile S            no benchmark: run one scenario against burrow (or --profile-server express)
 *                          under `node --cpu-prof` and print where its CPU time goes;
 *                          S = get | list | single | batch | batch-nested (createProjectTask items); --seconds N (default 8)
 */
import { spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { flag, median, option } from './lib/args.js';
import { startBenchServer, type BenchServer } from './lib/server.js';
import { runLoad as runSharedLoad, type LoadRequest, type LoadResult } from './lib/load.js';
import { CLK_TCK, coreTicks, cpuTicks, cpusAllowed, hasCommand, pin, rssKb, ticksToUs, waitIdle } from './lib/proc.js';
import { openPrisma, type AnyPrisma, type Provider } from './servers/resources-common.js';
import pg from 'pg';
import { POSTGRES_ADMIN_URL, createPostgresDatabase, deployExample } from '../test/helpers/databases.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);

const QUICK = flag('quick');
const PROVIDERS = (option('providers') ?? 'sqlite,postgres').split(',').map((p) => (p === 'pg' ? 'postgres' : p)) as Provider[];
const ROUNDS = Number(option('rounds') ?? (QUICK ? 1 : 4));
const DURATION = Number(option('duration') ?? (QUICK ? 1 : 3));
const WARMUP = Number(option('warmup') ?? 1);
const MAX_WARMUP = Number(option('max-warmup') ?? (QUICK ? 3 : 10));
/** Seconds of load of a route right before each of its windows. */
const PRE_WINDOW = 1;
/** Before a window: wait at most this long for the load of processes outside this run to drop under MAX_FOREIGN. */
const MAX_QUIET_WAIT_MS = Number(option('max-quiet-wait') ?? (QUICK ? 2 : 15)) * 1000;
const CONNECTIONS = Number(option('connections') ?? 50);
const BATCH_SIZE = Number(option('batch-size') ?? 1000);
const BATCH_REPS = Number(option('batch-reps') ?? 3);
const POST_CONCURRENCY = (option('post-concurrency') ?? (QUICK ? '1' : '1,8')).split(',').map(Number);
const RETRIES = Number(option('retries') ?? (QUICK ? 0 : 2));
/** A read window during which processes outside this run took more than this share of a core is measured again. */
const MAX_FOREIGN = Number(option('max-foreign') ?? 0.15);
const ADAPTER = option('adapter') ?? 'express';
const OUT = option('out') ?? join(BENCH, 'RESULTS-resources.md');
const PROFILE = option('profile') as 'get' | 'list' | 'single' | 'batch' | 'batch-nested' | undefined;
const IDLE = { windowMs: 50, slackTicks: 1 };

/** Seed: 2 projects, 6 tags, 2000 tasks (0 to 3 tags each). */
const SEED_TASKS = 2000;
const TAG_NAMES = ['bug', 'feature', 'docs', 'urgent', 'backend', 'frontend'];
/** GET by id cycles over this many ids spread over the seeded tasks. */
const GET_IDS = 100;
const LIST_PATH = '/tasks?limit=50&include=project';
const TARGET_READ = 0.85;
const TARGET_BATCH = 20;

const canPin = process.platform === 'linux' && hasCommand('taskset') && os.cpus().length >= 2;
const SERVER_CORE = 0;
const LOAD_CORE = 1;
const loader = (option('loader') ?? (hasCommand('wrk') ? 'wrk' : 'autocannon')) as 'wrk' | 'autocannon';
const loadPrefix = canPin ? ['taskset', '-c', String(LOAD_CORE)] : [];

const log = (...a: unknown[]) => console.log(...a);
const fmt = (x: number | undefined, digits = 0) => (x === undefined || !Number.isFinite(x) ? '—' : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const r2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

// ---------------------------------------------------------------------------
// Cleanup: child processes are killed and databases dropped however the run ends.

const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void>)[] = [];
/** Databases not closed yet: closed (client disconnected, file deleted / database dropped) by `cleanup()` too. */
const openDatabases = new Set<Database>();
let cleaning: Promise<void> | undefined;
/** Set on SIGINT/SIGTERM: nothing is measured or written any more. */
let interrupted = false;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const db of [...openDatabases]) await closeDatabase(db);
    for (const fn of cleanups.splice(0).reverse()) await fn().catch((e: unknown) => log(`cleanup: ${(e as Error).message}`));
  })();
  return cleaning;
}
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    interrupted = true;
    log(`\n${sig}: stopping the servers and dropping the databases; no results written`);
    void cleanup().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------
// Databases.

interface Database {
  provider: Provider;
  url: string;
  prisma: AnyPrisma;
  /** The largest seeded task id (Prisma's value: a number on SQLite, a bigint on PostgreSQL). */
  maxSeedId: number | bigint;
  projectId: number;
  taskIds: string[];
  /** Disconnects the runner's client, then deletes the file / drops the database. */
  close: (() => Promise<void>)[];
}

async function closeDatabase(db: Database): Promise<void> {
  if (!openDatabases.delete(db)) return;
  for (const fn of db.close.reverse()) await fn().catch((e: unknown) => log(`cleanup of the ${db.provider} database: ${(e as Error).message}`));
}

async function openDatabase(provider: Provider): Promise<Database> {
  const close: (() => Promise<void>)[] = [];
  const pending = { provider, close } as unknown as Database;
  openDatabases.add(pending);
  let url: string;
  if (provider === 'sqlite') {
    const dir = mkdtempSync(join(os.tmpdir(), 'burrow-bench-resources-'));
    url = `file:${join(dir, 'bench.db')}`;
    close.push(async () => rmSync(dir, { recursive: true, force: true }));
  } else {
    const created = await createPostgresDatabase();
    url = created.url;
    close.push(() => created.drop());
  }
  await deployExample(provider, url);
  const prisma = openPrisma(provider, url);
  close.push(() => prisma.$disconnect());
  const t0 = performance.now();
  const seeded = await seed(prisma, provider);
  log(`  ${provider}: migrated and seeded (2 projects, ${TAG_NAMES.length} tags, ${SEED_TASKS} tasks, ${seeded.links} task-tag links) in ${Math.round(performance.now() - t0)} ms`);
  const { links: _links, ...rest } = seeded;
  return Object.assign(pending, { url, prisma, ...rest });
}

/** Always the same data: fixed dates, values cycling by task number. */
async function seed(prisma: AnyPrisma, provider: Provider) {
  const at = (minutes: number) => new Date(Date.UTC(2026, 0, 5, 9, 0, 0) + minutes * 60_000);
  const user = await prisma.user.create({ data: { email: 'bench@example.com', name: 'Bench', passwordHash: 'scrypt$not-a-hash' } });
  const projects = [
    await prisma.project.create({ data: { name: 'Website', description: 'The public site and its blog.', ownerId: user.id, createdAt: at(0) } }),
    await prisma.project.create({ data: { name: 'Mobile app', description: null, ownerId: user.id, createdAt: at(1) } }),
  ];
  await prisma.tag.createMany({ data: TAG_NAMES.map((name) => ({ name })) });
  const tags = await prisma.tag.findMany({ orderBy: { id: 'asc' }, select: { id: true } });
  const statuses = ['todo', 'in_progress', 'done'] as const;
  const rows = Array.from({ length: SEED_TASKS }, (_, i) => ({
    title: `Task ${i + 1}: ${['write the docs', 'fix the login', 'ship the release', 'review the API'][i % 4]}`,
    description: i % 2 ? `Details of task ${i + 1}, with a few more words to make it a realistic text.` : null,
    status: statuses[i % 3],
    priority: (i % 5) + 1,
    dueDate: i % 3 === 0 ? new Date(Date.UTC(2026, 5, 1 + (i % 28))) : null,
    estimate: i % 2 === 0 ? `${(i % 40) + 0.5}` : null,
    ...(i % 4 === 0 ? { meta: { n: i, labels: ['a', 'b'], nested: { ok: true } } } : {}),
    projectId: projects[i % 2]!.id,
    assigneeId: i % 3 === 1 ? user.id : null,
    createdAt: at(10 + i),
    updatedAt: at(10 + i),
  }));
  for (let i = 0; i < rows.length; i += 500) await prisma.task.createMany({ data: rows.slice(i, i + 500) as never });
  const ids = (await prisma.task.findMany({ orderBy: { id: 'asc' }, select: { id: true } })).map((t) => t.id as number | bigint);
  // Task-tag links (implicit many-to-many table `_TagToTask`: A = Tag.id, B = Task.id), 0 to 3 per task.
  const links: string[] = [];
  ids.forEach((id, i) => {
    for (let k = 0; k < i % 4; k++) links.push(`(${tags[(i + k) % tags.length]!.id}, ${String(id)})`);
  });
  for (let i = 0; i < links.length; i += 1000) await prisma.$executeRawUnsafe(`INSERT INTO "_TagToTask" ("A", "B") VALUES ${links.slice(i, i + 1000).join(', ')}`);
  if (provider === 'postgres') await prisma.$executeRawUnsafe('ANALYZE');
  const step = Math.floor(ids.length / GET_IDS);
  return {
    maxSeedId: ids[ids.length - 1]!,
    projectId: projects[0]!.id,
    taskIds: Array.from({ length: GET_IDS }, (_, k) => String(ids[k * step + 1]!)),
    links: links.length,
  };
}

/** Removes the tasks the write measurements created (the tables stay as seeded). */
async function removeCreated(db: Database): Promise<number> {
  return (await db.prisma.task.deleteMany({ where: { id: { gt: db.maxSeedId as number } } })).count;
}

// ---------------------------------------------------------------------------
// Servers.

type ServerName = 'burrow' | 'express';

interface Running extends BenchServer {
  name: ServerName;
  provider: Provider;
  stop(): Promise<void>;
}

async function startServer(name: ServerName, db: Database, extraNodeArgs: string[] = []): Promise<Running> {
  const script = join('bench', 'servers', `resources-${name}.ts`);
  const cmd = [
    ...(canPin ? ['taskset', '-c', `${SERVER_CORE},${LOAD_CORE}`] : []),
    process.execPath,
    '--conditions=burrowjs-source',
    '--import',
    'tsx',
    ...extraNodeArgs,
    script,
    '--provider',
    db.provider,
    '--url',
    db.url,
    ...(name === 'burrow' ? ['--adapter', ADAPTER] : []),
  ];
  const server = await startBenchServer(cmd, {
    id: `${name}/${db.provider}`,
    cwd: ROOT,
    timeoutMs: 120_000,
    onSpawn: (child) => {
      children.add(child);
      child.on('exit', () => children.delete(child));
    },
  });
  const { child } = server;
  return {
    ...server,
    name,
    provider: db.provider,
    stop: () =>
      new Promise<void>((res) => {
        if (child.exitCode !== null || child.signalCode !== null) return res();
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(t);
          res();
        });
        child.kill('SIGTERM');
      }),
  };
}

// ---------------------------------------------------------------------------
// HTTP: the load generator for the reads, a keep-alive client for the writes.

type Req = LoadRequest;

/** wrk (one thread) or autocannon (a child), pinned to the load core, cycling over `requests` (bench/lib/load.ts). */
function runLoad(port: number, requests: Req[], seconds: number, connections = CONNECTIONS): Promise<LoadResult> {
  return runSharedLoad(port, requests, { loader, pinPrefix: loadPrefix, connections, seconds });
}

const agents = new Map<number, http.Agent>();
/** One request over a keep-alive connection. */
function send(port: number, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  let agent = agents.get(port);
  if (!agent) agents.set(port, (agent = new http.Agent({ keepAlive: true, maxSockets: 64 })));
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent, headers: body === undefined ? headers : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// ---------------------------------------------------------------------------
// Foreign load: CPU time of processes that are not part of this run (other test runs on
// a shared machine), on both cores: busy time of cores 0 and 1, minus the server's, the
// runner's and its reaped children's (the load generator), and this run's PostgreSQL
// backends'. A window disturbed above MAX_FOREIGN is measured again (--retries).

/** utime + stime + cutime + cstime of this process: itself and its reaped children (the load generators). */
function runnerTicks(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
}

/** One admin connection for the whole run (a new one per question would fork a backend each time: foreign load). */
let admin: Promise<pg.Client> | undefined;
async function backendPids(db: Database): Promise<number[]> {
  if (db.provider !== 'postgres') return [];
  admin ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await client.connect();
    cleanups.push(() => client.end());
    return client;
  })();
  const name = new URL(db.url).pathname.slice(1);
  const { rows } = await (await admin).query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [name]);
  return rows.map((r) => Number(r.pid));
}

function ticksOf(pids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      out.set(pid, cpuTicks(pid));
    } catch {
      // Gone.
    }
  }
  return out;
}

interface Meter {
  stop(): Promise<{ foreign: number; dbShare: number }>;
}

/** Starts measuring foreign load; `stop()` returns it as a share of one core over the interval, and the database backends' share. */
async function foreignMeter(server: Running, db: Database): Promise<Meter> {
  const before = await backendPids(db);
  const b0 = ticksOf(before);
  const c0 = coreTicks(SERVER_CORE).busy + coreTicks(LOAD_CORE).busy;
  const s0 = cpuTicks(server.pid);
  const r0 = runnerTicks();
  const w0 = performance.now();
  return {
    async stop() {
      const r1 = runnerTicks();
      const s1 = cpuTicks(server.pid);
      const c1 = coreTicks(SERVER_CORE).busy + coreTicks(LOAD_CORE).busy;
      const after = await backendPids(db);
      const b1 = ticksOf([...new Set([...before, ...after])]);
      let backends = 0;
      for (const [pid, t] of b1) backends += t - (b0.get(pid) ?? 0);
      const wall = ((performance.now() - w0) / 1000) * CLK_TCK;
      return { foreign: Math.max(0, (c1 - c0 - (s1 - s0) - (r1 - r0) - backends) / wall), dbShare: backends / wall };
    },
  };
}

// ---------------------------------------------------------------------------
// Reads: the two servers answer the same, then interleaved windows.

const getRequests = (db: Database): Req[] => db.taskIds.map((id) => ({ method: 'GET', path: `/tasks/${id}` }));
const listRequests: Req[] = [{ method: 'GET', path: LIST_PATH }];
type ReadRoute = 'get' | 'list';
const READ_ROUTES: { key: ReadRoute; label: string; requests: (db: Database) => Req[] }[] = [
  { key: 'get', label: 'GET /tasks/{id}', requests: getRequests },
  { key: 'list', label: `GET ${LIST_PATH}`, requests: () => listRequests },
];
/** The warm-up: both routes in turn. */
const mixedRequests = (db: Database): Req[] => db.taskIds.slice(0, 20).flatMap((id) => [{ method: 'GET', path: `/tasks/${id}` }, ...listRequests] as Req[]);

/** Both servers must answer the measured requests with equal JSON (the list's opaque cursor aside), and a 400 to a bad id. */
async function checkSameAnswers(burrow: Running, express: Running, db: Database): Promise<string[]> {
  const problems: string[] = [];
  const paths = [`/tasks/${db.taskIds[0]}`, `/tasks/${db.taskIds[1]}`, `/tasks/${db.taskIds[3]}`, LIST_PATH, '/tasks?limit=5&include=project,tags'];
  for (const path of paths) {
    const [a, b] = await Promise.all([send(burrow.port, 'GET', path), send(express.port, 'GET', path)]);
    if (a.status !== 200 || b.status !== 200) {
      problems.push(`${path}: burrow ${a.status}, express ${b.status} (${a.body.slice(0, 300)} | ${b.body.slice(0, 300)})`);
      continue;
    }
    const norm = (text: string) => {
      const json = JSON.parse(text);
      if (json && typeof json.nextCursor === 'string') json.nextCursor = '<cursor>';
      return json;
    };
    const [ja, jb] = [norm(a.body), norm(b.body)];
    if (!isDeepStrictEqual(ja, jb)) problems.push(`${path}: the bodies differ:\n    burrow  ${JSON.stringify(ja).slice(0, 600)}\n    express ${JSON.stringify(jb).slice(0, 600)}`);
  }
  for (const path of ['/tasks/abc', '/tasks?limit=500']) {
    const [a, b] = await Promise.all([send(burrow.port, 'GET', path), send(express.port, 'GET', path)]);
    if (a.status !== 400 || b.status !== 400) problems.push(`${path}: expected 400 from both, burrow ${a.status}, express ${b.status}`);
  }
  return problems;
}

interface ReadSample {
  rps: number;
  cpuUs: number;
  p50Ms: number;
  p99Ms: number;
  rssMb: number;
  served: number;
  statusErrors: number;
  socketErrors: number;
  /** CPU of processes outside this run during the window, as a share of one core (both cores counted). */
  foreign: number;
  /** CPU of this run's PostgreSQL backends, as a share of one core. */
  dbShare: number;
}

/** Mixed warm-ups (both routes in turn) until two in a row agree on CPU per request within 10%, at most MAX_WARMUP seconds. */
async function warmUp(server: Running, db: Database): Promise<void> {
  const budget = MAX_WARMUP;
  let previous = NaN;
  let runs = 0;
  for (let spent = 0; spent < budget; spent += WARMUP) {
    const c0 = await server.count();
    const t0 = cpuTicks(server.pid);
    await runLoad(server.port, mixedRequests(db), WARMUP);
    await waitIdle(server.pid, IDLE);
    const perRequest = (cpuTicks(server.pid) - t0) / Math.max(1, (await server.count()) - c0);
    runs++;
    if (runs >= 2 && Math.abs(perRequest - previous) / perRequest < 0.1) break;
    previous = perRequest;
  }
}

/** Waits (at most MAX_QUIET_WAIT_MS) until processes outside this run use less than MAX_FOREIGN of a core over 300 ms. */
async function waitQuiet(server: Running, db: Database): Promise<void> {
  const start = Date.now();
  await waitIdle(server.pid, IDLE);
  while (Date.now() - start < MAX_QUIET_WAIT_MS) {
    const meter = await foreignMeter(server, db);
    await new Promise((r) => setTimeout(r, 300));
    if ((await meter.stop()).foreign <= MAX_FOREIGN) return;
  }
}

async function measureWindow(server: Running, db: Database, requests: Req[]): Promise<ReadSample> {
  await waitIdle(server.pid, IDLE);
  const c0 = await server.count();
  const t0 = cpuTicks(server.pid);
  const meter = await foreignMeter(server, db);
  let rssMax = rssKb(server.pid);
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssKb(server.pid))), 200);
  let result: LoadResult;
  try {
    result = await runLoad(server.port, requests, DURATION);
  } finally {
    clearInterval(sampler);
  }
  // Requests the load generator abandoned at the end of its window are still served.
  await waitIdle(server.pid, IDLE);
  const served = (await server.count()) - c0;
  const t1 = cpuTicks(server.pid);
  const { foreign, dbShare } = await meter.stop();
  return {
    rps: result.requests / (result.duration_us / 1e6),
    cpuUs: served > 0 ? ticksToUs(t1 - t0) / served : NaN,
    p50Ms: result.p50_us / 1000,
    p99Ms: result.p99_us / 1000,
    rssMb: rssMax / 1024,
    served,
    statusErrors: result.status_errors,
    socketErrors: result.socket_errors,
    foreign,
    dbShare,
  };
}

// ---------------------------------------------------------------------------
// Writes: N single POSTs against one batch of N creates, through the plugin server.

interface WriteSample {
  /** `batch`: createTask items (the target); `batch-nested`: createProjectTask items (informative, see measureWrites). */
  kind: 'single' | 'batch' | 'batch-nested';
  concurrency: number;
  ms: number;
  /** Server CPU per created task. */
  cpuUs: number;
  created: number;
}

function taskBody(db: Database, i: number): Record<string, unknown> {
  return {
    title: `Bench task ${i}`,
    description: i % 2 ? 'Created by the batch benchmark.' : null,
    status: ['todo', 'in_progress', 'done'][i % 3],
    priority: (i % 5) + 1,
    dueDate: i % 3 === 0 ? '2026-12-01' : null,
    estimate: i % 2 === 0 ? '1.5' : null,
    ...(i % 4 === 0 ? { meta: { n: i } } : {}),
    projectId: db.projectId,
  };
}

async function singles(server: Running, db: Database, n: number, concurrency: number): Promise<WriteSample> {
  const bodies = Array.from({ length: n }, (_, i) => JSON.stringify(taskBody(db, i)));
  await waitIdle(server.pid, IDLE);
  const t0 = cpuTicks(server.pid);
  const w0 = performance.now();
  let next = 0;
  let created = 0;
  const failures: string[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const res = await send(server.port, 'POST', '/tasks', bodies[next++]);
        if (res.status === 201) created++;
        else if (failures.length < 3) failures.push(`${res.status} ${res.body.slice(0, 300)}`);
      }
    }),
  );
  const ms = performance.now() - w0;
  await waitIdle(server.pid, IDLE);
  if (failures.length) throw new Error(`POST /tasks failed: ${failures.join(' | ')}`);
  return { kind: 'single', concurrency, ms, cpuUs: ticksToUs(cpuTicks(server.pid) - t0) / n, created };
}

async function batch(server: Running, db: Database, n: number, nested = false): Promise<WriteSample> {
  const item = (i: number) =>
    nested
      ? { operationId: 'createProjectTask', params: { id: db.projectId }, body: { title: `Bench task ${i}`, status: ['todo', 'in_progress', 'done'][i % 3], priority: (i % 5) + 1 } }
      : { operationId: 'createTask', body: taskBody(db, i) };
  const body = JSON.stringify({ items: Array.from({ length: n }, (_, i) => item(i)) });
  await waitIdle(server.pid, IDLE);
  const t0 = cpuTicks(server.pid);
  const w0 = performance.now();
  const res = await send(server.port, 'POST', '/batch', body);
  const ms = performance.now() - w0;
  await waitIdle(server.pid, IDLE);
  if (res.status !== 200) throw new Error(`POST /batch answered ${res.status}: ${res.body.slice(0, 500)}`);
  const items = JSON.parse(res.body).items as { status: number }[];
  const created = items.filter((i) => i.status === 201).length;
  if (created !== n) throw new Error(`POST /batch created ${created} of ${n}`);
  return { kind: nested ? 'batch-nested' : 'batch', concurrency: 1, ms, cpuUs: ticksToUs(cpuTicks(server.pid) - t0) / n, created };
}

/**
 * Singles and batches, alternating their order every repetition. Besides the target's
 * batch (createTask items), one batch of createProjectTask items (`POST
 * /projects/{id}/tasks`, whose body schema declares no relation): the plugin inserts a
 * run of those with one `createManyAndReturn`, while createTask's schema declares `tags`
 * (a relation), which sends every createTask item through its own `create`. Its
 * speed-up is computed against the same single POST /tasks (which are cheaper than
 * single nested creates: those run in a transaction), so it is a lower bound.
 */
async function measureWrites(server: Running, db: Database): Promise<WriteSample[]> {
  const out: WriteSample[] = [];
  // Warm-up: the three paths JIT-compiled, the batch's validators used — the batches at full
  // size, twice (Prisma compiles and caches a plan per shape: a first 1000-row insert costs
  // about 2.5× a later one, which is not what a server under way pays).
  const warm = Math.min(200, BATCH_SIZE);
  await singles(server, db, warm, 1);
  for (let i = 0; i < 2; i++) {
    await batch(server, db, BATCH_SIZE);
    await batch(server, db, BATCH_SIZE, true);
    await removeCreated(db);
  }
  await removeCreated(db);
  type What = number | 'batch' | 'batch-nested';
  for (let rep = 0; rep < BATCH_REPS; rep++) {
    const order: What[] = rep % 2 ? ['batch', 'batch-nested', ...POST_CONCURRENCY] : [...POST_CONCURRENCY, 'batch', 'batch-nested'];
    for (const what of order) {
      const s = typeof what === 'number' ? await singles(server, db, BATCH_SIZE, what) : await batch(server, db, BATCH_SIZE, what === 'batch-nested');
      await removeCreated(db);
      out.push(s);
      const label = s.kind === 'single' ? `${BATCH_SIZE} POST /tasks, concurrency ${s.concurrency}` : `1 POST /batch of ${BATCH_SIZE} ${s.kind === 'batch' ? 'createTask' : 'createProjectTask'}`;
      log(`  ${db.provider.padEnd(8)} ${label.padEnd(42)} ${fmt(s.ms, 0).padStart(6)} ms  ${fmt(s.cpuUs, 0).padStart(5)} server CPU-µs per task`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// One provider: database, servers, reads, writes.

interface ProviderResult {
  provider: Provider;
  reads: Record<ServerName, Record<ReadRoute, ReadSample[]>>;
  writes: WriteSample[];
  problems: string[];
  ready: Record<ServerName, Record<string, unknown>>;
}

async function runProvider(provider: Provider): Promise<ProviderResult> {
  log(`\n== ${provider}`);
  const result: ProviderResult = { provider, reads: { burrow: { get: [], list: [] }, express: { get: [], list: [] } }, writes: [], problems: [], ready: {} as never };
  let db: Database | undefined;
  let started: Running[] = [];
  try {
    db = await openDatabase(provider);
    const booting = [startServer('burrow', db), startServer('express', db)];
    const settled = await Promise.allSettled(booting);
    started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    for (const s of settled) if (s.status === 'rejected') throw s.reason;
    for (const s of started) {
      if (canPin) {
        pin(s.pid, SERVER_CORE);
        const allowed = cpusAllowed(s.pid);
        if (allowed !== String(SERVER_CORE)) throw new Error(`${s.name} is not pinned (Cpus_allowed_list ${allowed})`);
      }
      result.ready[s.name] = s.ready;
      log(`  ${s.name.padEnd(8)} pid ${s.pid} port ${s.port} ${JSON.stringify(s.ready)}`);
    }
    await Promise.all(started.map((s) => waitIdle(s.pid, { windowMs: 200, maxMs: 30_000 })));
    const [burrow, express] = started as [Running, Running];
    const problems = await checkSameAnswers(burrow, express, db);
    if (problems.length) {
      for (const p of problems) log(`  !! ${p}`);
      throw new Error(`${provider}: the two servers do not answer the same (see above): not measured`);
    }
    log('  answers checked: both servers return equal JSON for GET /tasks/{id} and the lists, and 400 to a bad id / limit');
    // First: every server warmed up with both routes until its CPU per request is steady.
    for (const server of [burrow, express]) await warmUp(server, db);
    for (let round = 0; round < ROUNDS; round++) {
      log(`  -- round ${round + 1}/${ROUNDS}`);
      for (const [k, route] of READ_ROUTES.entries()) {
        // The servers alternate window by window; who goes first alternates too.
        for (const server of (round + k) % 2 ? [express, burrow] : [burrow, express]) {
          let sample: ReadSample | undefined;
          for (let attempt = 0; attempt <= RETRIES; attempt++) {
            // A short warm-up of this route right before its window (JIT state, caches, a heap
            // the memory reducer shrank while the other server was measured).
            await runLoad(server.port, route.requests(db), PRE_WINDOW);
            await waitQuiet(server, db);
            const s = await measureWindow(server, db, route.requests(db));
            if (!sample || s.foreign < sample.foreign) sample = s;
            if (s.foreign <= MAX_FOREIGN) break;
            if (attempt < RETRIES) log(`  ${server.name.padEnd(8)} ${route.label.padEnd(38)} processes outside this run took ${fmt(s.foreign * 100)}% of a core: measuring again`);
          }
          result.reads[server.name][route.key].push(sample!);
          const warn = (sample!.statusErrors ? `  !! ${sample!.statusErrors} non-2xx` : '') + (sample!.socketErrors ? `  !! ${sample!.socketErrors} socket errors` : '');
          log(`  ${server.name.padEnd(8)} ${route.label.padEnd(38)} ${fmt(sample!.rps).padStart(6)} req/s  ${fmt(sample!.cpuUs, 0).padStart(5)} CPU-µs/req  p99 ${fmt(sample!.p99Ms, 1).padStart(6)} ms  RSS ${fmt(sample!.rssMb)} MB  ${provider === 'postgres' ? `db ${fmt(sample!.dbShare * 100)}%  ` : ''}foreign ${fmt(sample!.foreign * 100)}%${warn}`);
        }
      }
    }
    await express.stop();
    log(`  -- writes (plugin server only; express stopped)`);
    result.writes = await measureWrites(burrow, db);
  } catch (error) {
    result.problems.push((error as Error).message);
    log(`  FAILED: ${(error as Error).message}`);
  } finally {
    await Promise.all(started.map((s) => s.stop()));
    if (db) await closeDatabase(db);
  }
  return result;
}


// ---------------------------------------------------------------------------
// Summary.

interface Figures {
  rps: Record<ServerName, number>;
  cpu: Record<ServerName, number>;
  p99: Record<ServerName, number>;
  rpsRatio: number;
  cpuRatio: number;
  roundRatios: number[];
  errors: number;
  foreign: number;
  dbShare: Record<ServerName, number>;
}

function readFigures(r: ProviderResult, route: ReadRoute): Figures {
  const m = (s: ServerName, f: keyof ReadSample) => median(r.reads[s][route].map((x) => x[f]));
  const rps = { burrow: m('burrow', 'rps'), express: m('express', 'rps') };
  const cpu = { burrow: m('burrow', 'cpuUs'), express: m('express', 'cpuUs') };
  const b = r.reads.burrow[route];
  const e = r.reads.express[route];
  return {
    rps,
    cpu,
    p99: { burrow: m('burrow', 'p99Ms'), express: m('express', 'p99Ms') },
    rpsRatio: rps.burrow / rps.express,
    cpuRatio: cpu.burrow / cpu.express,
    roundRatios: b.slice(0, e.length).map((x, i) => x.rps / e[i]!.rps),
    errors: [...b, ...e].reduce((a, x) => a + x.statusErrors + x.socketErrors, 0),
    foreign: median([...b, ...e].map((x) => x.foreign)),
    dbShare: { burrow: m('burrow', 'dbShare'), express: m('express', 'dbShare') },
  };
}

function writeFigures(r: ProviderResult) {
  const batchMs = median(r.writes.filter((w) => w.kind === 'batch').map((w) => w.ms));
  const batchCpu = median(r.writes.filter((w) => w.kind === 'batch').map((w) => w.cpuUs));
  const single = POST_CONCURRENCY.map((c) => {
    const xs = r.writes.filter((w) => w.kind === 'single' && w.concurrency === c);
    const ms = median(xs.map((w) => w.ms));
    return { concurrency: c, ms, cpuUs: median(xs.map((w) => w.cpuUs)), speedup: ms / batchMs };
  });
  const nested = r.writes.filter((w) => w.kind === 'batch-nested');
  const nestedMs = median(nested.map((w) => w.ms));
  return { batchMs, batchCpu, single, speedup: single[0]?.speedup ?? NaN, nestedMs, nestedCpu: median(nested.map((w) => w.cpuUs)), nestedSpeedup: (single[0]?.ms ?? NaN) / nestedMs };
}

function summarise(results: ProviderResult[], startedAt: number) {
  const short = (p: Provider) => (p === 'postgres' ? 'pg' : p);
  const parts: string[] = [];
  const disturbed: string[] = [];
  for (const r of results) {
    for (const route of ['get', 'list'] as const) {
      const f = readFigures(r, route);
      parts.push(`${route} ${short(r.provider)}=${r2(f.rpsRatio)}`);
      if (f.foreign > MAX_FOREIGN) disturbed.push(`${route} ${short(r.provider)} (${fmt(f.foreign * 100)}%)`);
    }
  }
  const batchParts = results.map((r) => {
    const x = writeFigures(r).speedup;
    return `${short(r.provider)}=${Number.isFinite(x) ? `${x.toFixed(1)}x` : 'n/a'}`;
  });
  const lastLine = `resources: ${parts.join(' ')} batch${BATCH_SIZE}/single ${batchParts.join(' ')}`;
  const cpuParts: string[] = [];
  for (const r of results) for (const route of ['get', 'list'] as const) cpuParts.push(`${route} ${short(r.provider)}=${r2(1 / readFigures(r, route).cpuRatio)}`);
  const cpuLine =
    `resources (CPU per request, express/burrow: the same ratio from the server's CPU time): ${cpuParts.join(' ')}` +
    (disturbed.length ? `\nDISTURBED (processes outside this run took more than ${MAX_FOREIGN * 100}% of a core; run again): ${disturbed.join(', ')}` : '');

  const md: string[] = [];
  const cpuModel = os.cpus()[0]?.model ?? 'unknown CPU';
  const loaderVersion =
    loader === 'wrk'
      ? safe(() => `${spawnSync('wrk', ['-v']).stdout}`.split('\n')[0]!.split(' [')[0]) || 'wrk'
      : `autocannon ${safe(() => JSON.parse(readFileSync(join(BENCH, 'node_modules/autocannon/package.json'), 'utf8')).version)}`;
  const prismaVersion = safe(() => JSON.parse(readFileSync(join(ROOT, 'node_modules/@prisma/client/package.json'), 'utf8')).version);
  const pgVersion = results.some((r) => r.provider === 'postgres') ? safe(() => execFileSync('psql', ['--version']).toString().trim()) : undefined;
  const commit = safe(() => execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim());
  const dirty = safe(() => execFileSync('git', ['status', '--porcelain', '--', 'plugins/resources', 'core'], { cwd: ROOT }).toString().trim() !== '');
  md.push(`# Resources plugin benchmark${QUICK ? ' (quick mode)' : ''}`, '');
  md.push(`- Date: ${new Date(startedAt).toISOString()} (took ${Math.round((Date.now() - startedAt) / 1000)} s); command: \`node --conditions=burrowjs-source --import tsx bench/resources.ts${process.argv.length > 2 ? ' ' + process.argv.slice(2).join(' ') : ''}\``);
  md.push(`- Machine: ${cpuModel}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}; a shared VM: compare the ratios of one run, not absolute figures across runs`);
  if (commit) md.push(`- Burrow: commit ${commit}${dirty ? ' with uncommitted changes in core/ or plugins/resources/' : ''}; Prisma client ${prismaVersion ?? '?'} (driver adapters: libsql for SQLite, pg for PostgreSQL)${pgVersion ? `; ${pgVersion}, 127.0.0.1, its backends not pinned` : ''}`);
  md.push(`- Servers: one child process each (\`node --conditions=burrowjs-source --import tsx\`, \`NODE_ENV=production\`), ${canPin ? `pinned to core ${SERVER_CORE} (taskset)` : 'NOT pinned'}; the plugin through ${ADAPTER === 'express' ? 'Express (`listen()` of burrowjs/express)' : 'node:http (`kernel.listen()`)'}, logger \`error\`, response validation sampled (production default, 5%)`);
  md.push(`- Reads: ${loaderVersion}, ${CONNECTIONS} connections, ${canPin ? `pinned to core ${LOAD_CORE}` : 'not pinned'}; ${ROUNDS} round(s), burrow and express interleaved (the order alternates), first warmed up (${WARMUP} s runs of both routes until the CPU per request is steady, at most ${MAX_WARMUP} s); then, route by route, the servers alternate (who goes first alternates too), each window preceded by ${PRE_WINDOW} s of the same route; a ${DURATION} s window per route and server and round; medians over rounds`);
  md.push(`- Database per provider, seeded once: 1 user, 2 projects, ${TAG_NAMES.length} tags, ${SEED_TASKS} tasks (0 to 3 tags each, descriptions, dates, decimals, JSON); GET by id cycles over ${GET_IDS} ids`);
  md.push(`- Foreign load: CPU time of processes outside this run (other sessions' test runs on this shared machine) on both cores during a read window, as a share of one core${RETRIES ? `; a window above ${MAX_FOREIGN * 100}% was measured again (at most ${RETRIES} times, the least disturbed kept)` : ''}. The CPU-µs per request is the figure it disturbs least
- Writes: against the plugin server alone, ${BATCH_SIZE} single \`POST /tasks\` (keep-alive, concurrency ${POST_CONCURRENCY.join(' and ')}; the target uses ${POST_CONCURRENCY[0]}${POST_CONCURRENCY[0] === 1 ? ': sequential' : ''}) and one \`POST /batch\` of ${BATCH_SIZE} \`createTask\` items (one transaction); wall time from the first request sent to the last answer received; ${BATCH_REPS} repetition(s) after a warm-up (200 singles, two full-size batches of each kind), medians; the created tasks are deleted after each measurement`);
  md.push('');
  md.push('## Last line', '', '```', cpuLine, lastLine, '```', '');

  md.push('## Targets', '', '| target | provider | figure | met |', '| --- | --- | --- | --- |');
  const met = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'yes' : '**no**');
  for (const r of results) {
    for (const route of ['get', 'list'] as const) {
      const f = readFigures(r, route);
      const rounds = f.roundRatios.length > 1 ? ` (rounds ${Math.min(...f.roundRatios).toFixed(2)}–${Math.max(...f.roundRatios).toFixed(2)})` : '';
      const disturbed = f.foreign > MAX_FOREIGN ? ` — **disturbed**: processes outside this run took ${fmt(f.foreign * 100)}% of a core (median), run again` : '';
      md.push(`| ${route === 'get' ? 'GET /tasks/{id}' : `GET ${LIST_PATH}`}: plugin ≥ ${TARGET_READ}× hand-written (req/s) | ${r.provider} | ${r2(f.rpsRatio)}${rounds}; CPU per request ${r2(f.cpuRatio)}× (≤ ${r2(1 / TARGET_READ)} ⇔ ≥ ${TARGET_READ}× on CPU)${disturbed} | ${met(Number.isFinite(f.rpsRatio) ? f.rpsRatio >= TARGET_READ : undefined)} |`);
    }
    const w = writeFigures(r);
    md.push(`| ${BATCH_SIZE} creates: 1 batch ≥ ${TARGET_BATCH}× faster than ${BATCH_SIZE} single POSTs | ${r.provider} | ${Number.isFinite(w.speedup) ? `${w.speedup.toFixed(1)}×` : 'n/a'} (${fmt(w.single[0]?.ms)} ms vs ${fmt(w.batchMs)} ms) | ${met(Number.isFinite(w.speedup) ? w.speedup >= TARGET_BATCH : undefined)} |`);
  }
  md.push('');

  md.push('## Reads (medians over rounds)', '');
  md.push('| provider | route | burrow req/s | express req/s | req/s burrow/express | burrow CPU-µs/req | express CPU-µs/req | CPU burrow/express | p99 ms burrow / express | DB backends % of a core burrow / express | foreign load | errors |');
  md.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    for (const route of READ_ROUTES) {
      const f = readFigures(r, route.key);
      md.push(`| ${r.provider} | ${route.label} | ${fmt(f.rps.burrow)} | ${fmt(f.rps.express)} | ${r2(f.rpsRatio)} | ${fmt(f.cpu.burrow)} | ${fmt(f.cpu.express)} | ${r2(f.cpuRatio)} | ${fmt(f.p99.burrow, 1)} / ${fmt(f.p99.express, 1)} | ${r.provider === 'postgres' ? `${fmt(f.dbShare.burrow * 100)} / ${fmt(f.dbShare.express * 100)}` : '—'} | ${fmt(f.foreign * 100)}% | ${f.errors} |`);
    }
  }
  md.push('');
  md.push('## Writes (medians)', '');
  md.push(`| provider | how | wall ms | creates/s | server CPU-µs per task | batch speed-up |`);
  md.push('| --- | --- | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    const w = writeFigures(r);
    for (const s of w.single) md.push(`| ${r.provider} | ${BATCH_SIZE} × POST /tasks, concurrency ${s.concurrency} | ${fmt(s.ms)} | ${fmt((BATCH_SIZE / s.ms) * 1000)} | ${fmt(s.cpuUs)} | ${Number.isFinite(s.speedup) ? `${s.speedup.toFixed(1)}×` : 'n/a'} |`);
    md.push(`| ${r.provider} | 1 × POST /batch of ${BATCH_SIZE} createTask (the target) | ${fmt(w.batchMs)} | ${fmt((BATCH_SIZE / w.batchMs) * 1000)} | ${fmt(w.batchCpu)} | — |`);
    md.push(`| ${r.provider} | 1 × POST /batch of ${BATCH_SIZE} createProjectTask (createManyAndReturn path; informative) | ${fmt(w.nestedMs)} | ${fmt((BATCH_SIZE / w.nestedMs) * 1000)} | ${fmt(w.nestedCpu)} | ${Number.isFinite(w.nestedSpeedup) ? `${w.nestedSpeedup.toFixed(1)}× vs the POST /tasks singles` : 'n/a'} |`);
  }
  md.push('');
  md.push(
    `The createProjectTask row is informative: its body schema (NewProjectTask) declares no relation, and the plugin inserts a run of such items with one \`createManyAndReturn\`; createTask's (NewTask) declares \`tags\`, and its items are created one by one. Its speed-up is against the same single POST /tasks.`,
    '',
  );
  const problems = results.flatMap((r) => r.problems.map((p) => `- ${r.provider}: ${p}`));
  if (problems.length) md.push('## Problems', '', ...problems, '');
  md.push('## Raw samples', '', '<details><summary>every window</summary>', '', '```json', JSON.stringify(results.map(({ provider, reads, writes, ready }) => ({ provider, ready, reads, writes })), null, 1), '```', '', '</details>', '');
  return { markdown: md.join('\n'), lastLine, cpuLine };
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------
// --profile: where the plugin server's CPU time goes in one scenario.

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

function area(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return '(program: native, outside JS)';
  if (!url) return `(native ${functionName || 'anonymous'})`;
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const local = /\/work\/[^/]+\/(.*)$/.exec(url.replace(/^file:\/\//, ''));
  const path = local ? local[1]! : url;
  if (path.startsWith('plugins/resources/')) return `resources: ${path.replace('plugins/resources/', '')}`;
  if (path.startsWith('core/')) return `core: ${path.split('/').slice(0, 2).join('/')}`;
  if (path.includes('example-app/generated')) return 'generated Prisma client';
  return path;
}

async function runProfile(scenario: NonNullable<typeof PROFILE>): Promise<void> {
  const who = (option('profile-server') ?? 'burrow') as ServerName;
  const seconds = Number(option('seconds') ?? 8);
  const provider = PROVIDERS[0]!;
  if (!['get', 'list', 'single', 'batch', 'batch-nested'].includes(scenario)) throw new Error(`--profile ${scenario}: get, list, single, batch or batch-nested`);
  const writes = scenario === 'single' || scenario === 'batch' || scenario === 'batch-nested';
  if (writes && who !== 'burrow') throw new Error('the write scenarios run against burrow only');
  log(`profile: ${who} on ${provider}, scenario ${scenario}`);
  const db = await openDatabase(provider);
  const dir = mkdtempSync(join(os.tmpdir(), 'burrow-bench-resources-prof-'));
  const server = await startServer(who, db, ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '200']);
  if (canPin) pin(server.pid, SERVER_CORE);
  let window: [number, number];
  let units = 0;
  let unitName = 'request';
  try {
    await waitIdle(server.pid, { windowMs: 200, maxMs: 30_000 });
    const hr = () => Number(process.hrtime.bigint() / 1000n);
    if (scenario === 'get' || scenario === 'list') {
      const reqs = scenario === 'get' ? getRequests(db) : listRequests;
      await runLoad(server.port, reqs, 4);
      await waitIdle(server.pid, IDLE);
      const c0 = await server.count();
      const start = hr();
      await runLoad(server.port, reqs, seconds);
      await waitIdle(server.pid, IDLE);
      window = [start, hr()];
      units = (await server.count()) - c0;
    } else if (writes) {
      const reps = scenario === 'batch' ? 5 : scenario === 'batch-nested' ? 20 : 2;
      const once = () => (scenario === 'single' ? singles(server, db, BATCH_SIZE, 1) : batch(server, db, BATCH_SIZE, scenario === 'batch-nested'));
      await once();
      await removeCreated(db);
      const start = hr();
      let busy = 0;
      for (let i = 0; i < reps; i++) {
        const s = await once();
        busy += s.ms;
        await removeCreated(db);
      }
      window = [start, hr()];
      units = reps * BATCH_SIZE;
      unitName = 'created task';
      log(`  ${reps} × ${scenario === 'single' ? `${BATCH_SIZE} single POSTs` : `1 batch of ${BATCH_SIZE}`}: ${fmt(busy / reps)} ms each`);
    }
  } finally {
    await server.stop();
    await closeDatabase(db);
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let t = profile.startTime;
  let total = 0;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i]!;
    if (t < window[0] || t > window[1]) return;
    const dt = profile.timeDeltas[i]!;
    const node = byId.get(id)!;
    const a = area(node.callFrame);
    if (a === 'idle') return;
    total += dt;
    areas.set(a, (areas.get(a) ?? 0) + dt);
    const key = `${node.callFrame.functionName || '(anonymous)'}  ${a}:${node.callFrame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    // Inclusive time of the plugin's and core's functions (each function once per sample).
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const f = byId.get(n)!.callFrame;
      const fa = area(f);
      if (!fa.startsWith('resources:') && !fa.startsWith('core:')) continue;
      const k = `${f.functionName || '(anonymous)'}  ${fa}:${f.lineNumber + 1}`;
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  });
  const per = (us: number) => `${fmt(us / Math.max(1, units), 1)} µs/${unitName}`;
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
  log(`\nCPU profile ${join(dir, file)} — ${units} ${unitName}s in the window, ${fmt(total / 1000)} ms of CPU (${per(total)})`);
  log('\nby area (self time):');
  for (const [k, v] of top(areas, 25)) log(`  ${((v / total) * 100).toFixed(1).padStart(5)}%  ${per(v).padStart(22)}  ${k}`);
  log('\nby function (self time):');
  for (const [k, v] of top(self, 30)) log(`  ${((v / total) * 100).toFixed(1).padStart(5)}%  ${per(v).padStart(22)}  ${k}`);
  log('\nplugin and core functions (inclusive time):');
  for (const [k, v] of top(inclusive, 25)) log(`  ${((v / total) * 100).toFixed(1).padStart(5)}%  ${per(v).padStart(22)}  ${k}`);
}

// ---------------------------------------------------------------------------
// Main.

if (!existsSync(join(BENCH, 'node_modules', 'autocannon')) && loader === 'autocannon') {
  log('bench/node_modules is missing: npm ci --prefix bench');
  execFileSync('npm', ['ci', '--prefix', BENCH, '--no-audit', '--no-fund'], { stdio: 'inherit', cwd: ROOT });
}
if (canPin) execFileSync('taskset', ['-a', '-cp', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });

try {
  if (PROFILE) {
    await runProfile(PROFILE);
  } else {
    const startedAt = Date.now();
    log(`resources bench: ${QUICK ? 'QUICK, ' : ''}${PROVIDERS.join(' + ')}, ${ROUNDS} round(s) of ${DURATION} s windows, ${CONNECTIONS} connections, loader ${loader}; writes: ${BATCH_SIZE} creates, ${BATCH_REPS} repetition(s)`);
    log(canPin ? `pinning: servers on core ${SERVER_CORE}, load generator and runner on core ${LOAD_CORE}` : 'WARNING: taskset or a second core is missing: nothing is pinned');
    const results: ProviderResult[] = [];
    for (const provider of PROVIDERS) {
      if (!interrupted) results.push(await runProvider(provider));
    }
    // Interrupted: the signal handler exits once the servers are stopped and the databases dropped.
    if (interrupted) await new Promise(() => {});
    const report = summarise(results, startedAt);
    writeFileSync(OUT, report.markdown);
    log('');
    for (const line of report.markdown.split('\n## Raw samples')[0]!.split('\n').filter((l) => l.startsWith('|'))) log(line);
    log(`\nwrote ${relative(process.cwd(), OUT)} in ${Math.round((Date.now() - startedAt) / 1000)} s`);
    log(report.cpuLine);
    log(report.lastLine);
    if (results.some((r) => r.problems.length)) process.exitCode = 1;
  }
} finally {
  await cleanup();
  for (const agent of agents.values()) agent.destroy();
}
