import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT, writeApp, writeProductionApp } from './apps.js';
import { background, freePort, must, npmInstall, refusesConnections, run, userEnv, type Background, type Ran } from './processes.js';

/**
 * The path of a new user, for real: build and pack Burrow, install the tarball in
 * fresh projects (ESM, CommonJS, `burrow init`, TypeScript 7), compile them with
 * strict tsc, run them with plain node and call them over HTTP. Slow (npm installs),
 * so the independent installs run concurrently.
 */
const REPO = process.cwd();
const STRICT = ['--strict', '--noUncheckedIndexedAccess', '--exactOptionalPropertyTypes', '--skipLibCheck'];

let work: string;
let tarball: string;
let packed: string[];
let esm: Promise<{ dir: string; install: Ran }>;
let cjs: Promise<{ dir: string; install: Ran }>;
let ts7: Promise<{ dir: string; install: Ran }>;
let created: Promise<{ dir: string; install: Ran; init: Ran }>;
const servers: Background[] = [];

/** Starts a promise now, and marks it handled: the test that needs it awaits it. */
function early<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

async function setUpApp(kind: 'esm' | 'cjs') {
  const dir = path.join(work, `${kind}-app`);
  writeApp(dir, kind);
  const install = must(await npmInstall(dir, [tarball, 'express@5', 'typescript@5', '@types/express', '@types/node']));
  return { dir, install };
}

async function fetchJson(url: string, init?: RequestInit) {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'burrow-new-user-'));
  must(await run('npm', ['run', 'build'], REPO));
  const pack = must(await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], REPO));
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(work, info!.filename);
  packed = info!.files.map((f) => f.path);

  esm = early(setUpApp('esm'));
  cjs = early(setUpApp('cjs'));
  ts7 = early(
    (async () => {
      const dir = path.join(work, 'ts7-app');
      mkdirSync(path.join(dir, 'openapi'), { recursive: true });
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'burrow-ts7-app', version: '1.0.0', private: true, type: 'module' }));
      writeFileSync(path.join(dir, 'openapi/api.yaml'), CONTRACT);
      return { dir, install: must(await npmInstall(dir, [tarball, 'typescript@7'])) };
    })(),
  );
  // `burrow init` runs from the package installed in the ESM app, as `npx burrow` would.
  created = early(
    esm.then(async ({ dir: from }) => {
      const dir = path.join(work, 'my-api');
      const init = must(await run('npx', ['burrow', 'init', dir, '--burrow', tarball], from));
      return { dir, init, install: must(await npmInstall(dir)) };
    }),
  );
}, 180_000);

afterAll(async () => {
  for (const server of servers) server.signal('SIGKILL');
  if (work && !process.env.BURROW_KEEP_TMP) rmSync(work, { recursive: true, force: true });
});

