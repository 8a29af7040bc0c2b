import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_SQLITE_FILE, resolveDatabase } from '../../example-app/db.js';

/** `npm start` in its own processes, as a user runs it; resolves once it printed its URLs. */
async function startExample(env: Record<string, string>): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  const child = spawn('npm', ['start', '--silent'], {
    env: { ...process.env, PORT: '0', NODE_ENV: 'development', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk) => (output += chunk));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed within 30 s:\n${output}`)), 30_000);
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const url = /API\s+(http:\/\/\S+)\/tasks/.exec(output)?.[1];
      if (url && /Swagger UI/.test(output)) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
  return { child, base, output: () => output };
}

/** Sends SIGTERM and waits for the exit; returns the exit code and signal. */
async function stop(child: ChildProcess): Promise<[number | null, string | null]> {
  if (child.exitCode !== null || child.signalCode !== null) return [child.exitCode, child.signalCode];
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  child.kill('SIGTERM');
  return exited;
}

/**
 * The example app started with `npm start`, as a user does: its own processes, real HTTP,
 * on a SQLite file of its own (`DATABASE_URL=file:<temp>/...`) that does not exist yet.
 */
describe('example app (npm start)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'burrow-e2e-'));
  // A folder that does not exist either: the start creates both.
  const file = path.join(dir, 'data', 'tasks.db');
  const env = { DATABASE_URL: `file:${file}` };
  let child: ChildProcess;
  let base = '';
  let output = () => '';

  beforeAll(async () => {
    expect(existsSync(file)).toBe(false);
    ({ child, base, output } = await startExample(env));
  }, 60_000);

  afterAll(async () => {
    if (child) await stop(child);
    rmSync(dir, { recursive: true, force: true });
  });

  const json = async (url: string, init?: RequestInit) => {
    const res = await fetch(base + url, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
  };
  const send = (method: string, url: string, body: unknown, headers: Record<string, string> = {}) =>
    json(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

  it('prints the database, and the URLs of the API, the contract and Swagger UI', () => {
    expect(output()).toContain(`database    SQLite file:${file} (applied 1 migration; seeded 2 users, 3 projects, 12 tasks)`);
    expect(output()).toMatch(/contract\s+http:\/\/127\.0\.0\.1:\d+\/openapi\.json/);
    expect(output()).toMatch(/Swagger UI\s+http:\/\/127\.0\.0\.1:\d+\/docs\//);
  });

  it('created the database file, migrated it and seeded it', async () => {
    expect(existsSync(file)).toBe(true);
    const all = await json('/tasks?count=true&limit=1');
    expect(all.body.total).toBe(12);
    expect(all.headers.get('x-total-count')).toBe('12');
    expect((await json('/projects')).body.items.map((p: { name: string }) => p.name)).toEqual(['Documentation', 'Mobile app', 'Website']);
    const users = (await json('/users')).body.items;
    expect(users).toHaveLength(2);
    // The model's passwordHash is not in the contract: never read into a response.
    for (const user of users) expect(Object.keys(user).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'role']);
  });

  it('creates a task (201, Location, ETag), reads it with its ETag, and answers 304 while it has not changed', async () => {
    const created = await send('POST', '/tasks', { title: 'Write the README', priority: 5, dueDate: '2026-12-24', estimate: '1.5', projectId: 3, tags: [3] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'Write the README', status: 'todo', priority: 5, dueDate: '2026-12-24', estimate: '1.5', description: null, projectId: 3 });
    expect(created.body.id).toMatch(/^[0-9]+$/);
    expect(created.body.tags).toEqual([{ id: 3, name: 'docs' }]);
    const location = created.headers.get('location')!;
    expect(location).toBe(`/tasks/${created.body.id}`);
    const etag = created.headers.get('etag')!;
    expect(etag).toMatch(/^"[^"]+"$/);

    const read = await json(location);
    expect(read.status).toBe(200);
    expect(read.body.title).toBe('Write the README');
    expect(read.body.project).toBeUndefined();
    expect(read.headers.get('etag')).toBe(etag);
    const notModified = await fetch(base + location, { headers: { 'if-none-match': etag } });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe('');
    expect(notModified.headers.get('etag')).toBe(etag);
    expect((await json(`${location}?include=project`)).body.project).toMatchObject({ id: 3, name: 'Documentation' });
  });

  it('lists with a filter, field parameters, sort, select, include, count and cursor paging', async () => {
    const filtered = await json(`/tasks?${query({ filter: "title eq 'Write the README' and priority gte 4", count: 'true' })}`);
    expect(filtered.status).toBe(200);
    expect(filtered.body.total).toBe(1);
    expect(filtered.body.items.map((t: { title: string }) => t.title)).toEqual(['Write the README']);

    // select and include are arrays (style form, explode false): their commas are sent as they are.
    const urgent = await json(`/tasks?${query({ status: 'todo', dueBefore: '2026-12-31', sort: '-priority,dueDate', count: 'true' })}&select=title,priority`);
    // Priority 5 first, then by due date: the seeded task due on 2026-12-15 before the new one due on the 24th.
    expect(urgent.body.items.map((t: { title: string }) => t.title)).toEqual(['Submit to the app stores', 'Write the README', 'Fix the broken links in the blog', 'Document the query language']);
    expect(urgent.body.items[1]).toEqual({ id: expect.any(String), title: 'Write the README', priority: 5 });
    expect((await json(`/tasks/count?${query({ status: 'todo', dueBefore: '2026-12-31' })}`)).body).toEqual({ count: urgent.body.total });

    const withProject = await json(`/tasks?${query({ filter: "project.name eq 'Mobile app'", limit: '2' })}&include=project,tags`);
    expect(withProject.body.items).toHaveLength(2);
    for (const task of withProject.body.items) expect(task.project.name).toBe('Mobile app');
    expect(withProject.body.items[0].tags.map((t: { name: string }) => t.name).sort()).toEqual(['bug', 'urgent']);

    const seen: string[] = [];
    let url = '/tasks?limit=5&select=title';
    for (let page = 0; page < 10 && url; page++) {
      const res = await json(url);
      seen.push(...res.body.items.map((t: { id: string }) => t.id));
      url = res.body.nextCursor ? `/tasks?limit=5&select=title&cursor=${encodeURIComponent(res.body.nextCursor)}` : '';
    }
    expect(seen).toHaveLength(13);
    expect(new Set(seen).size).toBe(13);

    expect((await json('/projects/2/tasks?count=true&limit=1')).body.total).toBe(4);
    expect((await json('/tags/1/tasks?count=true&limit=1')).body.total).toBe(3);
    expect((await json('/tasks/1/comments')).body.items.map((c: { authorId: number }) => c.authorId)).toEqual([2, 1]);
  });

  it('changes a task with If-Match: 200 with a new ETag, 412 with a stale one; a replace without If-Match is 428', async () => {
    const created = await send('POST', '/projects/1/tasks', { title: 'Review the copy' });
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    const first = created.headers.get('etag')!;

    const changed = await send('PATCH', location, { status: 'in_progress' }, { 'if-match': first });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ status: 'in_progress', version: 2, projectId: 1 });
    const second = changed.headers.get('etag')!;
    expect(second).not.toBe(first);

    const stale = await send('PATCH', location, { status: 'done' }, { 'if-match': first });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('BURROW_ERR_RESOURCE_PRECONDITION_FAILED');
    expect((await json(location)).body.status).toBe('in_progress');

    const unconditional = await send('PUT', location, { title: 'Review the copy again', projectId: 1 });
    expect(unconditional.status).toBe(428);
    expect(unconditional.body.code).toBe('BURROW_ERR_REQUEST_PRECONDITION_REQUIRED');
    const replaced = await send('PUT', location, { title: 'Review the copy again', projectId: 1 }, { 'if-match': second });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ title: 'Review the copy again', status: 'todo', version: 3 });

    expect((await fetch(base + location, { method: 'DELETE' })).status).toBe(204);
    const gone = await json(location);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('BURROW_ERR_RESOURCE_NOT_FOUND');
  });

  it('answers a bad query or body with a 400 problem naming it, and writes nothing', async () => {
    const before = (await json('/tasks/count')).body.count;
    const unknown = await json(`/tasks?${query({ filter: "owner eq 'me'" })}`);
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(unknown.body.code).toBe('BURROW_ERR_QUERY_FIELD_UNKNOWN');
    expect(unknown.body.detail).toMatch(/^parameter filter: "owner" is not a field/);
    expect((await json(`/tasks?${query({ filter: "(status eq 'todo'" })}`)).body.code).toBe('BURROW_ERR_QUERY_SYNTAX');
    expect((await json(`/tasks?${query({ filter: "priority eq 'high'" })}`)).body.code).toBe('BURROW_ERR_QUERY_VALUE_INVALID');
    expect((await json('/tasks?sort=-nope')).body.code).toBe('BURROW_ERR_QUERY_FIELD_UNKNOWN');
    expect((await json('/tasks?cursor=not-a-cursor')).body.code).toBe('BURROW_ERR_QUERY_CURSOR_INVALID');
    expect((await json('/tasks?status=someday')).body.errors[0]).toMatchObject({ in: 'query', name: 'status' });
    expect((await json('/tasks/not-a-number')).body.errors[0]).toMatchObject({ in: 'path', name: 'taskId' });

    const invalid = await send('POST', '/tasks', { title: '', priority: 9, dueDate: '24/12/2026', owner: 'me' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/dueDate', '/owner', '/priority', '/projectId', '/title']);
    expect((await send('PATCH', '/tasks/1', {})).status).toBe(400);
    expect((await send('POST', '/tasks', { title: 'Orphan', projectId: 999 })).body.code).toBe('BURROW_ERR_RESOURCE_REFERENCE_MISSING');
    expect((await json('/tasks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":' })).status).toBe(400);
    expect((await json('/tasks', { method: 'PUT' })).status).toBe(405);
    expect((await json('/tasks/count')).body.count).toBe(before);
  });

  it('runs a batch in one transaction: all of it, or nothing', async () => {
    const done = await send('POST', '/batch', {
      items: [
        { operationId: 'createProject', body: { name: 'Launch party', ownerId: 2 } },
        { operationId: 'createTask', body: { title: 'Book the venue', projectId: 2, priority: 5 } },
        { operationId: 'createComment', params: { taskId: '1' }, body: { body: 'Halfway there.', authorId: 1 } },
        { operationId: 'patchTask', params: { taskId: '2' }, body: { status: 'done' } },
      ],
    });
    expect(done.status).toBe(200);
    expect(done.body.items.map((i: { status: number }) => i.status)).toEqual([201, 201, 201, 200]);
    expect(done.body.items[1].headers.location).toBe(`/tasks/${done.body.items[1].body.id}`);
    expect((await json('/tasks/2')).body.status).toBe('done');

    const before = (await json('/tasks/count')).body.count;
    const failed = await send('POST', '/batch', {
      items: [
        { operationId: 'createTask', body: { title: 'Rolled back', projectId: 1 } },
        { operationId: 'deleteTask', params: { taskId: '999999' } },
      ],
    });
    expect(failed.status).toBe(409);
    expect(failed.body.code).toBe('BURROW_ERR_BATCH_FAILED');
    expect(failed.body.items.map((i: { status: number }) => i.status)).toEqual([424, 404]);
    expect((await json('/tasks/count')).body.count).toBe(before);
  });

  it('serves the composed contract as JSON and YAML, and Swagger UI', async () => {
    const doc = (await json('/openapi.json')).body;
    expect(doc.paths['/tasks'].get.operationId).toBe('listTasks');
    expect(doc.paths['/tasks'].get['x-burrow-resource']).toMatchObject({ model: 'Task', action: 'list' });
    expect(doc.components.schemas.BurrowProblem).toBeDefined();
    expect(JSON.stringify(doc.components.schemas.User)).not.toContain('password');
    const yaml = parseYaml(await (await fetch(`${base}/openapi.yaml`)).text());
    expect(yaml).toEqual(doc);
    const page = await fetch(`${base}/docs/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
  });

  // Runs after the others: it stops the server they use.
  it('ends the server when npm start is sent SIGTERM, leaving no process behind', async () => {
    expect(await stop(child)).toEqual([0, null]);
    // The port is closed: nothing (no orphaned node under npm's shell) still answers on it.
    await expect(fetch(base + '/tasks')).rejects.toThrow();
  });

  it('starts again on the same database: nothing to migrate, no second seed, the data kept', async () => {
    const again = await startExample(env);
    try {
      expect(again.output()).toContain(`database    SQLite file:${file} (migrations up to date)`);
      const res = await fetch(`${again.base}/tasks?${query({ filter: "title eq 'Write the README'", count: 'true' })}`);
      expect((await res.json()).total).toBe(1);
      expect((await (await fetch(`${again.base}/users`)).json()).items).toHaveLength(2);
    } finally {
      expect(await stop(again.child)).toEqual([0, null]);
    }
  }, 60_000);
});

