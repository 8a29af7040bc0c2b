/**
 * The auth plugin's performance targets (issue 9, "Performance"): the same validated
 * GET route with no security, with Bearer JWT (HS256) and with the signed-session
 * scheme, served by one Burrow process, measured in the same run:
 *
 *   jwt/none ≥ 0.90    (req/s with Bearer JWT ÷ req/s without security)
 *   signed/none ≥ 0.85 (req/s with the signed-session scheme ÷ without)
 *
 *   node --conditions=burrowjs-source --import tsx bench/auth.ts [--quick]
 *
 * The server (this file with `--serve`, NODE_ENV=production) is pinned to core 0, the
 * load generator (this process: raw keep-alive sockets, a closed loop per connection)
 * to core 1. Tokens are made once; signed requests need a fresh nonce and signature
 * each, so a pool of distinct signed requests is made before each window (sized from
 * the warm-up's rate) and each is sent once. Ratios are medians over rounds; the CPU
 * line gives the server's CPU-µs per request, whose inverse ratio is what the route
 * would serve on a saturated core.
 *
 * Options: --quick (1 round, 1 s windows) · --rounds N (3) · --duration S (3) ·
 * --warmup S (1, before each window) · --connections N (32)
 */
import { createHash, createHmac, randomBytes, scryptSync } from 'node:crypto';
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
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret!';
const PASSWORD = 'bench password';
const VARIANTS = ['none', 'jwt', 'signed'] as const;
type Variant = (typeof VARIANTS)[number];

/** The server: one operation per variant, the same validated route (path and query parameters, response checked). */
async function serve(): Promise<void> {
  const { createKernel } = await import('../core/index.js');
  const { auth, jwt, signed, memoryUsers, createPasswords } = await import('../plugins/auth/index.js');
  const op = (id: string, security: unknown[]) => ({
    get: {
      operationId: id,
      security,
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
        { name: 'fields', in: 'query', schema: { type: 'string', enum: ['all', 'short'] } },
      ],
      responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } } },
    },
  });
  const item = (ctx: { params: Record<string, unknown> }) => ({ status: 200, body: { id: ctx.params.id, name: 'item', done: false } });
  const kernel = await createKernel({
    contract: {
      openapi: '3.1.0',
      info: { title: 'auth bench', version: '1' },
      paths: { '/none/items/{id}': op('getNone', []), '/jwt/items/{id}': op('getJwt', [{ bearerAuth: [] }]), '/signed/items/{id}': op('getSigned', [{ signedAuth: [] }]) },
      components: {
        schemas: { Item: { type: 'object', required: ['id', 'name', 'done'], properties: { id: { type: 'integer' }, name: { type: 'string' }, done: { type: 'boolean' } } } },
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, signedAuth: { type: 'http', scheme: 'Burrow-Signed' } },
      },
    },
    logger: { level: 'error' },
    handlers: { getNone: item, getJwt: item, getSigned: item } as never,
    plugins: [
      auth({
        schemes: { bearerAuth: jwt({ secret: JWT_SECRET }), signedAuth: signed({ window: 3600 }) },
        users: memoryUsers([{ name: 'bench', passwordHash: await createPasswords({ N: 2 ** 10 }).hash(PASSWORD), groups: ['member'] }]),
        admin: false,
        password: { N: 2 ** 10 },
      }),
    ],
  });
  const { server } = await kernel.listen({ port: 0 });
  exitOnSignal();
  ready(server);
}

