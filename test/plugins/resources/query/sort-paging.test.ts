import { describe, expect, it } from 'vitest';
import { planQuery } from '../../../../plugins/resources/internal/query/index.js';
import { ALL_SCALARS, planOf } from './fixture.js';
import { expect400 } from './helpers.js';

const plan = planOf();
const run = (query: Record<string, unknown>) => planQuery(plan, query);
const order = (query: Record<string, unknown>) => run(query).findMany.orderBy;

describe('a list with no query parameters', () => {
  it('reads the first default page in id order, every readable scalar field, no total', () => {
    const result = run({});
    expect(result.findMany).toEqual({ orderBy: [{ id: 'asc' }], take: 20, select: ALL_SCALARS });
    expect(result.count).toBe(false);
    expect(result.countWhere).toBeUndefined();
    expect(result.fields).toBeUndefined();
  });
});

describe('sort', () => {
  it('takes -field and field:dir keys, then the id ascending', () => {
    expect(order({ sort: '-priority,due' })).toEqual([{ priority: 'desc' }, { due: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }]);
    expect(order({ sort: 'priority:desc, title:ASC' })).toEqual([{ priority: 'desc' }, { title: 'asc' }, { id: 'asc' }]);
    expect(order({ sort: '+title' })).toEqual([{ title: 'asc' }, { id: 'asc' }]);
    expect(order({ sort: ['priority', '-title'] })).toEqual([{ priority: 'asc' }, { title: 'desc' }, { id: 'asc' }]);
    expect(order({ sort: '-due' })).toEqual([{ due: { sort: 'desc', nulls: 'last' } }, { id: 'asc' }]);
  });

  it('does not repeat the id when the client sorts on it', () => {
    expect(order({ sort: '-id' })).toEqual([{ id: 'desc' }]);
    expect(order({ sort: 'priority,id:desc' })).toEqual([{ priority: 'asc' }, { id: 'desc' }]);
  });

  it('applies dir to keys without a direction of their own', () => {
    expect(order({ sort: 'title', dir: 'DESC' })).toEqual([{ title: 'desc' }, { id: 'asc' }]);
    expect(order({ sort: 'title,priority:asc,+done', dir: 'desc' })).toEqual([{ title: 'desc' }, { priority: 'asc' }, { done: 'asc' }, { id: 'asc' }]);
    expect(order({ sort: 'title', dir: 'asc' })).toEqual([{ title: 'asc' }, { id: 'asc' }]);
    expect(order({ dir: 'desc' })).toEqual([{ id: 'desc' }]);
  });

  it('takes an empty sort as none', () => {
    expect(order({ sort: '' })).toEqual([{ id: 'asc' }]);
  });

  it('rejects more than 5 keys, unknown, hidden and unsortable fields, and malformed keys', () => {
    expect(order({ sort: 'title,priority,due,done,-status' })).toHaveLength(6);
    expect400(() => run({ sort: 'title,priority,due,done,status,ratio' }), 'BURROW_ERR_QUERY_SYNTAX', 'parameter sort: 6 sort keys; the most is 5');
    const unknown = expect400(() => run({ sort: '-owner' }), 'BURROW_ERR_QUERY_FIELD_UNKNOWN');
    expect(unknown.detail).toBe('parameter sort: "owner" is not a field you can sort on here; fields: id, title, status, priority, done, ratio, due, estimate, projectId');
    for (const hidden of ['passwordHash', 'pin', 'meta', 'project', 'tags', '__proto__', 'constructor']) {
      expect400(() => run({ sort: hidden }), 'BURROW_ERR_QUERY_FIELD_UNKNOWN', `"${hidden}" is not a field you can sort on`);
    }
    expect400(() => run({ sort: 'project.name' }), 'BURROW_ERR_QUERY_SYNTAX', '"project.name" is not a sort key');
    expect400(() => run({ sort: 'title,-title' }), 'BURROW_ERR_QUERY_SYNTAX', 'sorts on title twice');
    expect400(() => run({ sort: '-title:desc' }), 'BURROW_ERR_QUERY_SYNTAX', 'give the direction once');
    expect400(() => run({ sort: 'title:up' }), 'BURROW_ERR_QUERY_SYNTAX', 'the direction is asc or desc');
    expect400(() => run({ sort: 'title,,priority' }), 'BURROW_ERR_QUERY_SYNTAX', 'is empty');
    expect400(() => run({ sort: 'title desc' }), 'BURROW_ERR_QUERY_SYNTAX', 'write field, -field or field:asc / field:desc');
    expect400(() => run({ dir: 'sideways' }), 'BURROW_ERR_QUERY_SYNTAX', 'parameter dir: expected asc or desc, found "sideways"');
  });
});

