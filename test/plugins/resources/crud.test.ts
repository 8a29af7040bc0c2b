import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Kernel } from '../../../core/index.js';
import { PROVIDERS, openDatabase, reset, resourceKernel, type TestDatabase } from './harness.js';

describe.each(PROVIDERS)('resources on %s: CRUD', (provider) => {
  let db: TestDatabase;
  let kernel: Kernel;
  let ids: { userId: number; projectId: number };
  const events: { name: string; payload: any }[] = [];

  const listen = (k: Kernel) => {
    for (const name of ['resource.created', 'resource.updated', 'resource.deleted'] as const) k.events.on(name, (payload) => void events.push({ name, payload }));
    return k;
  };
  beforeAll(async () => {
    db = await openDatabase(provider);
    kernel = listen(await resourceKernel(db));
  });
  afterAll(async () => {
    await kernel?.close();
    await db?.close();
  });
  beforeEach(async () => {
    await kernel.events.idle();
    ids = await reset(db);
    events.length = 0;
  });

  const createTask = (body: Record<string, unknown>) => kernel.inject({ method: 'POST', url: '/tasks', payload: { projectId: ids.projectId, ...body } });

  it('creates: 201, Location, ETag, and the record as the contract types it (BigInt id and Decimal as strings, date, Json)', async () => {
    const res = await createTask({ title: 'Write docs', dueDate: '2026-12-24', estimate: '2.50', meta: { labels: ['a'], n: 1 } });
    expect(res.statusCode).toBe(201);
    const task = res.json();
    expect(task).toMatchObject({ title: 'Write docs', status: 'todo', priority: 3, dueDate: '2026-12-24', meta: { labels: ['a'], n: 1 }, version: 1, projectId: ids.projectId });
    expect(task.id).toMatch(/^[0-9]+$/);
    expect(Number(task.estimate)).toBe(2.5);
    expect(task.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(res.headers.location).toBe(`/tasks/${task.id}`);
    expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
    await kernel.events.idle();
    expect(events).toEqual([{ name: 'resource.created', payload: expect.objectContaining({ model: 'Task', id: task.id, operationId: 'createTask', changed: expect.arrayContaining(['title', 'dueDate', 'estimate', 'meta', 'projectId']) }) }]);
  });

  it('never writes what the write schema does not declare (mass assignment): an extra property is ignored, a readOnly one refused', async () => {
    const tag = await kernel.inject({ method: 'POST', url: '/tags', payload: { name: 'x' } });
    expect(tag.statusCode).toBe(201);
    const readOnly = await kernel.inject({ method: 'POST', url: '/projects', payload: { name: 'P2', ownerId: ids.userId, id: 999 } });
    expect(readOnly.statusCode).toBe(400);
    expect(await db.prisma.project.count({ where: { id: 999 } })).toBe(0);
  });

  it('never returns a writeOnly field, nor lets a query use it', async () => {
    const created = await kernel.inject({ method: 'POST', url: '/users', payload: { email: 'grace@example.com', name: 'Grace', passwordHash: 'scrypt$hash' } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ id: expect.any(Number), email: 'grace@example.com', name: 'Grace', role: 'member', createdAt: expect.any(String) });
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: created.json().id } })).passwordHash).toBe('scrypt$hash');
    const got = await kernel.inject({ method: 'GET', url: `/users/${created.json().id}` });
    expect(got.json().passwordHash).toBeUndefined();
    const probe = await kernel.inject({ method: 'GET', url: `/users?filter=${encodeURIComponent("passwordHash startsWith 'scrypt'")}` });
    expect(probe.statusCode).toBe(400);
    expect(probe.json().code).toBe('BURROW_ERR_QUERY_FIELD_UNKNOWN');
    const role = await kernel.inject({ method: 'POST', url: '/users', payload: { email: 'eve@example.com', name: 'Eve', role: 'admin' } });
    expect(role.statusCode).toBe(400);
    expect(await db.prisma.user.count({ where: { role: 'admin' } })).toBe(0);
  });

  it('refuses to delete a record others still refer to: 409, nothing deleted', async () => {
    const res = await kernel.inject({ method: 'DELETE', url: `/users/${ids.userId}` });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('BURROW_ERR_RESOURCE_STILL_REFERENCED');
    expect(res.json().detail).toContain('Project.ownerId');
    expect(await db.prisma.user.count()).toBe(1);
  });

  it('gets with an ETag, and answers 304 to If-None-Match', async () => {
    const created = (await createTask({ title: 'A' })).json();
    const res = await kernel.inject({ method: 'GET', url: `/tasks/${created.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: created.id, title: 'A', project: { id: ids.projectId, name: 'Burrow' }, tags: [] });
    const again = await kernel.inject({ method: 'GET', url: `/tasks/${created.id}`, headers: { 'if-none-match': res.headers.etag as string } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('answers 404 with its code for a missing record, and for an id that cannot be one', async () => {
    for (const url of ['/tasks/987654321', '/tasks/99999999999999999999999']) {
      const res = await kernel.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('BURROW_ERR_RESOURCE_NOT_FOUND');
    }
  });

  it('patches with If-Match: 412 when stale, 200 with a new version and ETag when current', async () => {
    const created = await createTask({ title: 'A' });
    const { id } = created.json();
    const etag = created.headers.etag as string;
    const ok = await kernel.inject({ method: 'PATCH', url: `/tasks/${id}`, headers: { 'if-match': etag }, payload: { status: 'done' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'done', version: 2 });
    expect(ok.headers.etag).not.toBe(etag);
    const stale = await kernel.inject({ method: 'PATCH', url: `/tasks/${id}`, headers: { 'if-match': etag }, payload: { status: 'todo' } });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().code).toBe('BURROW_ERR_RESOURCE_PRECONDITION_FAILED');
    expect((await db.prisma.task.findFirstOrThrow({ where: { title: "A" } })).status).toBe('done');
    await kernel.events.idle();
    expect(events.filter((e) => e.name === 'resource.updated')).toHaveLength(1);
  });

  it('replaces (PUT) only with If-Match, which the contract requires: 428 without it; optional fields left out are cleared', async () => {
    const created = await createTask({ title: 'A', description: 'old' });
    const { id } = created.json();
    const without = await kernel.inject({ method: 'PUT', url: `/tasks/${id}`, payload: { title: 'B', projectId: ids.projectId } });
    expect(without.statusCode).toBe(428);
    expect(without.json().code).toBe('BURROW_ERR_REQUEST_PRECONDITION_REQUIRED');
    const res = await kernel.inject({ method: 'PUT', url: `/tasks/${id}`, headers: { 'if-match': created.headers.etag as string }, payload: { title: 'B', projectId: ids.projectId } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ title: 'B', description: null });
  });

  it('deletes: 204, then 404; If-Match that does not match keeps the record', async () => {
    const created = (await createTask({ title: 'A' })).json();
    const stale = await kernel.inject({ method: 'DELETE', url: `/tasks/${created.id}`, headers: { 'if-match': '"nope"' } });
    expect(stale.statusCode).toBe(412);
    const res = await kernel.inject({ method: 'DELETE', url: `/tasks/${created.id}` });
    expect(res.statusCode).toBe(204);
    expect((await kernel.inject({ method: 'DELETE', url: `/tasks/${created.id}` })).statusCode).toBe(404);
    await kernel.events.idle();
    expect(events.map((e) => e.name)).toEqual(['resource.created', 'resource.deleted']);
  });

  it('translates a unique violation into 409 naming the fields', async () => {
    const res = await kernel.inject({ method: 'POST', url: '/projects', payload: { name: 'Burrow', ownerId: ids.userId } });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'BURROW_ERR_RESOURCE_CONFLICT' });
    expect(res.json().detail).toContain('name');
    expect(res.body).not.toMatch(/constraint|UNIQUE constraint|duplicate key|SQLITE/);
  });

  it('translates a missing referenced record into 422, and writes nothing', async () => {
    const res = await createTask({ title: 'A', projectId: 424242 });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('BURROW_ERR_RESOURCE_REFERENCE_MISSING');
    expect(await db.prisma.task.count()).toBe(0);
  });

  it('answers 422 when a relation names an id that does not exist, on create and on patch', async () => {
    const res = await createTask({ title: 'A', tags: [987654] });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('BURROW_ERR_RESOURCE_REFERENCE_MISSING');
    const created = (await createTask({ title: 'B' })).json();
    const patched = await kernel.inject({ method: 'PATCH', url: `/tasks/${created.id}`, payload: { tags: [987654] } });
    expect(patched.statusCode).toBe(422);
    expect(patched.json().code).toBe('BURROW_ERR_RESOURCE_REFERENCE_MISSING');
    expect(await db.prisma.task.count()).toBe(1);
  });

  it('nested routes: lists only the parent\'s records, creates under the parent, 404 for a missing parent', async () => {
    const other = await db.prisma.project.create({ data: { name: 'Other', ownerId: ids.userId } });
    await createTask({ title: 'mine' });
    await createTask({ title: 'theirs', projectId: other.id });
    const created = await kernel.inject({ method: 'POST', url: `/projects/${ids.projectId}/tasks`, payload: { title: 'nested' } });
    expect(created.statusCode).toBe(201);
    expect(created.json().projectId).toBe(ids.projectId);
    const list = await kernel.inject({ method: 'GET', url: `/projects/${ids.projectId}/tasks` });
    expect(list.json().items.map((t: { title: string }) => t.title).sort()).toEqual(['mine', 'nested']);
    const filtered = await kernel.inject({ method: 'GET', url: `/projects/${ids.projectId}/tasks?status=done` });
    expect(filtered.json().items).toEqual([]);
    for (const req of [
      { method: 'GET' as const, url: '/projects/999999/tasks' },
      { method: 'POST' as const, url: '/projects/999999/tasks', payload: { title: 'x' } },
    ]) {
      const res = await kernel.inject(req);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('BURROW_ERR_RESOURCE_NOT_FOUND');
    }
  });

  it('many-to-many: writes tags by id, lists a tag\'s tasks, and embeds tags without a query per row', async () => {
    const a = (await kernel.inject({ method: 'POST', url: '/tags', payload: { name: 'a' } })).json();
    const b = (await kernel.inject({ method: 'POST', url: '/tags', payload: { name: 'b' } })).json();
    for (let i = 0; i < 12; i++) await createTask({ title: `t${i}`, tags: i % 2 ? [a.id, b.id] : [a.id] });
    const tagged = await kernel.inject({ method: 'GET', url: `/tags/${b.id}/tasks` });
    expect(tagged.json()).toHaveLength(6);
    db.resetQueries();
    const res = await kernel.inject({ method: 'GET', url: '/tasks?include=tags,project&limit=50' });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toHaveLength(12);
    expect(res.json().items[1].tags.map((t: { name: string }) => t.name)).toEqual(['a', 'b']);
    // One query for the tasks, one per included relation: not one per row (no N+1).
    expect(db.queries.length).toBeLessThanOrEqual(4);
    const first = res.json().items[0];
    const patched = await kernel.inject({ method: 'PATCH', url: `/tasks/${first.id}`, payload: { tags: [b.id] } });
    expect(patched.json().tags.map((t: { name: string }) => t.name)).toEqual(['b']);
  });

  it('runs write hooks: before may change the data or reject with 422 and field errors; after runs in the transaction', async () => {
    await kernel.close();
    kernel = listen(await resourceKernel(db, {
      hooks: {
        Task: {
          beforeWrite(event) {
            if (event.action === 'create' && String(event.data?.title).includes('forbidden')) event.reject('titles may not say forbidden', [{ field: 'title', message: 'contains a forbidden word' }]);
            if (event.data && typeof event.data.title === 'string') return { ...event.data, title: event.data.title.trim() };
          },
          async afterWrite(event) {
            if (event.record?.title === 'boom') throw new Error('after-write failure');
          },
        },
      },
    }));
    const rejected = await createTask({ title: 'a forbidden title' });
    expect(rejected.statusCode).toBe(422);
    expect(rejected.json()).toMatchObject({ code: 'BURROW_ERR_RESOURCE_REJECTED', errors: [{ in: 'body', pointer: '/title', message: 'contains a forbidden word' }] });
    const trimmed = await createTask({ title: '  spaced  ' });
    expect(trimmed.json().title).toBe('spaced');
    const boom = await createTask({ title: 'boom' });
    expect(boom.statusCode).toBe(500);
    expect(await db.prisma.task.count({ where: { title: 'boom' } })).toBe(0);
    await kernel.events.idle();
    expect(events.filter((e) => e.name === 'resource.created')).toHaveLength(1);
    await kernel.close();
    kernel = listen(await resourceKernel(db));
  });
});