async function main(): Promise<void> {
  const { server, pinned: canPin } = await startPinnedServer(fileURLToPath(import.meta.url), 'auth-burrow');
  try {
    const credentials = await prepare(server.port);
    // JIT first: every variant's path compiled before any window counts.
    for (const variant of VARIANTS) await load(server, requestsFor(variant, credentials, 50_000), WARMUP);
    const results: Record<Variant, { rps: number; cpuUs: number }[]> = { none: [], jwt: [], signed: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]);
      for (const variant of order) {
        const warm = await load(server, requestsFor(variant, credentials, 50_000), WARMUP);
        const pool = Math.ceil(warm.rps * DURATION * 3) + CONNECTIONS;
        const measured = await load(server, requestsFor(variant, credentials, pool), DURATION);
        if (measured.errors) throw new Error(`${variant}: ${measured.errors} requests were not answered 200`);
        results[variant].push(measured);
        console.log(`round ${round + 1} ${variant.padEnd(6)} ${Math.round(measured.rps).toString().padStart(6)} req/s  ${measured.cpuUs.toFixed(1)} CPU-µs/req${measured.exhausted ? ' (pool used up: window shortened)' : ''}`);
      }
    }
    const rps = (v: Variant) => median(results[v].map((r) => r.rps));
    const cpu = (v: Variant) => median(results[v].map((r) => r.cpuUs));
    console.log(`cpu: none=${cpu('none').toFixed(1)}µs jwt=${cpu('jwt').toFixed(1)}µs signed=${cpu('signed').toFixed(1)}µs  cpu-ratio jwt/none=${(cpu('none') / cpu('jwt')).toFixed(3)} signed/none=${(cpu('none') / cpu('signed')).toFixed(3)}${canPin ? '' : ' (not pinned: taskset missing)'}`);
    console.log(`jwt/none=${(rps('jwt') / rps('none')).toFixed(3)} signed/none=${(rps('signed') / rps('none')).toFixed(3)}`);
  } finally {
    server.child.kill('SIGTERM');
  }
}

interface Credentials {
  token: string;
  session: { id: string; key: Buffer };
}

/** Logs in once (the documented protocol, node:crypto) and makes a JWT valid for the run. */
async function prepare(port: number): Promise<Credentials> {
  const { SignJWT } = await import('jose');
  const token = await new SignJWT({ name: 'bench', groups: ['member'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(JWT_SECRET));
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, any>>;
  };
  const challenge = await post('/auth/signed/challenge', { username: 'bench' });
  const { N, r, p, keyLength } = challenge.params;
  const derived = scryptSync(PASSWORD, Buffer.from(challenge.salt, 'base64url'), keyLength, { N, r, p });
  const clientNonce = randomBytes(16).toString('base64url');
  const proof = createHmac('sha256', derived).update(`${challenge.nonce}.${clientNonce}.bench`).digest('base64url');
  const login = await post('/auth/signed/login', { username: 'bench', nonce: challenge.nonce, clientNonce, proof });
  return { token, session: { id: login.sessionId, key: Buffer.from(login.key, 'base64url') } };
}

const EMPTY_DIGEST = createHash('sha256').digest('base64url');

/** The requests of a window, as bytes: one repeated (none, jwt), or `count` distinct signed ones. */
function requestsFor(variant: Variant, credentials: Credentials, count: number): { next(): Buffer | undefined } {
  const path = `/${variant}/items/42?fields=all`;
  const head = (extra: string) => Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n${extra}\r\n`);
  if (variant !== 'signed') {
    const request = head(variant === 'jwt' ? `Authorization: Bearer ${credentials.token}\r\n` : '');
    return { next: () => request };
  }
  const { id, key } = credentials.session;
  const ts = String(Date.now());
  // Every signed request has the same length (fixed-size nonce and signature): one contiguous
  // buffer, handed out as views. A pool of 100k separate Buffers would make this process's GC
  // the bottleneck, the server would idle, and its per-request CPU would rise (no batching).
  let pool: Buffer | undefined;
  let size = 0;
  for (let i = 0; i < count; i++) {
    const nonce = randomBytes(16).toString('base64url');
    const canonical = `GET\n/signed/items/42\nfields=all\n${ts}\n${nonce}\n${EMPTY_DIGEST}`;
    const sig = createHmac('sha256', key).update(canonical).digest('base64url');
    const request = head(`Authorization: Burrow-Signed sessionId=${id}, ts=${ts}, nonce=${nonce}, sig=${sig}\r\n`);
    if (!pool) {
      size = request.length;
      pool = Buffer.allocUnsafe(size * count);
    }
    request.copy(pool, i * size);
  }
  let i = 0;
  return { next: () => (i < count ? pool!.subarray(i * size, ++i * size) : undefined) };
}

/** One window of `requests` on CONNECTIONS keep-alive sockets. */
function load(server: BenchServer, requests: { next(): Buffer | undefined }, seconds: number) {
  return closedLoop(server, { connections: CONNECTIONS, seconds, next: () => requests.next() });
}

if (flag('serve')) await serve();
else await main();
