import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

/** The example app started with `npm start`, as a user does: its own processes, real HTTP. */
describe('example app (npm start)', () => {
  let child: ChildProcess;
  let base = '';
  let output = '';

  beforeAll(async () => {
    child = spawn('npm', ['start', '--silent'], {
      env: { ...process.env, PORT: '0', NODE_ENV: 'development', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.on('data', (chunk) => (output += chunk));
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed within 20 s:\n${output}`)), 20_000);
      child.stdout!.on('data', (chunk) => {
        output += chunk;
        const url = /API\s+(http:\/\/\S+)\/tasks/.exec(output)?.[1];
        if (url) {
          clearTimeout(timer);
          resolve(url);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
  }, 30_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  const json = async (path: string, init?: RequestInit) => {
    const res = await fetch(base + path, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  const send = (method: string, path: string, body: unknown) =>
    json(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('prints the URLs of the API, the contract and Swagger UI', () => {
    expect(output).toMatch(/contract\s+http:\/\/127\.0\.0\.1:\d+\/openapi\.json/);
    expect(output).toMatch(/Swagger UI\s+http:\/\/127\.0\.0\.1:\d+\/docs\//);
  });

  it('creates, reads, changes, lists with a status filter, and deletes tasks', async () => {
    const created = await send('POST', '/tasks', { title: 'Write the README', priority: 'high', dueDate: '2026-12-24' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'Write the README', status: 'todo', priority: 'high', dueDate: '2026-12-24', description: null });
    expect(created.headers.get('location')).toBe(`/tasks/${created.body.id}`);
    const id = created.body.id as string;

    await send('POST', '/tasks', { title: 'Ship it', status: 'done' });
    expect((await json(`/tasks/${id}`)).body.title).toBe('Write the README');

    const changed = await send('PATCH', `/tasks/${id}`, { status: 'in_progress' });
    expect(changed.body.status).toBe('in_progress');

    const inProgress = await json('/tasks?status=in_progress');
    expect(inProgress.body.items.map((t: { id: string }) => t.id)).toEqual([id]);
    expect(inProgress.body).toMatchObject({ total: 1, limit: 20, offset: 0 });
    expect((await json('/tasks?status=done')).body.total).toBe(1);

    expect((await fetch(`${base}/tasks/${id}`, { method: 'DELETE' })).status).toBe(204);
    const gone = await json(`/tasks/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('TASKS_ERR_NOT_FOUND');
  });

  it('answers bad input with problems and writes nothing', async () => {
    const before = (await json('/tasks')).body.total;
    const invalid = await send('POST', '/tasks', { title: '', priority: 'urgent', dueDate: '24/12/2026', owner: 'me' });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(invalid.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/dueDate', '/owner', '/priority', '/title']);
    expect((await json('/tasks?status=someday')).body.errors[0]).toMatchObject({ in: 'query', name: 'status' });
    expect((await json('/tasks/not-a-uuid')).body.errors[0]).toMatchObject({ in: 'path', name: 'id' });
    expect((await send('PATCH', '/tasks/00000000-0000-4000-8000-000000000000', {})).status).toBe(400);
    expect((await json('/tasks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":' })).status).toBe(400);
    expect((await json('/tasks', { method: 'PUT' })).status).toBe(405);
    expect((await json('/tasks')).body.total).toBe(before);
  });

  it('serves the composed contract as JSON and YAML, and Swagger UI', async () => {
    const doc = (await json('/openapi.json')).body;
    expect(doc.paths['/tasks'].get.operationId).toBe('listTasks');
    expect(doc.components.schemas.BurrowProblem).toBeDefined();
    const yaml = parseYaml(await (await fetch(`${base}/openapi.yaml`)).text());
    expect(yaml).toEqual(doc);
    const page = await fetch(`${base}/docs/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
  });

  // Runs last: it stops the server the other tests use.
  it('ends the server when npm start is sent SIGTERM, leaving no process behind', async () => {
    child.kill('SIGTERM');
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    expect([code, signal]).toEqual([0, null]);
    // The port is closed: nothing (no orphaned node under npm's shell) still answers on it.
    await expect(fetch(base + '/tasks')).rejects.toThrow();
  });
});
