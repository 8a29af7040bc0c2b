import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { coreError, createKernel, definePlugin, type Kernel, type RecordCondition } from '../../../core/index.js';
import { resources } from '../../../plugins/resources/index.js';
import { FIXTURE_CONTRACT, PROVIDERS, SCHEMAS, openDatabase, reset, type TestDatabase } from './harness.js';

/** Which record conditions the test guard sets on Task (and Project) operations. */
type Mode = 'owner' | 'team' | 'where';

interface TestPrincipal {
  id: string;
  team: string[];
  reader: boolean;
}

/**
 * A guard as the auth plugin would register one, without the auth plugin: the principal
 * comes from test headers (`x-user`, `x-team`, `x-reader`).
 */
function guardPlugin(state: { mode: Mode }) {
  return definePlugin({
    name: 'test-guard',
    setup(k) {
      k.hooks.add('onRequest', (ctx) => {
        const user = ctx.headers['x-user'];
        if (typeof user !== 'string') return;
        const team = ctx.headers['x-team'];
        ctx.principal = { id: user, team: typeof team === 'string' ? team.split(',') : [], reader: ctx.headers['x-reader'] === 'yes' } satisfies TestPrincipal;
      });
      k.guards.add('owner', {
        operation(ctx, target) {
          const principal = ctx.principal as TestPrincipal | undefined;
          if (principal?.reader && target.resource?.action !== 'list' && target.resource?.action !== 'get') {
            throw coreError('BURROW_ERR_AUTH_FORBIDDEN', { reasons: `a reader may not ${target.operationId}` });
          }
        },
        records(ctx, target): RecordCondition[] | undefined {
          const principal = ctx.principal as TestPrincipal | undefined;
          const id = principal?.id ?? '';
          if (target.resource?.model === 'Project') return [{ field: 'owner', in: [id] }];
          if (target.resource?.model !== 'Task') return undefined;
          if (state.mode === 'team') return [{ field: 'assigneeId', in: [id, ...(principal?.team ?? [])] }];
          if (state.mode === 'where') return [{ where: { status: { not: 'done' } } }];
          return [{ field: 'assigneeId', in: [id] }];
        },
      });
    },
  });
}