describe('the database DATABASE_URL names', () => {
  it('is the SQLite file example-app/data/burrow-example.db when unset', () => {
    expect(DEFAULT_SQLITE_FILE).toBe(path.resolve('example-app/data/burrow-example.db'));
    expect(resolveDatabase(undefined)).toEqual({ provider: 'sqlite', url: `file:${DEFAULT_SQLITE_FILE}` });
    expect(resolveDatabase('')).toEqual({ provider: 'sqlite', url: `file:${DEFAULT_SQLITE_FILE}` });
  });

  it('is a SQLite file for a file: URL (a relative path from the current directory), PostgreSQL for a postgres(ql):// URL', () => {
    expect(resolveDatabase('file:/tmp/a.db')).toEqual({ provider: 'sqlite', url: 'file:/tmp/a.db' });
    expect(resolveDatabase('file:///tmp/b.db')).toEqual({ provider: 'sqlite', url: 'file:/tmp/b.db' });
    expect(resolveDatabase('file:./data/c.db')).toEqual({ provider: 'sqlite', url: `file:${path.resolve('data/c.db')}` });
    expect(resolveDatabase('postgresql://app:secret@db:5432/tasks')).toEqual({ provider: 'postgres', url: 'postgresql://app:secret@db:5432/tasks' });
    expect(resolveDatabase('postgres://db/tasks').provider).toBe('postgres');
  });

  it('is refused, without repeating the URL, for any other scheme', () => {
    expect(() => resolveDatabase('mysql://root:secret@db/tasks')).toThrow(/^DATABASE_URL must be a file: URL \(SQLite\) or a postgresql:\/\/ URL \(PostgreSQL\), not a mysql: URL/);
    expect(() => resolveDatabase('mysql://root:secret@db/tasks')).not.toThrow(/secret/);
  });
});
