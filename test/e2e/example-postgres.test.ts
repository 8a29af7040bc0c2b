import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernel } from '../../core/index.js';
import { createExampleKernel } from '../../example-app/app.js';
import { prepareDatabase, type PreparedDatabase } from '../../example-app/db.js';
import { DEMO_PASSWORD, SEED_TASKS } from '../../example-app/seed.js';
import { createPostgresDatabase } from '../helpers/databases.js';

/**
 * The example app on PostgreSQL, in process: a fresh database on the test server
 * (`BURROW_TEST_POSTGRES_URL`, default `postgresql://postgres@127.0.0.1:5432/postgres`),
 * prepared as `npm start` prepares it (migrations, then the seed), served by
 * `createExampleKernel`, dropped after. Requests carry the demo admin's session token
 * unless they say otherwise; members (Grace, Alan) see their own tasks only.
 */
describe('example app on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let prepared: PreparedDatabase;
  let kernel: Kernel;
  /** `Authorization` values of the demo users (Bearer tokens from POST /auth/login). */
  const as = { ada: '', grace: '', alan: '' };

  beforeAll(async () => {
    database = await createPostgresDatabase();
    prepared = await prepareDatabase({ url: database.url });
    kernel = await createExampleKernel({ prisma: prepared.prisma, provider: prepared.provider, redis: '', admin: false, logger: { level: 'silent' } });
    for (const name of ['ada', 'grace', 'alan'] as const) {
      const login = await call('POST', '/auth/login', { username: `${name}@example.com`, password: DEMO_PASSWORD }, { authorization: '' });
      as[name] = `Bearer ${login.body.token}`;
    }
  }, 60_000);

  afterAll(async () => {
    // The resources plugin disconnects the client when the kernel closes.
    if (kernel) await kernel.close();
    else await prepared?.prisma.$disconnect();
    await database?.drop();
  });

  /** A request as the admin, unless `headers` carries its own `authorization` (`''`: none). */
  const call = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
    const { authorization = as.ada, ...rest } = headers;
    const res = await kernel.inject({
      method: method as 'GET',
      url,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...rest, ...(authorization ? { authorization } : {}) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: res.statusCode, headers: res.headers, text: res.body, body: res.body ? res.json() : undefined };
  };
  const get = (url: string, headers?: Record<string, string>) => call('GET', url, undefined, headers);
  const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

  it('migrates the new database and seeds it; a second start applies and seeds nothing', async () => {
    expect(prepared.provider).toBe('postgres');
    expect(prepared.applied).toHaveLength(1);
    expect(prepared.applied[0]).toMatch(/^\d{14}_init$/);
    expect(prepared.seeded).toEqual({ users: 3, projects: 3, tags: 4, tasks: 12, comments: 6 });
    expect(prepared.display).toContain(database.name);

    const again = await prepareDatabase({ url: database.url });
    try {
      expect(again.applied).toEqual([]);
      expect(again.seeded).toBeUndefined();
    } finally {
      await again.prisma.$disconnect();
    }
  }, 60_000);

  it('serves the seed: tasks with BigInt ids as strings, Decimal estimates, tags and comments; users without password', async () => {
    const all = await get('/tasks?count=true&limit=100&include=tags');
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(SEED_TASKS.length);
    expect(all.body.items.map((t: { id: string }) => t.id)).toEqual(SEED_TASKS.map((_, i) => String(i + 1)));
    expect(all.body.items.map((t: { title: string }) => t.title)).toEqual(SEED_TASKS.map((t) => t.title));
    expect(all.body.items[4]).toMatchObject({ title: 'Crash when the phone rotates', estimate: '3', meta: { platform: 'android', reports: 14 }, dueDate: '2026-11-15' });
    expect(all.body.items[4].tags.map((t: { name: string }) => t.name).sort()).toEqual(['bug', 'urgent']);
    expect((await get('/projects')).body.items.map((p: { name: string }) => p.name)).toEqual(['Documentation', 'Mobile app', 'Website']);
    expect((await get('/tags')).body.items.map((t: { name: string }) => t.name)).toEqual(['bug', 'feature', 'docs', 'urgent']);
    expect((await get('/tasks/1/comments')).body.items).toMatchObject([
      { taskId: '1', authorId: 2, body: 'The mock-ups are in the shared folder.' },
      { taskId: '1', authorId: 1, body: 'Starting with the hero.' },
    ]);
    const ada = await get('/users/1');
    expect(ada.body).toMatchObject({ id: 1, name: 'Ada Lovelace', role: 'admin' });
    expect(Object.keys(ada.body).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'role']);
    expect((await get('/users?filter=' + encodeURIComponent("passwordHash eq 'x'"))).body.code).toBe('BURROW_ERR_QUERY_FIELD_UNKNOWN');
  });

  it('creates a task (201, Location, ETag), reads it with its ETag, and answers 304 while it has not changed', async () => {
    const created = await call('POST', '/tasks', { title: 'Migrate to PostgreSQL', estimate: '1234.56', priority: 5, dueDate: '2026-12-24', projectId: 3, tags: [3, 4] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: '13', title: 'Migrate to PostgreSQL', status: 'todo', estimate: '1234.56', projectId: 3 });
    expect(created.headers.location).toBe('/tasks/13');
    const etag = created.headers.etag as string;
    const read = await get('/tasks/13');
    expect(read.status).toBe(200);
    expect(read.headers.etag).toBe(etag);
    const notModified = await get('/tasks/13', { 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    expect(notModified.text).toBe('');
    // Ids up to the 64-bit maximum are looked up, not overflowed.
    expect((await get('/tasks/9223372036854775807')).body.code).toBe('BURROW_ERR_RESOURCE_NOT_FOUND');
  });

  it('lists with a filter, field parameters, sort, select, include, count and cursor paging', async () => {
    const filtered = await get(`/tasks?${query({ filter: "status ne 'done' and (priority gte 5 or title contains 'PostgreSQL')", count: 'true', sort: '-priority,id' })}&select=title,priority`);
    expect(filtered.status).toBe(200);
    expect(filtered.headers['x-total-count']).toBe('3');
    expect(filtered.body.items).toEqual([
      { id: '5', title: 'Crash when the phone rotates', priority: 5 },
      { id: '8', title: 'Submit to the app stores', priority: 5 },
      { id: '13', title: 'Migrate to PostgreSQL', priority: 5 },
    ]);
    const due = await get(`/tasks/count?${query({ status: 'todo', dueBefore: '2026-12-31' })}`);
    expect(due.body).toEqual({ count: 4 });
    const mobile = await get(`/projects/2/tasks?${query({ filter: "status in ('todo', 'in_progress')", count: 'true' })}&include=project`);
    expect(mobile.body.total).toBe(3);
    for (const task of mobile.body.items) expect(task.project.name).toBe('Mobile app');
    expect((await get('/tags/4/tasks?count=true')).body.total).toBe(3);

    const seen: string[] = [];
    let url = '/tasks?limit=4&sort=-dueDate&select=title';
    for (let page = 0; page < 10 && url; page++) {
      const res = await get(url);
      seen.push(...res.body.items.map((t: { id: string }) => t.id));
      url = res.body.nextCursor ? `/tasks?limit=4&sort=-dueDate&select=title&cursor=${encodeURIComponent(res.body.nextCursor)}` : '';
    }
    expect(seen).toHaveLength(13);
    expect(new Set(seen).size).toBe(13);
  });

  it('changes a task with If-Match: 200 with a new ETag, 412 with a stale one; a replace without If-Match is 428', async () => {
    const first = (await get('/tasks/13')).headers.etag as string;
    const changed = await call('PATCH', '/tasks/13', { status: 'in_progress', tags: [4] }, { 'if-match': first });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ status: 'in_progress', version: 2, tags: [{ id: 4, name: 'urgent' }] });
    const stale = await call('PATCH', '/tasks/13', { status: 'done' }, { 'if-match': first });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('BURROW_ERR_RESOURCE_PRECONDITION_FAILED');
    expect((await call('PUT', '/tasks/13', { title: 'Replaced', projectId: 3 })).status).toBe(428);
    const replaced = await call('PUT', '/tasks/13', { title: 'Replaced', projectId: 3 }, { 'if-match': changed.headers.etag as string });
    expect(replaced.body).toMatchObject({ title: 'Replaced', status: 'todo', estimate: null, tags: [], version: 3 });
  });

  it('answers a bad query with a 400 problem naming it', async () => {
    const unknown = await get(`/tasks?${query({ filter: "owner eq 'me'" })}`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('BURROW_ERR_QUERY_FIELD_UNKNOWN');
    expect((await get(`/tasks?${query({ filter: "dueDate lt 'tomorrow'" })}`)).body.code).toBe('BURROW_ERR_QUERY_VALUE_INVALID');
    expect((await get('/tasks?offset=1&cursor=abc')).body.code).toBe('BURROW_ERR_QUERY_PAGING_CONFLICT');
  });

  it('runs a batch in one transaction: all of it, or nothing', async () => {
    const done = await call('POST', '/batch', {
      items: [
        { operationId: 'createTag', body: { name: 'release' } },
        { operationId: 'createProjectTask', params: { projectId: 1 }, body: { title: 'Announce it', tags: [5] } },
        { operationId: 'deleteTask', params: { taskId: '13' } },
      ],
    });
    expect(done.status).toBe(200);
    expect(done.body.items.map((i: { status: number }) => i.status)).toEqual([201, 201, 204]);
    expect(done.body.items[1].body).toMatchObject({ title: 'Announce it', projectId: 1, tags: [{ id: 5, name: 'release' }] });

    const before = (await get('/tasks/count')).body.count;
    const failed = await call('POST', '/batch', {
      items: [
        { operationId: 'createTask', body: { title: 'Rolled back', projectId: 1 } },
        { operationId: 'createTag', body: { name: 'release' } },
      ],
    });
    expect(failed.status).toBe(409);
    expect(failed.body.code).toBe('BURROW_ERR_BATCH_FAILED');
    expect(failed.body.items.map((i: { status: number; code?: string }) => [i.status, i.code])).toEqual([[424, undefined], [409, 'BURROW_ERR_RESOURCE_CONFLICT']]);
    expect((await get('/tasks/count')).body.count).toBe(before);
  });

  it('answers 401 with a challenge per scheme without credentials; logs in, tells who (/auth/me), logs out', async () => {
    const none = await get('/tasks', { authorization: '' });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer realm="bearerAuth", Basic realm="basicAuth", Burrow-Signed realm="signedAuth"$/i);
    expect(none.body.code).toBe('BURROW_ERR_AUTH_UNAUTHENTICATED');

    const login = await call('POST', '/auth/login', { username: 'alan@example.com', password: DEMO_PASSWORD }, { authorization: '' });
    expect(login.status).toBe(200);
    const bearer = { authorization: `Bearer ${login.body.token}` };
    expect((await get('/auth/me', bearer)).body).toMatchObject({ id: '3', name: 'alan@example.com', groups: ['member'], scheme: 'bearerAuth' });
    expect((await call('POST', '/auth/logout', undefined, bearer)).status).toBe(204);
    const after = await get('/auth/me', bearer);
    expect(after.status).toBe(401);
    expect(after.body.failures).toContainEqual({ scheme: 'bearerAuth', reason: 'session-ended' });
    // Basic works as well (the same user store, on PostgreSQL).
    expect((await get('/tasks/count', { authorization: `Basic ${Buffer.from(`alan@example.com:${DEMO_PASSWORD}`).toString('base64')}` })).body).toEqual({ count: 2 });
  });

  it("lists a member's own tasks only (totals, pages, nested lists); the admin sees every task", async () => {
    const all = (await get('/tasks?count=true&limit=100&select=assigneeId')).body.items as { id: string; assigneeId: number | null }[];
    const graces = all.filter((t) => t.assigneeId === 2).map((t) => t.id);
    expect(graces).toEqual(['2', '5', '6', '10']);
    expect(all.length).toBeGreaterThan(graces.length);
    const list = await get('/tasks?count=true&limit=3&select=assigneeId', { authorization: as.grace });
    expect(list.headers['x-total-count']).toBe('4');
    expect(list.body.items.map((t: { id: string }) => t.id)).toEqual(['2', '5', '6']);
    const next = await get(`/tasks?count=true&limit=3&select=assigneeId&cursor=${encodeURIComponent(list.body.nextCursor)}`, { authorization: as.grace });
    expect(next.body.items.map((t: { id: string }) => t.id)).toEqual(['10']);
    expect(next.body.nextCursor).toBeUndefined();
    expect((await get('/tasks/count', { authorization: as.grace })).body).toEqual({ count: 4 });
    expect((await get('/projects/2/tasks?count=true', { authorization: as.grace })).body.total).toBe(2);
    expect((await get('/tags/3/tasks?count=true&select=assigneeId', { authorization: as.alan })).body).toEqual({ items: [{ id: '12', assigneeId: 3 }], total: 1 });
  });

  it("answers another user's task 404 like a missing one; a member's new task is theirs; admin-only writes are 403", async () => {
    const missing = await get('/tasks/9223372036854775807', { authorization: as.grace });
    const other = await get('/tasks/4', { authorization: as.grace });
    expect(other.status).toBe(404);
    const strip = (body: Record<string, unknown>, id: string) =>
      JSON.parse(JSON.stringify({ ...body, requestId: undefined }).replaceAll(`/tasks/${id}`, '/tasks/ID').replaceAll(`id ${id}`, 'id ID'));
    expect(strip(other.body, '4')).toEqual(strip(missing.body, '9223372036854775807'));
    expect((await call('DELETE', '/tasks/4', undefined, { authorization: as.grace })).status).toBe(404);
    expect((await get('/tasks/4')).status).toBe(200);

    const created = await call('POST', '/tasks', { title: 'Mine', projectId: 1, assigneeId: 1 }, { authorization: as.grace });
    expect(created.status).toBe(201);
    expect(created.body.assigneeId).toBe(2);
    expect((await get(created.headers.location as string, { authorization: as.alan })).status).toBe(404);

    const forbidden = await call('DELETE', '/projects/1', undefined, { authorization: as.grace });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ code: 'BURROW_ERR_AUTH_FORBIDDEN', failures: [{ scheme: 'bearerAuth', reason: 'rights' }] });
    expect((await call('POST', '/tags', { name: 'mine' }, { authorization: as.grace })).status).toBe(403);
    expect((await get('/projects/1')).status).toBe(200);
  });
});
