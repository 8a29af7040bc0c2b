import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { background, must, npmInstall, refusesConnections, run, userEnv, type Background } from './processes.js';
import { rootDocument, SCHEMA, SERVER, TSCONFIG, TYPES } from './resources-app.js';
import { packBurrow, type Packed } from './resources-pack.js';

/**
 * A new user serves a Prisma model with the resources plugin, offline, from the packed
 * tarball: as plugins/resources/README.md and cli/db/README.md tell them to. Prisma 7
 * with the libsql driver adapter (no native binary anywhere), `burrow db generate` (prisma generate with a
 * stand-in for the native schema engine), `burrow scaffold resource`, `burrow lint`,
 * `burrow db migrate|status` (the wasm schema engine), the app's own tsc, and the
 * server over real HTTP. The steps depend on each other and run in order.
 */
const REPO = process.cwd();

let work: string;
let app: string;
let packed: Packed;
let env: NodeJS.ProcessEnv;
const timings: Record<string, number> = {};
const processes: Background[] = [];

async function timed<T>(name: string, step: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await step();
  } finally {
    timings[name] = Math.round(performance.now() - started);
  }
}

async function fetchJson(url: string, init?: RequestInit) {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : undefined };
}

const JSON_BODY = { 'content-type': 'application/json' };

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'burrow-resources-user-'));
  app = path.join(work, 'notes-api');
  mkdirSync(app);
  packed = await timed('pack', () => packBurrow(REPO, work));

  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'notes-api', version: '1.0.0', private: true, type: 'module' }, null, 2));
  await timed('install', async () => {
    must(await npmInstall(app, [packed.tarball, 'express@5', '@prisma/client@7.10.0', '@prisma/adapter-libsql@7.10.0']));
    // prisma for `prisma generate`; tsx to run the TypeScript app (see SERVER); tsc for step 6.
    must(await npmInstall(app, ['--save-dev', 'prisma@7.10.1', 'tsx', 'typescript@5', '@types/node@20']));
  });

  env = userEnv({
    DATABASE_URL: 'file:./dev.db',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  });
}, 300_000);

afterAll(() => {
  for (const child of processes) child.signal('SIGKILL');
  console.log(`resources-user steps (ms): ${JSON.stringify({ ...timings, tarballFromCache: packed?.cached })}`);
  if (work && !process.env.BURROW_KEEP_TMP) rmSync(work, { recursive: true, force: true });
});

