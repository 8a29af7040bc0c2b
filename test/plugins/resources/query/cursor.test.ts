import { describe, expect, it } from 'vitest';
import { planQuery } from '../../../../plugins/resources/internal/query/index.js';
import { planOf } from './fixture.js';
import { expect400 } from './helpers.js';

const plan = planOf();
const run = (query: Record<string, unknown>) => planQuery(plan, query);
const decode = (cursor: string | undefined) => JSON.parse(Buffer.from(cursor!, 'base64url').toString('utf8')) as { k: unknown[]; h: string };
const encode = (payload: unknown) => Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
const invalid = (query: Record<string, unknown>) => {
  const error = expect400(() => run(query), 'BURROW_ERR_QUERY_CURSOR_INVALID');
  expect(error.detail).toBe('parameter cursor: the cursor is not one this list produced');
};

describe('cursor paging', () => {
  it('encodes the sort key values and the id of the last row, bigints as strings', () => {
    const cursor = run({ sort: '-priority' }).encodeNext({ id: 41n, priority: 3, title: 'x' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decode(cursor)).toEqual({ k: [3, '41'], h: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) });
  });

  it('reads the page after the cursor as a keyset where', () => {
    const cursor = run({ sort: '-priority' }).encodeNext({ id: 41n, priority: 3 });
    const next = run({ sort: '-priority', cursor, limit: 5 });
    expect(next.findMany).toEqual({
      where: { OR: [{ priority: { lt: 3 } }, { AND: [{ priority: { equals: 3 } }, { id: { gt: 41n } }] }] },
      orderBy: [{ priority: 'desc' }, { id: 'asc' }],
      take: 5,
      select: expect.any(Object),
    });
    expect(next.countWhere).toBeUndefined();
  });

  it('builds (k1 < v1) or (k1 = v1 and k2 > v2) or (k1 = v1 and k2 = v2 and id > vid)', () => {
    const query = { sort: 'priority:desc,title' };
    const cursor = run(query).encodeNext({ id: 9n, priority: 2, title: 'b' });
    expect(run({ ...query, cursor }).findMany.where).toEqual({
      OR: [
        { priority: { lt: 2 } },
        { AND: [{ priority: { equals: 2 } }, { title: { gt: 'b' } }] },
        { AND: [{ priority: { equals: 2 } }, { title: { equals: 'b' } }, { id: { gt: 9n } }] },
      ],
    });
  });

  it('pages by id alone with no sort, descending with dir', () => {
    const cursor = run({}).encodeNext({ id: 5n });
    expect(run({ cursor }).findMany.where).toEqual({ id: { gt: 5n } });
    const down = run({ dir: 'desc' }).encodeNext({ id: 5n });
    expect(run({ dir: 'desc', cursor: down }).findMany.where).toEqual({ id: { lt: 5n } });
  });

  it('keeps the filter and the scope, and counts without the position', () => {
    const query = { filter: "status eq 'todo'", sort: 'title' };
    const cursor = run(query).encodeNext({ id: 2n, title: 'a' });
    const next = run({ ...query, cursor, count: true });
    expect(next.findMany.where).toEqual({
      AND: [{ status: { equals: 'todo' } }, { OR: [{ title: { gt: 'a' } }, { AND: [{ title: { equals: 'a' } }, { id: { gt: 2n } }] }] }],
    });
    expect(next.countWhere).toEqual({ status: { equals: 'todo' } });
    expect(next.count).toBe(true);
  });

  it('places nulls last, after a value and after a null', () => {
    const due = new Date('2025-03-01T10:00:00.000Z');
    const afterValue = run({ sort: 'due' }).encodeNext({ id: 7n, due });
    expect(decode(afterValue).k).toEqual(['2025-03-01T10:00:00.000Z', '7']);
    expect(run({ sort: 'due', cursor: afterValue }).findMany.where).toEqual({
      OR: [{ OR: [{ due: { gt: due } }, { due: { equals: null } }] }, { AND: [{ due: { equals: due } }, { id: { gt: 7n } }] }],
    });
    const afterNull = run({ sort: '-due' }).encodeNext({ id: 7n, due: null });
    expect(run({ sort: '-due', cursor: afterNull }).findMany.where).toEqual({ AND: [{ due: { equals: null } }, { id: { gt: 7n } }] });
  });

  it('stores Decimal values as their exact text', () => {
    const decimal = { toFixed: () => '12.5', toString: () => '12.50' };
    const cursor = run({ sort: 'estimate' }).encodeNext({ id: 1n, estimate: decimal });
    expect(decode(cursor).k).toEqual(['12.50', '1']);
    expect(run({ sort: 'estimate', cursor }).findMany.where).toMatchObject({ OR: [{ OR: [{ estimate: { gt: '12.50' } }, { estimate: { equals: null } }] }, expect.anything()] });
  });

  it('pages booleans with equals (Prisma has no gt on them)', () => {
    const after = (sort: string, done: boolean) => run({ sort, cursor: run({ sort }).encodeNext({ id: 4n, done }) }).findMany.where;
    expect(after('done', false)).toEqual({ OR: [{ done: { equals: true } }, { AND: [{ done: { equals: false } }, { id: { gt: 4n } }] }] });
    expect(after('done', true)).toEqual({ AND: [{ done: { equals: true } }, { id: { gt: 4n } }] });
    expect(after('-done', true)).toEqual({ OR: [{ done: { equals: false } }, { AND: [{ done: { equals: true } }, { id: { gt: 4n } }] }] });
    expect(after('-done', false)).toEqual({ AND: [{ done: { equals: false } }, { id: { gt: 4n } }] });
  });

  it('is not offered for an order on an enum, whose order the database decides', () => {
    expect(run({ sort: 'status' }).encodeNext({ id: 1n, status: 'todo' })).toBeUndefined();
    const cursor = run({}).encodeNext({ id: 1n });
    expect400(() => run({ sort: 'status', cursor }), 'BURROW_ERR_QUERY_SYNTAX', 'parameter cursor: a list sorted on status (an enum, ordered as the database decides) is paged by offset, not by cursor');
    expect(run({ sort: '-status', offset: 20 }).findMany).toMatchObject({ orderBy: [{ status: 'desc' }, { id: 'asc' }], skip: 20 });
  });

  it('survives a change of page size', () => {
    const cursor = run({ limit: 10 }).encodeNext({ id: 5n });
    expect(run({ limit: 50, cursor }).findMany.where).toEqual({ id: { gt: 5n } });
  });

  it('takes an empty cursor as the first page', () => {
    expect(run({ cursor: '' }).findMany.where).toBeUndefined();
  });

  it('cannot be made from a row without its sort keys (a server bug, not a 400)', () => {
    expect(() => run({ sort: 'title' }).encodeNext({ id: 1n })).toThrow(TypeError);
  });

  it('rejects malformed cursors', () => {
    for (const cursor of ['abc!', 'a b', 'Zm9v', 'not-a-cursor', encode([1, 2]), encode({ k: ['1'] }), encode({ k: '1', h: 'x' }), encode(null), 'x'.repeat(5000), ['a'], 5]) {
      invalid({ cursor });
    }
  });

  it('rejects a tampered cursor', () => {
    const cursor = run({ sort: '-priority' }).encodeNext({ id: 41n, priority: 3 })!;
    const payload = decode(cursor);
    invalid({ sort: '-priority', cursor: encode({ ...payload, k: [3, '40'] }) });
    invalid({ sort: '-priority', cursor: encode({ ...payload, k: [3, { $gt: 1 }] }) });
    invalid({ sort: '-priority', cursor: encode({ ...payload, k: [3, '41', 'x'] }) });
    invalid({ sort: '-priority', cursor: encode({ ...payload, h: payload.h.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }) });
    invalid({ sort: '-priority', cursor: cursor.slice(0, -1) });
    invalid({ sort: '-priority', cursor: `${cursor}A` });
  });

  it('rejects a cursor whose values do not fit their fields, even with a matching check', () => {
    invalid({ sort: '-priority', cursor: run({ sort: '-priority' }).encodeNext({ id: 41n, priority: 'high' }) });
    invalid({ sort: '-priority', cursor: run({ sort: '-priority' }).encodeNext({ id: 41n, priority: null }) });
    invalid({ sort: '-priority', cursor: run({ sort: '-priority' }).encodeNext({ id: 'x', priority: 1 }) });
    invalid({ sort: 'due', cursor: run({ sort: 'due' }).encodeNext({ id: 1n, due: '2025-02-30' }) });
  });

  it('rejects a cursor from another order, filter or scope', () => {
    const cursor = run({ sort: '-priority' }).encodeNext({ id: 41n, priority: 3 });
    invalid({ sort: 'priority', cursor });
    invalid({ sort: '-priority', dir: 'desc', cursor: run({ sort: '-title' }).encodeNext({ id: 41n, title: 'x' }) });
    invalid({ sort: '-priority', filter: 'priority lt 5', cursor });
    expect400(() => planQuery(plan, { sort: '-priority', cursor }, { projectId: 2 }), 'BURROW_ERR_QUERY_CURSOR_INVALID');
    const scoped = planQuery(plan, { sort: '-priority' }, { projectId: 1 }).encodeNext({ id: 41n, priority: 3 });
    expect400(() => planQuery(plan, { sort: '-priority', cursor: scoped }, { projectId: 2 }), 'BURROW_ERR_QUERY_CURSOR_INVALID');
    expect(planQuery(plan, { sort: '-priority', cursor: scoped }, { projectId: 1 }).findMany.where).toMatchObject({ AND: [{ projectId: 1 }, expect.anything()] });
    // Another operation with the same order.
    const other = planOf({ operationId: 'listOtherTasks' });
    expect400(() => planQuery(other, { sort: '-priority', cursor }), 'BURROW_ERR_QUERY_CURSOR_INVALID');
  });
});