describe('paging', () => {
  it('takes a page size up to the maximum', () => {
    expect(run({ limit: 10 }).findMany.take).toBe(10);
    expect(run({ limit: 100 }).findMany.take).toBe(100);
    expect(run({ limit: '7' }).findMany.take).toBe(7);
    expect(planQuery(planOf({ page: { default: 5, max: 8 } }), {}).findMany.take).toBe(5);
  });

  it('rejects a page size over the maximum, or below 1', () => {
    expect(expect400(() => run({ limit: 101 }), 'BURROW_ERR_QUERY_PAGE_TOO_LARGE').detail).toBe('parameter limit: 101 is over the maximum page size of 100');
    expect400(() => run({ limit: 0 }), 'BURROW_ERR_QUERY_SYNTAX', 'parameter limit: the page size is an integer from 1 to 100, not "0"');
    expect400(() => run({ limit: -5 }), 'BURROW_ERR_QUERY_SYNTAX', 'parameter limit:');
    expect400(() => run({ limit: 1.5 }), 'BURROW_ERR_QUERY_SYNTAX', 'parameter limit:');
    expect400(() => run({ limit: 'ten' }), 'BURROW_ERR_QUERY_SYNTAX', 'parameter limit:');
  });

  it('skips by offset', () => {
    expect(run({ offset: 40, limit: 10 }).findMany).toEqual({ orderBy: [{ id: 'asc' }], skip: 40, take: 10, select: ALL_SCALARS });
    expect(run({ offset: 0 }).findMany.skip).toBeUndefined();
    expect400(() => run({ offset: -1 }), 'BURROW_ERR_QUERY_SYNTAX', 'parameter offset: the offset is an integer from 0 to 2147483647');
    expect400(() => run({ offset: 2 ** 31 }), 'BURROW_ERR_QUERY_SYNTAX', 'parameter offset:');
  });

  it('rejects offset and cursor together', () => {
    const cursor = run({}).encodeNext({ id: 1n });
    const error = expect400(() => run({ offset: 10, cursor }), 'BURROW_ERR_QUERY_PAGING_CONFLICT');
    expect(error.detail).toBe('parameters offset and cursor cannot be used together');
    // offset 0 is still an offset.
    expect400(() => run({ offset: 0, cursor }), 'BURROW_ERR_QUERY_PAGING_CONFLICT');
  });
});

describe('count', () => {
  it('is asked for, never assumed', () => {
    expect(run({ count: true }).count).toBe(true);
    expect(run({ count: false }).count).toBe(false);
    expect(run({ count: 'true' }).count).toBe(true);
    expect400(() => run({ count: 'maybe' }), 'BURROW_ERR_QUERY_SYNTAX', 'parameter count: expected true or false');
  });

  it('counts with the filter, without paging', () => {
    const result = run({ filter: 'priority gt 2', count: true, limit: 5, offset: 5 });
    expect(result.countWhere).toEqual({ priority: { gt: 2 } });
    expect(result.findMany.where).toEqual({ priority: { gt: 2 } });
  });
});

describe('scope', () => {
  it('ANDs the fixed scope and the request scope in before the filter, which cannot override them', () => {
    const scoped = planOf({ scope: { projectId: 7 } });
    expect(planQuery(scoped, {}).findMany.where).toEqual({ projectId: 7 });
    const result = planQuery(scoped, { filter: 'projectId eq 8 or projectId ne 8' }, { project: { is: { id: 7 } } });
    expect(result.findMany.where).toEqual({
      AND: [{ projectId: 7 }, { project: { is: { id: 7 } } }, { OR: [{ projectId: { equals: 8 } }, { projectId: { not: 8 } }] }],
    });
    expect(result.countWhere).toEqual(result.findMany.where);
  });
});

describe('parameters the plan does not have', () => {
  it('are ignored, and only own properties of the query are read', () => {
    const limitOnly = planOf({ params: ['limit'] });
    expect(limitOnly.params).toEqual({ limit: 'limit' });
    expect(planQuery(limitOnly, { sort: '-title', filter: 'x' }).findMany).toEqual({ orderBy: [{ id: 'asc' }], take: 20, select: ALL_SCALARS });
    const inherited = Object.create({ limit: 500, filter: 'nope eq 1' }) as Record<string, unknown>;
    expect(planQuery(plan, inherited).findMany.take).toBe(20);
    expect(planQuery(plan, JSON.parse('{"__proto__": {"limit": 500}}') as Record<string, unknown>).findMany.take).toBe(20);
  });
});