describe('a new user serving a Prisma model with burrowjs/plugins/resources, offline', () => {
  it('finds in the tarball what this path needs: the plugin, the db library, the bin and the contract fragments', () => {
    expect(packed.files).toEqual(
      expect.arrayContaining([
        'dist/plugins/resources/index.js',
        'dist/plugins/resources/index.d.ts',
        'dist/cli/db/index.js',
        'dist/cli/db/index.d.ts',
        'dist/cli/burrow.js',
        'openapi/problem.yaml',
        'openapi/responses.yaml',
      ]),
    );
    const manifest = JSON.parse(readFileSync(path.join(app, 'node_modules/burrowjs/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    // `burrow db` runs Prisma's wasm engine from burrowjs's own dependencies (the adapters are the app's).
    expect(Object.keys(manifest.dependencies)).toEqual(expect.arrayContaining(['@prisma/schema-engine-wasm', '@prisma/driver-adapter-utils']));
  });

  it('generates the Prisma client offline with `burrow db generate` (prisma generate, with a stand-in for the native engine)', async () => {
    mkdirSync(path.join(app, 'prisma'));
    writeFileSync(path.join(app, 'prisma/schema.prisma'), SCHEMA);
    const generate = await timed('prisma generate', () => run('npx', ['burrow', 'db', 'generate'], app, env));
    expect(generate.code, generate.stdout + generate.stderr).toBe(0);
    expect(generate.stdout).toMatch(/Generated Prisma Client/);
    // TypeScript only: what makes the app a TypeScript app run with tsx (see SERVER).
    expect(existsSync(path.join(app, 'generated/prisma/client.ts'))).toBe(true);
  }, 120_000);

  it('scaffolds the Note resource, and the root document made from the printed snippet lints clean', async () => {
    const scaffold = must(await timed('scaffold', () => run('npx', ['burrow', 'scaffold', 'resource', 'Note', '--schema', 'prisma/schema.prisma', '--out', 'openapi'], app, env)));
    for (const file of ['openapi/paths/notes.yaml', 'openapi/paths/notes-by-id.yaml', 'openapi/schemas/note.yaml']) {
      expect(existsSync(path.join(app, file)), file).toBe(true);
    }
    expect(scaffold.stdout).toMatch(/^ {4}\$ref: \.\/paths\/notes\.yaml$/m);
    writeFileSync(path.join(app, 'openapi/api.yaml'), rootDocument(scaffold.stdout));

    const lint = await timed('lint', () => run('npx', ['burrow', 'lint', 'openapi/api.yaml'], app, env));
    expect(lint.code, lint.stdout + lint.stderr).toBe(0);
    expect(lint.stdout).toMatch(/openapi\/api\.yaml: 0 errors, 0 warnings/);
    expect(lint.stdout).toMatch(/notes\.yaml#\/get\/x-burrow-resource: bound by the resources plugin/);
  }, 120_000);

  /** How `burrow db migrate` ended, measured from the moment it said it was done. */
  let migrateEnd: { hung: boolean; code: number | null; msAfterDone: number } | undefined;

  it('creates and applies the first migration with `burrow db migrate` (wasm schema engine); `burrow db status` is up to date', async () => {
    const started = performance.now();
    const migrate = background('npx', ['burrow', 'db', 'migrate', '--schema', 'prisma/schema.prisma', '--name', 'init'], app, env);
    processes.push(migrate);
    const [, created] = await migrate.waitFor(/Created and applied (\S+\/migration\.sql)\./, 60_000);
    const done = performance.now();
    timings['db migrate (work)'] = Math.round(done - started);
    // The work is done and reported: give the process 10 s to end (it should take
    // milliseconds), then stop it, so that a hang costs this test 10 s and not minutes.
    const code = await Promise.race([migrate.exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 10_000))]);
    migrateEnd = { hung: code === 'hung', code: code === 'hung' ? null : code, msAfterDone: Math.round(performance.now() - done) };
    if (code === 'hung') migrate.signal('SIGKILL');

    const migrations = path.join(app, 'prisma/migrations');
    const [init, ...others] = readdirSync(migrations).filter((name) => name.endsWith('_init'));
    expect(others).toEqual([]);
    expect(init).toMatch(/^\d{14}_init$/);
    expect(created).toBe(`prisma/migrations/${init}/migration.sql`);
    expect(readFileSync(path.join(migrations, init!, 'migration.sql'), 'utf8')).toMatch(/CREATE TABLE "Note"/);
    expect(readFileSync(path.join(migrations, 'migration_lock.toml'), 'utf8')).toMatch(/provider = "sqlite"/);
    // file:./dev.db is relative to the schema's folder, as for Prisma's CLI.
    expect(existsSync(path.join(app, 'prisma/dev.db'))).toBe(true);

    const status = await timed('db status', () => run('npx', ['burrow', 'db', 'status', '--schema', 'prisma/schema.prisma'], app, env));
    expect(status.code, status.stdout + status.stderr).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`applied +${init}`));
    expect(status.stdout).toMatch(/Up to date\./);
  }, 120_000);

  it('`burrow db migrate` exits as soon as its work is done', () => {
    // Found by this test: the wasm schema engine arms a 60 s timer (its glue's
    // `__wbg_setTimeout_*`) that nothing clears or unrefs, so the command printed
    // "Created and applied ..." and then kept the terminal for another minute.
    expect(migrateEnd, 'the migrate step ran').toBeDefined();
    const { hung, code, msAfterDone } = migrateEnd!;
    expect(hung, `still running ${msAfterDone} ms after it printed "Created and applied" (then killed)`).toBe(false);
    expect(code).toBe(0);
  });

  it("compiles with the app's own tsc: the server and the types of burrowjs, /express, /plugins/resources and /db", async () => {
    writeFileSync(path.join(app, 'server.ts'), SERVER);
    writeFileSync(path.join(app, 'types.ts'), TYPES);
    writeFileSync(path.join(app, 'tsconfig.json'), TSCONFIG);
    // The app's own tsc, not through npx (npx may add warnings of its own to the output).
    const tsc = await timed('tsc', () => run(path.join(app, 'node_modules/.bin/tsc'), ['-p', '.'], app, env));
    expect(tsc.stdout + tsc.stderr, 'tsc output').toBe('');
    expect(tsc.code).toBe(0);
  }, 120_000);

  it('serves the model over HTTP: create, read with ETag, filtered and counted list, conditional patch, bad queries; stops on SIGTERM', async () => {
    if (!existsSync(path.join(app, 'server.ts'))) writeFileSync(path.join(app, 'server.ts'), SERVER);
    const started = performance.now();
    const server = background('node', ['--import', 'tsx', 'server.ts'], app, env);
    processes.push(server);
    const [, base] = await server.waitFor(/Notes API on (http:\/\/127\.0\.0\.1:\d+)/, 60_000);
    timings['server start'] = Math.round(performance.now() - started);
    const served = performance.now();

    const milk = await fetchJson(`${base}/notes`, { method: 'POST', headers: JSON_BODY, body: JSON.stringify({ title: 'buy milk' }) });
    expect(milk.status, milk.text).toBe(201);
    expect(milk.json).toEqual({ id: expect.any(Number), title: 'buy milk', done: false, createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/) });
    expect(milk.headers.get('location')).toBe(`/notes/${milk.json.id}`);
    expect(milk.headers.get('etag')).toMatch(/^"[^"]+"$/);
    const other = await fetchJson(`${base}/notes`, { method: 'POST', headers: JSON_BODY, body: JSON.stringify({ title: 'water plants', done: true }) });
    expect(other.status, other.text).toBe(201);

    const location = new URL(milk.headers.get('location')!, base).href;
    const read = await fetchJson(location);
    expect(read.status, read.text).toBe(200);
    expect(read.json).toEqual(milk.json);
    const etag = read.headers.get('etag');
    expect(etag).toBe(milk.headers.get('etag'));
    expect((await fetch(location, { headers: { 'if-none-match': etag! } })).status).toBe(304);

    const openNotes = `${base}/notes?filter=${encodeURIComponent('done eq false')}&count=true`;
    const open = await fetchJson(openNotes);
    expect(open.status, open.text).toBe(200);
    expect(open.json).toEqual({ items: [milk.json], total: 1 });
    expect(open.headers.get('x-total-count')).toBe('1');

    const patched = await fetchJson(location, { method: 'PATCH', headers: { ...JSON_BODY, 'if-match': etag! }, body: JSON.stringify({ done: true }) });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json).toEqual({ ...milk.json, done: true });
    expect(patched.headers.get('etag')).toMatch(/^"[^"]+"$/);
    expect(patched.headers.get('etag')).not.toBe(etag);

    const stale = await fetchJson(location, { method: 'PATCH', headers: { ...JSON_BODY, 'if-match': etag! }, body: JSON.stringify({ title: 'lost update' }) });
    expect(stale.status, stale.text).toBe(412);
    expect(stale.json).toMatchObject({ status: 412, code: 'BURROW_ERR_RESOURCE_PRECONDITION_FAILED' });
    expect(await fetchJson(openNotes)).toMatchObject({ status: 200, json: { items: [], total: 0 } });

    for (const [filter, code] of [
      ['nope eq 1', 'BURROW_ERR_QUERY_FIELD_UNKNOWN'],
      ['done eq', 'BURROW_ERR_QUERY_SYNTAX'],
    ] as const) {
      const bad = await fetchJson(`${base}/notes?filter=${encodeURIComponent(filter)}`);
      expect(bad.status, bad.text).toBe(400);
      expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(bad.json).toMatchObject({ status: 400, code: expect.stringMatching(/^BURROW_ERR_QUERY_/) });
      expect(bad.json.code).toBe(code);
    }
    timings['http'] = Math.round(performance.now() - served);

    const port = Number(new URL(base!).port);
    const stopping = performance.now();
    server.signal('SIGTERM');
    expect(await server.exited).toBe(0);
    timings['stop'] = Math.round(performance.now() - stopping);
    expect(await refusesConnections(port)).toBe(true);
  }, 120_000);
});
