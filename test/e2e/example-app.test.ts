import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createSignedSession } from '../../client/signed-session.js';
import { DEFAULT_SQLITE_FILE, resolveDatabase } from '../../example-app/db.js';
import { DEMO_PASSWORD } from '../../example-app/seed.js';
import { startExample } from './example-helpers.js';

/** Sends SIGTERM and waits for the exit; returns the exit code and signal. */
async function stop(child: ChildProcess): Promise<[number | null, string | null]> {
  if (child.exitCode !== null || child.signalCode !== null) return [child.exitCode, child.signalCode];
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  child.kill('SIGTERM');
  return exited;
}

/** `Authorization: Basic` for a demo user (each request then costs one scrypt: most tests use session tokens). */
const basic = (user: string, password = DEMO_PASSWORD) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * The example app started with `npm start`, as a user does: its own processes, real HTTP,
 * on a SQLite file of its own (`DATABASE_URL=file:<temp>/...`) that does not exist yet.
 * Its API needs credentials: the demo admin (Ada) and members (Grace, Alan) log in.
 */
describe('example app (npm start)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'burrow-e2e-'));
  // A folder that does not exist either: the start creates both.
  const file = path.join(dir, 'data', 'tasks.db');
  // Sessions and lockout in memory (REDIS_URL unset), as with no environment at all.
  const env = { DATABASE_URL: `file:${file}`, REDIS_URL: '', BURROW_ADMIN_USER: '', BURROW_ADMIN_PASSWORD: '' };
  let child: ChildProcess;
  let base = '';
  let output = () => '';
  /** `Authorization` values of the demo users (Bearer tokens from POST /auth/login). */
  const as = { ada: '', grace: '', alan: '' };

  beforeAll(async () => {
    expect(existsSync(file)).toBe(false);
    ({ child, base, output } = await startExample(env));
    for (const name of ['ada', 'grace', 'alan'] as const) as[name] = `Bearer ${await login(`${name}@example.com`)}`;
  }, 60_000);

  afterAll(async () => {
    if (child) await stop(child);
    rmSync(dir, { recursive: true, force: true });
  });

  /** A request as the admin, unless `headers` carries its own `authorization` (`''`: none). */
  const json = async (url: string, init: RequestInit & { headers?: Record<string, string> } = {}) => {
    const { authorization = as.ada, ...headers } = init.headers ?? {};
    const res = await fetch(base + url, { ...init, headers: { ...headers, ...(authorization ? { authorization } : {}) } });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
  };
  const send = (method: string, url: string, body: unknown, headers: Record<string, string> = {}) =>
    json(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const query = (params: Record<string, string>) => new URLSearchParams(params).toString();
  async function login(username: string, password = DEMO_PASSWORD): Promise<string> {
    const res = await send('POST', '/auth/login', { username, password }, { authorization: '' });
    expect(res.status).toBe(200);
    return res.body.token;
  }

  it('prints the database, and the URLs of the API, the contract and Swagger UI', () => {
    expect(output()).toContain(`database    SQLite file:${file} (applied 1 migration; seeded 3 users, 3 projects, 12 tasks)`);
    expect(output()).toContain('sessions    memory');
    expect(output()).toContain(`demo users  ada@example.com (admin), grace@example.com (member), alan@example.com (member); password ${DEMO_PASSWORD} (demo data only)`);
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
    expect(users.map((u: { email: string; role: string }) => `${u.email} ${u.role}`)).toEqual(['ada@example.com admin', 'grace@example.com member', 'alan@example.com member']);
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
    const notModified = await fetch(base + location, { headers: { 'if-none-match': etag, authorization: as.ada } });
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

    expect((await json(location, { method: 'DELETE' })).status).toBe(204);
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

  it('answers 401 with a WWW-Authenticate challenge per scheme without credentials, or with wrong ones (never saying which)', async () => {
    const none = await json('/tasks', { headers: { authorization: '' } });
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(none.body).toMatchObject({ code: 'BURROW_ERR_AUTH_UNAUTHENTICATED', schemes: ['bearerAuth', 'basicAuth', 'signedAuth'] });
    expect(none.body.failures.map((f: { reason: string }) => f.reason)).toEqual(['missing', 'missing', 'missing']);
    const challenges = none.headers.get('www-authenticate')!;
    expect(challenges).toMatch(/^Bearer realm="bearerAuth", Basic realm="basicAuth", Burrow-Signed realm="signedAuth"$/i);

    // A wrong password and an unknown user answer the same problem (but for its requestId).
    const wrong = await json('/tasks', { headers: { authorization: basic('grace@example.com', 'not-the-password') } });
    const unknown = await json('/tasks', { headers: { authorization: basic('nobody@example.com', 'not-the-password') } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.failures).toContainEqual({ scheme: 'basicAuth', reason: 'invalid' });
    const { requestId: _a, ...wrongBody } = wrong.body;
    const { requestId: _b, ...unknownBody } = unknown.body;
    expect(unknownBody).toEqual(wrongBody);
    expect(wrong.text).not.toContain('not-the-password');
    const forged = await json('/tasks', { headers: { authorization: 'Bearer AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
    expect(forged.status).toBe(401);
    expect(forged.body.failures).toContainEqual({ scheme: 'bearerAuth', reason: 'session-ended' });
    // Demo credentials over Basic work on every request.
    const withBasic = await json('/tasks?limit=1', { headers: { authorization: basic('alan@example.com') } });
    expect(withBasic.status).toBe(200);
  });

  it('logs in (a token), tells who the token is (/auth/me), and logs out: the token is then refused', async () => {
    const login = await send('POST', '/auth/login', { username: 'grace@example.com', password: DEMO_PASSWORD }, { authorization: '' });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ expiresIn: 1800, user: { id: '2', name: 'grace@example.com', groups: ['member'] } });
    const bearer = { authorization: `Bearer ${login.body.token}` };
    const me = await json('/auth/me', { headers: bearer });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: '2', name: 'grace@example.com', groups: ['member'], scopes: [], scheme: 'bearerAuth', sessionId: login.body.sessionId });
    expect((await json('/tasks?limit=1', { headers: bearer })).status).toBe(200);
    // An admin's session idles out later (the group's sessionTimeout).
    expect((await send('POST', '/auth/login', { username: 'ada@example.com', password: DEMO_PASSWORD }, { authorization: '' })).body.expiresIn).toBe(3600);

    const out = await json('/auth/logout', { method: 'POST', headers: bearer });
    expect(out.status).toBe(204);
    const after = await json('/auth/me', { headers: bearer });
    expect(after.status).toBe(401);
    expect(after.body.failures).toContainEqual({ scheme: 'bearerAuth', reason: 'session-ended' });
    expect((await json('/tasks', { headers: bearer })).status).toBe(401);

    const refused = await send('POST', '/auth/login', { username: 'grace@example.com', password: 'Tr0ub4dor&3' }, { authorization: '' });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('BURROW_ERR_AUTH_LOGIN_FAILED');
    expect(refused.text).not.toContain('Tr0ub4dor');
  });

  it('takes signed requests (signedAuth): a member logs in without sending the password, signs, and sees their own tasks', async () => {
    const sent: string[] = [];
    const recording: typeof fetch = (input, init) => {
      sent.push(typeof init?.body === 'string' ? init.body : '');
      return fetch(input, init);
    };
    const api = createSignedSession({ baseUrl: base, fetch: recording });
    await api.login('alan@example.com', DEMO_PASSWORD);
    expect(sent.join('\n')).not.toContain(DEMO_PASSWORD);
    const list = await api.fetch('/tasks?count=true&select=assigneeId');
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ items: [{ id: '4', assigneeId: 3 }, { id: '12', assigneeId: 3 }], total: 2 });
    const created = await api.fetch('/tasks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Signed', projectId: 1 }) });
    expect(created.status).toBe(201);
    expect((await created.json()).assigneeId).toBe(3);
    expect((await (await api.fetch('/auth/me')).json()).scheme).toBe('signedAuth');
    await api.logout();
  });

  it("lists a member's own tasks only, with the right totals and pages; an admin sees every task", async () => {
    const everything = await json('/tasks?count=true&limit=100&select=assigneeId');
    const all = everything.body.items as { id: string; assigneeId: number | null }[];
    const mine = (id: number) => all.filter((t) => t.assigneeId === id).map((t) => t.id);
    expect(everything.body.total).toBe(all.length);
    expect(new Set(all.map((t) => t.assigneeId))).toEqual(new Set([1, 2, 3, null]));

    for (const [who, id] of [['grace', 2], ['alan', 3]] as const) {
      const list = await json('/tasks?count=true&select=assigneeId', { headers: { authorization: as[who] } });
      expect(list.status).toBe(200);
      expect(list.body.items.map((t: { id: string }) => t.id)).toEqual(mine(id));
      expect(list.body.total).toBe(mine(id).length);
      expect(list.headers.get('x-total-count')).toBe(String(mine(id).length));
      expect((await json('/tasks/count', { headers: { authorization: as[who] } })).body).toEqual({ count: mine(id).length });
    }
    expect(mine(2).length).toBeGreaterThan(2);
    expect(mine(2).length).toBeLessThan(all.length);

    // Pages by cursor hold the member's tasks only, each once; the filter is ANDed with the rule.
    const seen: string[] = [];
    let url = '/tasks?limit=2&select=title';
    for (let page = 0; page < 10 && url; page++) {
      const res = await json(url, { headers: { authorization: as.grace } });
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((t: { id: string }) => t.id));
      url = res.body.nextCursor ? `/tasks?limit=2&select=title&cursor=${encodeURIComponent(res.body.nextCursor)}` : '';
    }
    expect(seen).toEqual(mine(2));
    const theirs = await json(`/tasks?${query({ filter: 'assigneeId eq 1', count: 'true' })}`, { headers: { authorization: as.grace } });
    expect(theirs.body).toEqual({ items: [], total: 0 });
    // Nested lists too: the project's and the tag's tasks that are the member's.
    const mobile = await json('/projects/2/tasks?count=true&select=assigneeId', { headers: { authorization: as.grace } });
    expect(mobile.body.items.every((t: { assigneeId: number }) => t.assigneeId === 2)).toBe(true);
    expect(mobile.body.total).toBe((await json(`/projects/2/tasks?${query({ filter: 'assigneeId eq 2', count: 'true' })}`)).body.total);
    const docs = await json('/tags/3/tasks?count=true&select=assigneeId', { headers: { authorization: as.alan } });
    expect(docs.body.items).toEqual([{ id: '12', assigneeId: 3 }]);
  });

  it("answers another user's task 404, as if it did not exist, for every task operation", async () => {
    const stripped = (res: { body: Record<string, unknown> }, id: string) => {
      const { requestId: _r, ...rest } = res.body;
      return JSON.parse(JSON.stringify(rest).replaceAll(`/tasks/${id}`, '/tasks/ID').replaceAll(`id ${id}`, 'id ID'));
    };
    const missing = await json('/tasks/999999', { headers: { authorization: as.grace } });
    expect(missing.status).toBe(404);
    // Task 4 is Alan's, task 1 Ada's (an admin's).
    for (const id of ['4', '1']) {
      const other = await json(`/tasks/${id}`, { headers: { authorization: as.grace } });
      expect(other.status).toBe(404);
      expect(stripped(other, id)).toEqual(stripped(missing, '999999'));
    }
    const patched = await send('PATCH', '/tasks/4', { status: 'done' }, { authorization: as.grace });
    const patchedMissing = await send('PATCH', '/tasks/999999', { status: 'done' }, { authorization: as.grace });
    expect(patched.status).toBe(404);
    expect(stripped(patched, '4')).toEqual(stripped(patchedMissing, '999999'));
    expect((await send('PUT', '/tasks/4', { title: 'Mine now', projectId: 1 }, { authorization: as.grace, 'if-match': '"x"' })).status).toBe(404);
    expect((await json('/tasks/4', { method: 'DELETE', headers: { authorization: as.grace } })).status).toBe(404);
    const batch = await send('POST', '/batch', { items: [{ operationId: 'deleteTask', params: { taskId: '4' } }] }, { authorization: as.grace });
    expect(batch.body.items).toMatchObject([{ status: 404, code: 'BURROW_ERR_RESOURCE_NOT_FOUND' }]);
    // Nothing changed: the admin reads it as it was, and Alan still has it.
    expect((await json('/tasks/4')).body).toMatchObject({ title: 'Compress the images', status: 'todo', assigneeId: 3, version: 1 });
    expect((await json('/tasks/4', { headers: { authorization: as.alan } })).status).toBe(200);
  });

  it("assigns a member's new task to them, whatever the body says; a member may not give a task away", async () => {
    const created = await send('POST', '/tasks', { title: 'Grace writes this', projectId: 1, assigneeId: 3 }, { authorization: as.grace });
    expect(created.status).toBe(201);
    expect(created.body.assigneeId).toBe(2);
    expect((await json(created.headers.get('location')!, { headers: { authorization: as.grace } })).status).toBe(200);
    expect((await json(created.headers.get('location')!, { headers: { authorization: as.alan } })).status).toBe(404);
    const nested = await send('POST', '/projects/3/tasks', { title: 'And this', assigneeId: null }, { authorization: as.grace });
    expect(nested.body).toMatchObject({ projectId: 3, assigneeId: 2 });

    const away = await send('PATCH', created.headers.get('location')!, { assigneeId: 3 }, { authorization: as.grace });
    expect(away.status).toBe(403);
    expect(away.body.code).toBe('BURROW_ERR_AUTH_FORBIDDEN');
    const done = await send('PATCH', created.headers.get('location')!, { status: 'done' }, { authorization: as.grace });
    expect(done.body).toMatchObject({ status: 'done', assigneeId: 2 });
    // The admin assigns as they like.
    const admin = await send('POST', '/tasks', { title: 'For Alan', projectId: 1, assigneeId: 3 });
    expect(admin.body.assigneeId).toBe(3);
    expect((await json(admin.headers.get('location')!, { headers: { authorization: as.alan } })).body.title).toBe('For Alan');
  });

  it('refuses a member (403) what only admins may do: projects, tags, and the same in a batch', async () => {
    const remove = await json('/projects/1', { method: 'DELETE', headers: { authorization: as.grace } });
    expect(remove.status).toBe(403);
    expect(remove.body).toMatchObject({ code: 'BURROW_ERR_AUTH_FORBIDDEN', failures: [{ scheme: 'bearerAuth', reason: 'rights' }] });
    expect(remove.body.detail).toContain('deleteProject');
    expect((await send('POST', '/tags', { name: 'mine' }, { authorization: as.grace })).status).toBe(403);
    expect((await send('POST', '/projects', { name: 'Mine', ownerId: 2 }, { authorization: as.grace })).status).toBe(403);
    expect((await json('/auth/sessions', { headers: { authorization: as.grace } })).status).toBe(403);
    const batch = await send('POST', '/batch', { items: [{ operationId: 'createTask', body: { title: 'Rolled back', projectId: 1 } }, { operationId: 'createTag', body: { name: 'mine' } }] }, { authorization: as.grace });
    expect(batch.status).toBe(409);
    expect(batch.body.items.map((i: { status: number }) => i.status)).toEqual([424, 403]);
    // Reads are the member's right; the project is still there, and no tag was made.
    expect((await json('/projects/1', { headers: { authorization: as.grace } })).status).toBe(200);
    expect((await json('/tags', { headers: { authorization: as.grace } })).body.items.map((t: { name: string }) => t.name)).not.toContain('mine');
    expect((await json('/users?limit=1', { headers: { authorization: as.grace } })).status).toBe(200);
    // The admin may.
    expect((await json('/auth/sessions')).status).toBe(200);
  });

  it("lets a member read and write the comments of their own tasks only, signed as themselves", async () => {
    const own = await send('POST', '/tasks/2/comments', { body: 'On it.', authorId: 1 }, { authorization: as.grace });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ taskId: '2', authorId: 2 });
    expect((await json('/tasks/2/comments', { headers: { authorization: as.grace } })).body.items.map((c: { body: string }) => c.body)).toContain('On it.');
    // Task 1 is Ada's: to Grace it is as absent as a task that does not exist (its comments too).
    const theirs = await json('/tasks/1/comments', { headers: { authorization: as.grace } });
    const missing = await json('/tasks/999999/comments', { headers: { authorization: as.grace } });
    expect(theirs.status).toBe(404);
    expect(theirs.body.code).toBe(missing.body.code);
    expect(theirs.body.detail.replace('1', ':id')).toBe(missing.body.detail.replace('999999', ':id'));
    expect((await send('POST', '/tasks/1/comments', { body: 'Hello', authorId: 2 }, { authorization: as.grace })).status).toBe(404);
    expect((await json('/tasks/1/comments')).body.items).toHaveLength(3);
  });

  it('serves the composed contract as JSON and YAML, and Swagger UI', async () => {
    const doc = (await json('/openapi.json')).body;
    expect(doc.paths['/tasks'].get.operationId).toBe('listTasks');
    expect(doc.paths['/tasks'].get['x-burrow-resource']).toMatchObject({ model: 'Task', action: 'list' });
    expect(doc.components.schemas.BurrowProblem).toBeDefined();
    expect(JSON.stringify(doc.components.schemas.User)).not.toContain('password');
    // The contract and its documentation are public.
    expect((await json('/openapi.json', { headers: { authorization: '' } })).body).toEqual(doc);
    expect(doc.security).toEqual([{ bearerAuth: [] }, { basicAuth: [] }, { signedAuth: [] }]);
    expect(Object.keys(doc.components.securitySchemes)).toEqual(['basicAuth', 'bearerAuth', 'signedAuth']);
    expect(doc.paths['/tasks'].get['x-burrow-rights']).toEqual({ owner: 'assigneeId', exempt: ['admin'] });
    expect(doc.paths['/auth/login'].post.security).toEqual([]);
    const yaml = parseYaml(await (await fetch(`${base}/openapi.yaml`)).text());
    expect(yaml).toEqual(doc);
    const page = await fetch(`${base}/docs/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
  });

  // Runs after the others: it stops the server they use.
  it('runs the production plugins: probes, security headers, the contract\'s rate limits, compression, /stat for admins, /metrics, limits per operation', async () => {
    const ready = await json('/health/ready', { headers: { authorization: '' } });
    expect([ready.status, ready.body.checks.database.ok]).toEqual([200, true]);
    // Probes are never counted; the login (the auth plugin's operation) has its own budget per address.
    expect(ready.headers.get('ratelimit')).toBeNull();
    const login = await send('POST', '/auth/login', { username: 'nobody@example.com', password: 'wrong' }, { authorization: '' });
    expect([login.status, login.headers.get('ratelimit-policy')]).toEqual([401, '"login";q=30;w=60']);

    const tasks = await json('/tasks', { headers: { authorization: as.grace } });
    expect(tasks.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(tasks.headers.get('x-content-type-options')).toBe('nosniff');
    // Members are counted by the contract's API-wide limit; admins are exempt.
    expect(tasks.headers.get('ratelimit-policy')).toBe('"api";q=600;w=60');
    expect(tasks.headers.get('ratelimit')).toMatch(/^"api";r=\d+;t=\d+$/);
    expect((await json('/tasks')).headers.get('ratelimit')).toBeNull();
    // The limit is in the served contract, where Swagger UI shows it.
    const refresh = (await json('/openapi.json')).body.paths['/report/refresh'].post;
    expect(refresh.description).toMatch(/Rate limit: 600 requests per 60 s.* and 10 requests per 60 s/);
    expect(refresh.responses['429']).toBeDefined();

    // A list larger than the threshold is compressed for a client that accepts brotli.
    const raw = await fetch(`${base}/tasks?limit=50`, { headers: { authorization: as.ada, 'accept-encoding': 'br' } });
    expect([raw.headers.get('content-encoding'), raw.headers.get('vary')]).toEqual(['br', 'Accept-Encoding']);
    expect(((await raw.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);

    // Cross-origin calls are refused unless CORS_ORIGINS names the origin: no CORS header.
    const cross = await fetch(`${base}/tasks`, { headers: { authorization: as.ada, origin: 'https://elsewhere.example' } });
    expect(cross.headers.get('access-control-allow-origin')).toBeNull();

    const stat = await json('/stat?withServices=true');
    expect([stat.status, stat.body.operations.listTasks.calls > 0]).toEqual([200, true]);
    expect((await json('/stat', { headers: { authorization: as.grace } })).status).toBe(403);
    const metrics = await fetch(`${base}/metrics`);
    expect(await metrics.text()).toMatch(/burrow_http_requests_total\{operation="listTasks",method="GET",status_class="2xx"\} \d+/);

    // Import rows are limited to 256 KiB by the contract (x-burrow-body-limit): 413 before parsing.
    const rows = Array.from({ length: 3000 }, (_, i) => ({ title: `row ${i} ${'x'.repeat(80)}`, projectId: 1 }));
    const big = await send('POST', '/imports/rows', { rows }, { authorization: as.grace });
    expect([big.status, big.body.code]).toEqual([413, 'BURROW_ERR_REQUEST_BODY_TOO_LARGE']);
  });

  it('ends the server when npm start is sent SIGTERM, leaving no process behind', async () => {
    expect(await stop(child)).toEqual([0, null]);
    // The port is closed: nothing (no orphaned node under npm's shell) still answers on it.
    await expect(fetch(base + '/tasks')).rejects.toThrow();
  });

  it('starts again on the same database: nothing to migrate, no second seed, the data kept', async () => {
    const again = await startExample(env);
    try {
      expect(again.output()).toContain(`database    SQLite file:${file} (migrations up to date)`);
      // Sessions lived in the stopped process's memory: the old token is refused, the password still works.
      const stale = await fetch(`${again.base}/tasks`, { headers: { authorization: as.ada } });
      expect(stale.status).toBe(401);
      const admin = { authorization: basic('ada@example.com') };
      const res = await fetch(`${again.base}/tasks?${query({ filter: "title eq 'Write the README'", count: 'true' })}`, { headers: admin });
      expect((await res.json()).total).toBe(1);
      expect((await (await fetch(`${again.base}/users`, { headers: admin })).json()).items).toHaveLength(3);
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
