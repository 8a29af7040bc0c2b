import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Kernel } from '../../../core/index.js';
import { PROVIDERS, openDatabase, reset, resourceKernel, type TestDatabase } from './harness.js';

describe.each(PROVIDERS)('resources on %s: batch', (provider) => {
  let db: TestDatabase;
  let kernel: Kernel;
  let ids: { userId: number; projectId: number };
  const events: string[] = [];
  const batch = (items: unknown[]) => kernel.inject({ method: 'POST', url: '/batch', payload: { items } });

  beforeAll(async () => {
    db = await openDatabase(provider);
    kernel = await resourceKernel(db, {
      authorizeBatchItem: (item) => !(item.operationId === 'deleteTask' && item.params.id === '1'),
    });
    kernel.events.on('resource.created', () => void events.push('created'));
  });
  afterAll(async () => {
    await kernel?.close();
    await db?.close();
  });
  beforeEach(async () => {
    ids = await reset(db);
    events.length = 0;
  });

  it('runs writes across resources in one transaction and answers each item\'s status', async () => {
    const existing = await db.prisma.task.create({ data: { title: 'old', projectId: ids.projectId } });
    const res = await batch([
      { operationId: 'createProject', body: { name: 'Second', ownerId: ids.userId } },
      { operationId: 'createTask', body: { title: 'one', projectId: ids.projectId } },
      { operationId: 'createTask', body: { title: 'two', projectId: ids.projectId } },
      { operationId: 'patchTask', params: { id: String(existing.id) }, body: { status: 'done' } },
      { operationId: 'createProjectTask', params: { id: ids.projectId }, body: { title: 'nested' } },
    ]);
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(items.map((i: { status: number }) => i.status)).toEqual([201, 201, 201, 200, 201]);
    // Without `bodies`, an item answers its status, id, Location and ETag (mORMot answers statuses).
    expect(items[1].body).toBeUndefined();
    expect(items[1].headers.location).toBe(`/tasks/${items[1].id}`);
    expect((await db.prisma.task.findFirstOrThrow({ where: { title: 'one' } })).id.toString()).toBe(items[1].id);
    expect(await db.prisma.task.count()).toBe(4);
    await kernel.events.idle();
    expect(events).toHaveLength(4);
  });

  it('is all or nothing: one failing item rolls every item back, and the answer says which failed', async () => {
    const res = await batch([
      { operationId: 'createTask', body: { title: 'one', projectId: ids.projectId } },
      { operationId: 'createProject', body: { name: 'Burrow', ownerId: ids.userId } },
      { operationId: 'createTask', body: { title: 'three', projectId: ids.projectId } },
    ]);
    expect(res.statusCode).toBe(409);
    const problem = res.json();
    expect(problem.code).toBe('BURROW_ERR_BATCH_FAILED');
    expect(problem.items.map((i: { status: number }) => i.status)).toEqual([424, 409, 424]);
    expect(problem.items[1].code).toBe('BURROW_ERR_RESOURCE_CONFLICT');
    expect(await db.prisma.task.count()).toBe(0);
    await kernel.events.idle();
    expect(events).toEqual([]);
  });

  it('validates each item against its operation\'s schema', async () => {
    const res = await batch([{ operationId: 'createTask', body: { title: '', projectId: ids.projectId } }]);
    expect(res.statusCode).toBe(409);
    expect(res.json().items[0]).toMatchObject({ status: 400, code: 'BURROW_ERR_REQUEST_VALIDATION' });
  });

  it('refuses an item the authorization hook refuses', async () => {
    const res = await batch([
      { operationId: 'createTask', body: { title: 'one', projectId: ids.projectId } },
      { operationId: 'deleteTask', params: { id: '1' } },
    ]);
    expect(res.statusCode).toBe(409);
    expect(res.json().items[1]).toMatchObject({ status: 403, code: 'BURROW_ERR_AUTH_FORBIDDEN' });
    expect(await db.prisma.task.count()).toBe(0);
  });

  it('refuses an operation the batch does not list, and a batch over its maximum size', async () => {
    const unknown = await batch([{ operationId: 'getTask', params: { id: '1' } }]);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('BURROW_ERR_BATCH_OPERATION_UNKNOWN');
    const big = await batch(Array.from({ length: 2001 }, () => ({ operationId: 'createTag', body: { name: 'x' } })));
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('BURROW_ERR_BATCH_TOO_LARGE');
  });

  it('with bodies, answers every created item with its relations, tagged or not', async () => {
    const tag = await db.prisma.tag.create({ data: { name: 'urgent' } });
    const res = await kernel.inject({ method: 'POST', url: '/batch/full', payload: { items: [
      { operationId: 'createTask', body: { title: 'plain', projectId: ids.projectId } },
      { operationId: 'createTask', body: { title: 'tagged', projectId: ids.projectId, tags: [tag.id] } },
      { operationId: 'createTask', body: { title: 'plain too', projectId: ids.projectId } },
    ] } });
    expect(res.statusCode).toBe(200);
    const bodies = res.json().items.map((i: { body: { title: string; project: { name: string }; tags: { name: string }[] } }) => i.body);
    expect(bodies.map((b: { title: string }) => b.title)).toEqual(['plain', 'tagged', 'plain too']);
    for (const body of bodies) expect(body.project.name).toBe('Burrow');
    expect(bodies.map((b: { tags: { name: string }[] }) => b.tags.map((t) => t.name))).toEqual([[], ['urgent'], []]);
    const missing = await batch([
      { operationId: 'createTask', body: { title: 'a', projectId: ids.projectId } },
      { operationId: 'createTask', body: { title: 'b', projectId: ids.projectId, tags: [987654] } },
    ]);
    expect(missing.statusCode).toBe(409);
    expect(await db.prisma.task.count()).toBe(3);
  });

  it('inserts 1000 creates in one transaction', async () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({ operationId: 'createTask', body: { title: `bulk ${i}`, projectId: ids.projectId } }));
    const res = await kernel.inject({ method: 'POST', url: '/batch', payload: { items } });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toHaveLength(1000);
    expect(await db.prisma.task.count()).toBe(1000);
  });
});
