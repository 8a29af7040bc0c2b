import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernel } from '../../../core/index.js';
import { PROVIDERS, openDatabase, reset, resourceKernel, type TestDatabase } from './harness.js';

describe.each(PROVIDERS)('resources on %s: querying a list', (provider) => {
  let db: TestDatabase;
  let kernel: Kernel;
  const get = async (url: string) => {
    const res = await kernel.inject({ method: 'GET', url });
    return { status: res.statusCode, body: res.json(), headers: res.headers };
  };

  beforeAll(async () => {
    db = await openDatabase(provider);
    const { projectId } = await reset(db);
    const statuses = ['todo', 'in_progress', 'done'] as const;
    for (let i = 0; i < 30; i++) {
      await db.prisma.task.create({
        data: {
          title: i === 7 ? "Robert'); DROP TABLE \"Task\";--" : i === 8 ? 'Écrire la doc ✓ 日本' : `task ${String(i).padStart(2, '0')}`,
          status: statuses[i % 3]!,
          priority: (i % 5) + 1,
          dueDate: i % 4 === 0 ? null : new Date(Date.UTC(2026, 11, 1 + i)),
          projectId,
        },
      });
    }
    kernel = await resourceKernel(db);
  });
  afterAll(async () => {
    await kernel?.close();
    await db?.close();
  });

  it('pages with the default size, offset, and the total only when asked', async () => {
    const first = await get('/tasks');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(10);
    expect(first.body.total).toBeUndefined();
    expect(first.headers['x-total-count']).toBeUndefined();
    const counted = await get('/tasks?count=true&offset=25');
    expect(counted.body.items).toHaveLength(5);
    expect(counted.body.total).toBe(30);
    expect(counted.headers['x-total-count']).toBe('30');
  });

  it('filters with an expression (AND, OR, NOT, in, isNull, comparisons) and with field parameters', async () => {
    const done = await get(`/tasks?count=true&filter=${encodeURIComponent("status eq 'done' and priority gte 3")}`);
    expect(done.body.total).toBe(done.body.items.length);
    for (const t of done.body.items) expect(t.status === 'done' && t.priority >= 3).toBe(true);
    const either = await get(`/tasks?count=true&limit=50&filter=${encodeURIComponent("(priority eq 1 or priority eq 5) and not status eq 'todo'")}`);
    for (const t of either.body.items) expect([1, 5]).toContain(t.priority);
    const noDue = await get(`/tasks?count=true&filter=${encodeURIComponent('dueDate isNull')}`);
    expect(noDue.body.total).toBe(8);
    const inList = await get(`/tasks?count=true&filter=${encodeURIComponent("status in ('todo','done')")}`);
    expect(inList.body.total).toBe(20);
    const byParam = await get('/tasks?count=true&status=in_progress&dueBefore=2026-12-10');
    for (const t of byParam.body.items) expect(t.status === 'in_progress' && t.dueDate < '2026-12-10').toBe(true);
    expect(byParam.body.total).toBeGreaterThan(0);
    const count = await get(`/tasks/count?filter=${encodeURIComponent("title startsWith 'task 1'")}`);
    expect(count.body).toEqual({ count: 10 });
  });

  it('treats SQL-looking and unicode values as data', async () => {
    const sql = await get(`/tasks?filter=${encodeURIComponent("title eq 'Robert''); DROP TABLE \"Task\";--'")}`);
    expect(sql.status).toBe(200);
    expect(sql.body.items).toHaveLength(1);
    const unicode = await get(`/tasks?filter=${encodeURIComponent("title contains 'doc ✓ 日本'")}`);
    expect(unicode.body.items.map((t: { title: string }) => t.title)).toEqual(['Écrire la doc ✓ 日本']);
    expect(await db.prisma.task.count()).toBe(30);
  });

  it.runIf(provider === 'postgres')('matches % and _ in contains literally (escaped for PostgreSQL)', async () => {
    const project = await db.prisma.project.findFirstOrThrow();
    const created = await db.prisma.task.create({ data: { title: 'at 100%_done', projectId: project.id } });
    try {
      const res = await get(`/tasks?count=true&filter=${encodeURIComponent("title contains '0%_d'")}`);
      expect(res.body.items.map((t: { title: string }) => t.title)).toEqual(['at 100%_done']);
      const none = await get(`/tasks?count=true&filter=${encodeURIComponent("title contains 'a%e'")}`);
      expect(none.body.total).toBe(0);
    } finally {
      await db.prisma.task.delete({ where: { id: created.id } });
    }
  });

  it('sorts on several fields with direction, and pages by cursor through every record once', async () => {
    const sorted = await get('/tasks?sort=-priority,title&limit=50');
    const keys = sorted.body.items.map((t: { priority: number; title: string }) => [t.priority, t.title]);
    const expected = [...keys].sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    expect(keys).toEqual(expected);
    const seen: string[] = [];
    let url = '/tasks?sort=-priority&limit=7';
    for (let page = 0; page < 10; page++) {
      const res = await get(url);
      seen.push(...res.body.items.map((t: { id: string }) => t.id));
      if (!res.body.nextCursor) break;
      url = `/tasks?sort=-priority&limit=7&cursor=${encodeURIComponent(res.body.nextCursor)}`;
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
  });

  it('selects fields (the id always) and includes declared relations only when asked', async () => {
    const res = await get('/tasks?select=title&limit=2');
    expect(Object.keys(res.body.items[0]).sort()).toEqual(['id', 'title']);
    const plain = await get('/tasks?limit=1');
    expect(plain.body.items[0].project).toBeUndefined();
    const included = await get('/tasks?limit=1&include=project');
    expect(included.body.items[0].project).toMatchObject({ name: 'Burrow' });
  });

  it('speaks mORMot\'s paging names when the contract chooses them', async () => {
    const res = await get('/tasks/legacy?sort=title&dir=desc&startIndex=1&results=3&select=title');
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(3);
    const titles = res.body.map((t: { title: string }) => t.title);
    expect(titles).toEqual([...titles].sort().reverse());
  });

  it.each([
    ['an unknown field', `filter=${encodeURIComponent("nope eq 1")}`, 'BURROW_ERR_QUERY_FIELD_UNKNOWN'],
    ['a model field the contract does not declare', `filter=${encodeURIComponent("assignee eq 1")}`, 'BURROW_ERR_QUERY_FIELD_UNKNOWN'],
    ['an unknown operator', `filter=${encodeURIComponent("priority like 1")}`, 'BURROW_ERR_QUERY_OPERATOR_UNKNOWN'],
    ['an operator that does not fit the field', `filter=${encodeURIComponent("priority contains 1")}`, 'BURROW_ERR_QUERY_OPERATOR_UNKNOWN'],
    ['a value of the wrong type', `filter=${encodeURIComponent("priority eq 'high'")}`, 'BURROW_ERR_QUERY_VALUE_INVALID'],
    ['a value outside the enum', `filter=${encodeURIComponent("status eq 'lost'")}`, 'BURROW_ERR_QUERY_VALUE_INVALID'],
    ['a malformed expression', `filter=${encodeURIComponent("(status eq 'done'")}`, 'BURROW_ERR_QUERY_SYNTAX'],
    ['a sort on an unknown field', 'sort=-nope', 'BURROW_ERR_QUERY_FIELD_UNKNOWN'],
    ['a page size over the maximum', 'limit=51', 'BURROW_ERR_QUERY_PAGE_TOO_LARGE'],
    ['a malformed cursor', 'cursor=not-a-cursor', 'BURROW_ERR_QUERY_CURSOR_INVALID'],
    ['offset and cursor together', 'offset=1&cursor=abc', 'BURROW_ERR_QUERY_PAGING_CONFLICT'],
    ['a select of an unknown field', 'select=title,nope', 'BURROW_ERR_QUERY_FIELD_UNKNOWN'],
  ])('answers %s with 400 and its code', async (_, query, code) => {
    const res = await get(`/tasks?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(code);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