describe('the burrowjs package', () => {
  it('ships the compiled code, its .d.ts, the contract fragments and the docs — no sources, tests or example', () => {
    expect(packed).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'ERRORS.md']));
    expect(packed).toEqual(expect.arrayContaining(['dist/core/index.js', 'dist/core/index.d.ts', 'dist/core/http/express.js', 'dist/plugins/openapi-docs/index.js', 'dist/cli/burrow.js']));
    expect(packed).toEqual(expect.arrayContaining(['openapi/problem.yaml', 'openapi/responses.yaml']));
    expect(packed.filter((f) => /^(core|plugins|cli|test|example-app|bench|prisma)\//.test(f) || /\.test\.|(^|\/)[^/]+\.ts$/.test(f.replace(/\.d\.ts$/, '')))).toEqual([]);
  });

  it.each(['esm', 'cjs'] as const)('installs in a new %s app without EBADENGINE warnings', async (kind) => {
    const { install } = await (kind === 'esm' ? esm : cjs);
    expect(install.stdout + install.stderr).not.toMatch(/EBADENGINE/);
  }, 240_000);

  it.each(['esm', 'cjs'] as const)('serves a %s Express 5 app compiled with strict tsc and run with plain node', async (kind) => {
    const { dir } = await (kind === 'esm' ? esm : cjs);
    must(await run('npx', ['burrow', 'types', 'openapi/api.yaml', 'src/generated/api.ts'], dir));
    // The app's own tsc, not through npx (npx may add warnings of its own to the output).
    const tsc = await run(path.join(dir, 'node_modules/.bin/tsc'), ['-p', '.', ...STRICT], dir);
    expect(tsc.stdout + tsc.stderr, 'tsc output').toBe('');
    expect(tsc.code).toBe(0);

    const server = background('node', ['dist/server.js'], dir);
    servers.push(server);
    const [, port] = await server.waitFor(/listening on (\d+)/);
    const api = `http://127.0.0.1:${port}/api`;

    const ok = await fetchJson(`${api}/items/1`);
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ id: 1, name: 'one' });

    const missing = await fetchJson(`${api}/items/7`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(missing.json).toMatchObject({ status: 404, code: 'ITEMS_ERR_NOT_FOUND' });

    const undeclared = await fetchJson(`${api}/nothing-here`);
    expect(undeclared.status).toBe(404);
    expect(undeclared.json).toMatchObject({ status: 404, code: expect.stringMatching(/^BURROW_ERR_/) });

    const wrongMethod = await fetchJson(`${api}/items/1`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toMatch(/GET/);

    const invalid = await fetchJson(`${api}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"","colour":"red"}' });
    expect(invalid.status).toBe(400);
    expect(invalid.json.errors.length).toBeGreaterThanOrEqual(2);

    const createdItem = await fetchJson(`${api}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"two"}' });
    expect(createdItem).toMatchObject({ status: 201, json: { id: 2, name: 'two' } });

    const document = await fetchJson(`${api}/openapi.json`);
    expect(document.status).toBe(200);
    expect(Object.keys(document.json.paths)).toEqual(expect.arrayContaining(['/items', '/items/{id}']));

    const docs = await fetch(`${api}/docs/`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await docs.text()).toMatch(/swagger-ui/i);

    server.signal('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 240_000);

  it('serves every production plugin from the installed package (strict tsc, plain node), and exits 0 on SIGTERM', async () => {
    const { dir } = await esm;
    writeProductionApp(dir);
    const tsc = await run(path.join(dir, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.production.json', ...STRICT], dir);
    expect(tsc.stdout + tsc.stderr, 'tsc output').toBe('');

    const server = background('node', ['dist-production/server.js'], dir);
    servers.push(server);
    const [, port] = await server.waitFor(/listening on (\d+)/);
    const base = `http://127.0.0.1:${port}`;
    const origin = 'https://app.example.com';

    const one = await fetchJson(`${base}/items/1`, { headers: { origin } });
    expect(one).toMatchObject({ status: 200, json: { id: 1, name: 'one' } });
    expect(one.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(one.headers.get('access-control-allow-origin')).toBe(origin);
    expect(one.headers.get('ratelimit-policy')).toBe('"api";q=5;w=60');
    const preflight = await fetch(`${base}/items/1`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
    expect([preflight.status, preflight.headers.get('access-control-allow-methods')]).toEqual([204, 'GET']);

    const list = await fetch(`${base}/items`, { headers: { 'accept-encoding': 'br' } });
    expect([list.status, list.headers.get('content-encoding'), list.headers.get('ratelimit')]).toEqual([200, 'br', null]);
    expect(((await list.json()) as unknown[]).length).toBe(300);

    for (let i = 0; i < 4; i++) await fetch(`${base}/items/1`);
    const limited = await fetchJson(`${base}/items/1`);
    expect([limited.status, limited.json.code, Number(limited.headers.get('retry-after')) > 0]).toEqual([429, 'BURROW_ERR_RATELIMIT_EXCEEDED', true]);

    expect(await fetchJson(`${base}/health/ready`)).toMatchObject({ status: 200, json: { status: 'ok' } });
    const stat = await fetchJson(`${base}/stat?withGauges=true`);
    expect(stat.json.operations.getItem).toMatchObject({ calls: 6, statusClasses: { '2xx': 5, '4xx': 1 } });
    expect(stat.json.gauges).toEqual({ queue_depth: 3 });
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/^burrow_http_requests_total\{operation="getItem",method="GET",status_class="4xx"\} 1$/m);
    expect(text).toMatch(/^burrow_queue_depth 3$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);

    server.signal('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 240_000);

  it('can be require()d by CommonJS code (no top-level await anywhere it loads)', async () => {
    const { dir } = await cjs;
    const script = `
      const core = require('burrowjs');
      const { expressMiddleware } = require('burrowjs/express');
      const { openapiDocs } = require('burrowjs/plugins/openapi-docs');
      console.log([typeof core.createKernel, typeof core.defineHandlers, typeof expressMiddleware, typeof openapiDocs].join(' '));`;
    const ran = must(await run('node', ['-e', script], dir));
    expect(ran.stdout.trim()).toBe('function function function function');
  }, 240_000);

  it('makes a project with `npx burrow init` that installs, starts with `npm start`, answers, and stops on SIGTERM', async () => {
    const { dir, init, install } = await created;
    expect(init.stdout).toMatch(/npm install/);
    expect(install.stdout + install.stderr).not.toMatch(/EBADENGINE/);

    const port = await freePort();
    const server = background('npm', ['start'], dir, userEnv({ PORT: String(port), HOST: '127.0.0.1' }));
    servers.push(server);
    await server.waitFor(/Greetings API on/, 120_000);
    const api = `http://127.0.0.1:${port}/api`;

    expect(await fetchJson(`${api}/greetings/world`)).toMatchObject({ status: 200, json: { name: 'world', text: 'Hello, world!' } });
    expect(await fetchJson(`${api}/greetings/nobody`)).toMatchObject({ status: 404, json: { code: 'GREETINGS_ERR_NOT_FOUND' } });
    const post = await fetchJson(`${api}/greetings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"ada","text":"Hi, Ada"}' });
    expect(post).toMatchObject({ status: 201, json: { name: 'ada', text: 'Hi, Ada' } });
    expect(await fetchJson(`${api}/greetings/ada`)).toMatchObject({ status: 200, json: { text: 'Hi, Ada' } });
    expect((await fetchJson(`${api}/greetings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(400);
    expect((await fetch(`${api}/docs/`)).status).toBe(200);

    server.signal('SIGTERM');
    await server.exited;
    await expect.poll(() => refusesConnections(port), { timeout: 10_000 }).toBe(true);
  }, 240_000);

  it('installs next to TypeScript 7 (no ERESOLVE) and `npx burrow types` works there', async () => {
    const { dir } = await ts7;
    expect(must(await run(path.join(dir, 'node_modules/.bin/tsc'), ['--version'], dir)).stdout).toMatch(/Version 7\./);
    must(await run('npx', ['burrow', 'types', 'openapi/api.yaml'], dir));
    const types = readFileSync(path.join(dir, 'src/generated/api.ts'), 'utf8');
    expect(types).toMatch(/export interface operations/);
    expect(types).toMatch(/getItem: \{/);
  }, 240_000);
});