describe.each(PROVIDERS)('resources on %s: access guards', (provider) => {
  let db: TestDatabase;
  let kernel: Kernel;
  let ada: number;
  let bob: number;
  let carol: number;
  let projectId: number;
  const state: { mode: Mode } = { mode: 'owner' };
  const as = (user: number | string, extra: Record<string, string> = {}) => ({ 'x-user': String(user), ...extra });

  beforeAll(async () => {
    db = await openDatabase(provider);
    kernel = await createKernel({
      contract: FIXTURE_CONTRACT,
      logger: { level: 'silent' },
      contractCache: false,
      plugins: [
        guardPlugin(state),
        resources({
          prisma: db.prisma,
          schema: SCHEMAS[provider],
          disconnectOnClose: false,
          authorizeBatchItem: (item) => (item.body as { title?: string } | undefined)?.title !== 'refused by the hook',
        }),
      ],
    });
  });
  afterAll(async () => {
    await kernel?.close();
    await db?.close();
  });
  beforeEach(async () => {
    state.mode = 'owner';
    const ids = await reset(db);
    ada = ids.userId;
    projectId = ids.projectId;
    bob = (await db.prisma.user.create({ data: { email: 'bob@example.com', name: 'Bob' } })).id;
    carol = (await db.prisma.user.create({ data: { email: 'carol@example.com', name: 'Carol' } })).id;
  });

  /** 40 tasks: Ada's and Bob's interleaved, every fifth unassigned. */
  async function seed(): Promise<{ ada: string[]; bob: string[] }> {
    const owned = { ada: [] as string[], bob: [] as string[] };
    for (let i = 0; i < 40; i++) {
      const assigneeId = i % 5 === 4 ? null : i % 2 === 0 ? ada : bob;
      const task = await db.prisma.task.create({ data: { title: `task ${i}`, projectId, assigneeId, priority: (i % 5) + 1 } });
      if (assigneeId === ada) owned.ada.push(String(task.id));
      if (assigneeId === bob) owned.bob.push(String(task.id));
    }
    return owned;
  }

  /** A problem body with the record's id taken out of its detail and instance, and without the request's own id. */
  function withoutId(body: Record<string, unknown>, id: string): Record<string, unknown> {
    const { requestId, ...out } = body;
    expect(typeof requestId).toBe('string');
    for (const key of ['detail', 'instance']) if (typeof out[key] === 'string') out[key] = (out[key] as string).split(id).join(':id');
    return out;
  }

  async function missingId(): Promise<string> {
    const last = await db.prisma.task.findFirst({ orderBy: { id: 'desc' } });
    return String(Number(last?.id ?? 0) + 1000);
  }

  describe('list and count', () => {
    it('lists only the caller\'s rows, with the total of their rows in X-Total-Count and the envelope', async () => {
      const owned = await seed();
      const res = await kernel.inject({ method: 'GET', url: '/tasks?count=true&limit=5', headers: as(ada) });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-total-count']).toBe(String(owned.ada.length));
      expect(res.json().total).toBe(owned.ada.length);
      expect(res.json().items).toHaveLength(5);
      for (const item of res.json().items) expect(item.assigneeId).toBe(ada);
    });

    it('pages by offset through the caller\'s rows only', async () => {
      const owned = await seed();
      const seen: string[] = [];
      for (let offset = 0; offset < 30; offset += 7) {
        const res = await kernel.inject({ method: 'GET', url: `/tasks?sort=id&limit=7&offset=${offset}&count=true`, headers: as(bob) });
        expect(res.json().total).toBe(owned.bob.length);
        seen.push(...res.json().items.map((t: { id: string }) => t.id));
      }
      expect(seen).toEqual(owned.bob);
    });

    it('pages by cursor through the caller\'s rows only, each once', async () => {
      const owned = await seed();
      const seen: string[] = [];
      let url = '/tasks?sort=-priority,id&limit=4';
      for (let pages = 0; pages < 20; pages++) {
        const res = await kernel.inject({ method: 'GET', url, headers: as(ada) });
        expect(res.statusCode).toBe(200);
        seen.push(...res.json().items.map((t: { id: string }) => t.id));
        if (!res.json().nextCursor) break;
        url = `/tasks?sort=-priority,id&limit=4&cursor=${encodeURIComponent(res.json().nextCursor)}`;
      }
      expect([...seen].sort()).toEqual([...owned.ada].sort());
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('a cursor of one caller is no cursor for another', async () => {
      await seed();
      const first = await kernel.inject({ method: 'GET', url: '/tasks?limit=2', headers: as(ada) });
      const res = await kernel.inject({ method: 'GET', url: `/tasks?limit=2&cursor=${encodeURIComponent(first.json().nextCursor)}`, headers: as(bob) });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('BURROW_ERR_QUERY_CURSOR_INVALID');
    });

    it('keeps the nested route\'s scope and the filters, ANDed with the conditions', async () => {
      const owned = await seed();
      const nested = await kernel.inject({ method: 'GET', url: `/projects/${projectId}/tasks`, headers: as(ada) });
      expect(nested.statusCode).toBe(200);
      const items = Array.isArray(nested.json()) ? nested.json() : nested.json().items;
      for (const item of items) expect(item.assigneeId).toBe(ada);
      const filtered = await kernel.inject({ method: 'GET', url: '/tasks?filter=priority%20eq%201&count=true', headers: as(ada) });
      expect(filtered.json().total).toBe(await db.prisma.task.count({ where: { assigneeId: ada, priority: 1 } }));
      expect(owned.ada.length).toBeGreaterThan(filtered.json().total);
    });

    it('counts only the caller\'s rows', async () => {
      const owned = await seed();
      const res = await kernel.inject({ method: 'GET', url: '/tasks/count', headers: as(bob) });
      expect(res.json()).toEqual({ count: owned.bob.length });
      const todo = await kernel.inject({ method: 'GET', url: '/tasks/count?status=todo', headers: as(bob) });
      expect(todo.json()).toEqual({ count: owned.bob.length });
    });

    it('a principal id that cannot be the field\'s value owns nothing: empty list, 404, count 0, never a 500', async () => {
      const owned = await seed();
      for (const user of ['abc', '99999999999', '1.5']) {
        const list = await kernel.inject({ method: 'GET', url: '/tasks?count=true', headers: as(user) });
        expect(list.statusCode).toBe(200);
        expect(list.json()).toMatchObject({ items: [], total: 0 });
        expect((await kernel.inject({ method: 'GET', url: '/tasks/count', headers: as(user) })).json()).toEqual({ count: 0 });
        const get = await kernel.inject({ method: 'GET', url: `/tasks/${owned.ada[0]}`, headers: as(user) });
        expect(get.statusCode).toBe(404);
        const create = await kernel.inject({ method: 'POST', url: '/tasks', headers: as(user), payload: { title: 'x', projectId } });
        expect(create.statusCode).toBe(403);
        expect(create.json().code).toBe('BURROW_ERR_AUTH_FORBIDDEN');
      }
    });
  });

  describe('get, replace, patch and delete', () => {
    it('answers another user\'s record exactly like a record that does not exist', async () => {
      const owned = await seed();
      const theirs = owned.bob[0]!;
      const missing = await missingId();
      const task = await db.prisma.task.findFirstOrThrow({ where: { id: Number(theirs) } });
      const requests = [
        { method: 'GET' as const, url: (id: string) => `/tasks/${id}` },
        { method: 'PATCH' as const, url: (id: string) => `/tasks/${id}`, payload: { title: 'mine now' } },
        { method: 'PATCH' as const, url: (id: string) => `/tasks/${id}`, payload: { title: 'mine now' }, headers: { 'if-match': '*' } },
        { method: 'PUT' as const, url: (id: string) => `/tasks/${id}`, payload: { title: 'mine now', projectId }, headers: { 'if-match': '*' } },
        { method: 'DELETE' as const, url: (id: string) => `/tasks/${id}` },
      ];
      for (const request of requests) {
        const send = (id: string) => kernel.inject({ method: request.method, url: request.url(id), payload: request.payload, headers: { ...as(ada), ...request.headers } });
        const [other, none] = [await send(theirs), await send(missing)];
        expect(other.statusCode, `${request.method} another user's record`).toBe(404);
        expect(none.statusCode).toBe(404);
        expect(other.headers['content-type']).toBe(none.headers['content-type']);
        expect(withoutId(other.json(), theirs)).toEqual(withoutId(none.json(), missing));
      }
      // Nothing was written.
      expect(await db.prisma.task.findFirstOrThrow({ where: { id: task.id } })).toEqual(task);
    });

    it('answers another user\'s record like a missing one on a model without version (a conditional delete, no read)', async () => {
      const theirs = await db.prisma.project.create({ data: { name: 'Bob\'s', ownerId: bob } });
      const last = await db.prisma.project.findFirst({ orderBy: { id: 'desc' } });
      const missing = String(last!.id + 1000);
      const [other, none] = [
        await kernel.inject({ method: 'DELETE', url: `/projects/${theirs.id}`, headers: as(ada) }),
        await kernel.inject({ method: 'DELETE', url: `/projects/${missing}`, headers: as(ada) }),
      ];
      expect(other.statusCode).toBe(404);
      expect(withoutId(other.json(), String(theirs.id))).toEqual(withoutId(none.json(), missing));
      expect(await db.prisma.project.count({ where: { id: theirs.id } })).toBe(1);
      expect((await kernel.inject({ method: 'DELETE', url: `/projects/${theirs.id}`, headers: as(bob) })).statusCode).toBe(204);
    });

    it('reads and writes the caller\'s own record, If-Match and the version compare-and-set still working', async () => {
      const owned = await seed();
      const mine = owned.ada[0]!;
      const got = await kernel.inject({ method: 'GET', url: `/tasks/${mine}`, headers: as(ada) });
      expect(got.statusCode).toBe(200);
      const etag = got.headers.etag as string;
      const stale = await kernel.inject({ method: 'PATCH', url: `/tasks/${mine}`, payload: { title: 'x' }, headers: { ...as(ada), 'if-match': '"stale"' } });
      expect(stale.statusCode).toBe(412);
      const patched = await kernel.inject({ method: 'PATCH', url: `/tasks/${mine}`, payload: { title: 'patched' }, headers: { ...as(ada), 'if-match': etag } });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({ title: 'patched', version: 2, assigneeId: ada });
      // PUT clears what the body leaves out, but the owner: the condition writes it back.
      const replaced = await kernel.inject({ method: 'PUT', url: `/tasks/${mine}`, payload: { title: 'replaced', projectId }, headers: { ...as(ada), 'if-match': patched.headers.etag as string } });
      expect(replaced.statusCode).toBe(200);
      expect(replaced.json()).toMatchObject({ title: 'replaced', version: 3, assigneeId: ada });
      expect((await kernel.inject({ method: 'DELETE', url: `/tasks/${mine}`, headers: as(ada) })).statusCode).toBe(204);
    });

    it('refuses a patch that gives the record away (403, before any query)', async () => {
      const owned = await seed();
      const res = await kernel.inject({ method: 'PATCH', url: `/tasks/${owned.ada[0]}`, payload: { assigneeId: bob }, headers: as(ada) });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('BURROW_ERR_AUTH_FORBIDDEN');
      expect((await db.prisma.task.findFirstOrThrow({ where: { id: Number(owned.ada[0]) } })).assigneeId).toBe(ada);
    });
  });

  describe('create', () => {
    it('writes the owner, whatever the client sent', async () => {
      const res = await kernel.inject({ method: 'POST', url: '/tasks', headers: as(ada), payload: { title: 'mine', projectId, assigneeId: bob } });
      expect(res.statusCode).toBe(201);
      expect(res.json().assigneeId).toBe(ada);
      const plain = await kernel.inject({ method: 'POST', url: '/tasks', headers: as(ada), payload: { title: 'also mine', projectId } });
      expect(plain.json().assigneeId).toBe(ada);
      expect(await db.prisma.task.count({ where: { assigneeId: ada } })).toBe(2);
    });

    it('writes the owner on a nested create, whose body has no such field', async () => {
      const bobs = await db.prisma.project.create({ data: { name: 'Bob\'s own', ownerId: bob } });
      const res = await kernel.inject({ method: 'POST', url: `/projects/${bobs.id}/tasks`, headers: as(bob), payload: { title: 'nested' } });
      expect(res.statusCode).toBe(201);
      expect((await db.prisma.task.findFirstOrThrow({ where: { title: 'nested' } })).assigneeId).toBe(bob);
    });

    it('answers a nested route under a parent the caller may not read like one under a missing parent', async () => {
      // projectId is Ada's: Bob may not read it (the guard's Project rule), so it is as absent to him as a missing one.
      const last = await db.prisma.project.findFirst({ orderBy: { id: 'desc' } });
      const missing = String(last!.id + 1000);
      for (const [method, suffix, payload] of [['GET', '', undefined], ['POST', '', { title: 'smuggled' }]] as const) {
        const theirs = await kernel.inject({ method, url: `/projects/${projectId}/tasks${suffix}`, headers: as(bob), ...(payload ? { payload } : {}) });
        const none = await kernel.inject({ method, url: `/projects/${missing}/tasks${suffix}`, headers: as(bob), ...(payload ? { payload } : {}) });
        expect(theirs.statusCode).toBe(404);
        expect(withoutId(theirs.json(), String(projectId))).toEqual(withoutId(none.json(), missing));
      }
      expect(await db.prisma.task.count({ where: { title: 'smuggled' } })).toBe(0);
      expect((await kernel.inject({ method: 'GET', url: `/projects/${projectId}/tasks`, headers: as(ada) })).statusCode).toBe(200);
    });

    it('writes the owner through a relation the condition names (Project.owner → ownerId)', async () => {
      const res = await kernel.inject({ method: 'POST', url: '/projects', headers: as(bob), payload: { name: 'Bob\'s', ownerId: ada } });
      expect(res.statusCode).toBe(201);
      expect(res.json().ownerId).toBe(bob);
      const list = await kernel.inject({ method: 'GET', url: '/projects', headers: as(bob) });
      const items = Array.isArray(list.json()) ? list.json() : list.json().items;
      expect(items.map((p: { name: string }) => p.name)).toEqual(['Bob\'s']);
    });

    it('with several allowed values, takes one of them and refuses any other with 403', async () => {
      state.mode = 'team';
      const team = { 'x-team': String(bob) };
      const ok = await kernel.inject({ method: 'POST', url: '/tasks', headers: as(ada, team), payload: { title: 'for bob', projectId, assigneeId: bob } });
      expect(ok.statusCode).toBe(201);
      expect(ok.json().assigneeId).toBe(bob);
      for (const assigneeId of [carol, undefined]) {
        const res = await kernel.inject({ method: 'POST', url: '/tasks', headers: as(ada, team), payload: { title: 'for carol', projectId, ...(assigneeId ? { assigneeId } : {}) } });
        expect(res.statusCode).toBe(403);
        expect(res.json().code).toBe('BURROW_ERR_AUTH_FORBIDDEN');
      }
      expect(await db.prisma.task.count()).toBe(1);
      const patched = await kernel.inject({ method: 'PATCH', url: `/tasks/${ok.json().id}`, headers: as(ada, team), payload: { assigneeId: carol } });
      expect(patched.statusCode).toBe(403);
      const moved = await kernel.inject({ method: 'PATCH', url: `/tasks/${ok.json().id}`, headers: as(ada, team), payload: { assigneeId: ada } });
      expect(moved.statusCode).toBe(200);
      // Bob's task, listed by Ada's team.
      const list = await kernel.inject({ method: 'GET', url: '/tasks?count=true', headers: as(ada, team) });
      expect(list.json().total).toBe(1);
    });
  });

  describe('{ where } conditions', () => {
    it('are ANDed into queries as they are, and a write that leaves them is refused and rolled back', async () => {
      state.mode = 'where';
      const done = await db.prisma.task.create({ data: { title: 'done', projectId, status: 'done' } });
      const open = await db.prisma.task.create({ data: { title: 'open', projectId } });
      const list = await kernel.inject({ method: 'GET', url: '/tasks?count=true', headers: as(ada) });
      expect(list.json().items.map((t: { title: string }) => t.title)).toEqual(['open']);
      expect(list.json().total).toBe(1);
      expect((await kernel.inject({ method: 'GET', url: `/tasks/${done.id}`, headers: as(ada) })).statusCode).toBe(404);
      const close = await kernel.inject({ method: 'PATCH', url: `/tasks/${open.id}`, headers: as(ada), payload: { status: 'done' } });
      expect(close.statusCode).toBe(403);
      expect((await db.prisma.task.findFirstOrThrow({ where: { id: open.id } })).status).toBe('todo');
      const create = await kernel.inject({ method: 'POST', url: '/tasks', headers: as(ada), payload: { title: 'born done', projectId, status: 'done' } });
      expect(create.statusCode).toBe(403);
      expect(await db.prisma.task.count({ where: { title: 'born done' } })).toBe(0);
      const fine = await kernel.inject({ method: 'POST', url: '/tasks', headers: as(ada), payload: { title: 'born open', projectId } });
      expect(fine.statusCode).toBe(201);
    });
  });

  describe('batch', () => {
    const batch = (headers: Record<string, string>, items: unknown[], url = '/batch') => kernel.inject({ method: 'POST', url, headers, payload: { items } });

    it('refuses an item the guard refuses as an operation (403) and rolls the batch back', async () => {
      const owned = await seed();
      const res = await batch(as(ada, { 'x-reader': 'yes' }), [{ operationId: 'deleteTask', params: { id: owned.ada[0] } }]);
      expect(res.statusCode).toBe(409);
      expect(res.json().items[0]).toMatchObject({ status: 403, code: 'BURROW_ERR_AUTH_FORBIDDEN' });
      expect(await db.prisma.task.count()).toBe(40);
    });

    it('fails an item on another user\'s record with 404 and rolls back what came before', async () => {
      const owned = await seed();
      const res = await batch(as(ada), [
        { operationId: 'createTask', body: { title: 'first', projectId } },
        { operationId: 'patchTask', params: { id: owned.ada[0] }, body: { title: 'mine' } },
        { operationId: 'patchTask', params: { id: owned.bob[0] }, body: { title: 'theirs' } },
      ]);
      expect(res.statusCode).toBe(409);
      expect(res.json().items.map((i: { status: number }) => i.status)).toEqual([424, 424, 404]);
      expect(res.json().items[2].code).toBe('BURROW_ERR_RESOURCE_NOT_FOUND');
      expect(await db.prisma.task.count({ where: { title: { in: ['first', 'mine', 'theirs'] } } })).toBe(0);
      const deleted = await batch(as(ada), [{ operationId: 'deleteTask', params: { id: owned.bob[1] } }]);
      expect(deleted.json().items[0]).toMatchObject({ status: 404, code: 'BURROW_ERR_RESOURCE_NOT_FOUND' });
      expect(await db.prisma.task.count()).toBe(40);
    });

    it('writes the owner on consecutive creates, in one insert', async () => {
      db.resetQueries();
      const res = await batch(as(bob), [1, 2, 3].map((i) => ({ operationId: 'createTask', body: { title: `many ${i}`, projectId, assigneeId: ada } })), '/batch/full');
      expect(res.statusCode).toBe(200);
      expect(res.json().items.map((i: { body: { assigneeId: number } }) => i.body.assigneeId)).toEqual([bob, bob, bob]);
      expect(await db.prisma.task.count({ where: { assigneeId: bob } })).toBe(3);
      expect(db.queries.filter((q) => /^INSERT INTO\b.*Task/i.test(q))).toHaveLength(1);
    });

    it('refuses creates whose owner is not one of the allowed values, on the item that has it', async () => {
      state.mode = 'team';
      const res = await batch(as(ada, { 'x-team': String(bob) }), [
        { operationId: 'createTask', body: { title: 'a', projectId, assigneeId: bob } },
        { operationId: 'createTask', body: { title: 'b', projectId, assigneeId: carol } },
      ]);
      expect(res.statusCode).toBe(409);
      expect(res.json().items.map((i: { status: number }) => i.status)).toEqual([424, 403]);
      expect(await db.prisma.task.count()).toBe(0);
    });

    it('still asks the plugin\'s authorizeBatchItem hook', async () => {
      const res = await batch(as(ada), [{ operationId: 'createTask', body: { title: 'refused by the hook', projectId } }]);
      expect(res.json().items[0]).toMatchObject({ status: 403, code: 'BURROW_ERR_AUTH_FORBIDDEN' });
    });
  });
});
