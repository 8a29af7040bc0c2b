import { describe, expect, it } from 'vitest';
import { compileListQuery, planQuery } from '../../../../plugins/resources/internal/query/index.js';
import type { QueryBinding } from '../../../../plugins/resources/internal/binding.js';
import { ALL_SCALARS, planOf, taskView } from './fixture.js';
import { expect400 } from './helpers.js';

type Param = string | { name: string; schema: Record<string, unknown> };
const str = (name: string) => ({ name, schema: { type: 'string' } });
const int = (name: string) => ({ name, schema: { type: 'integer' } });
const bool = (name: string) => ({ name, schema: { type: 'boolean' } });
const arr = (name: string) => ({ name, schema: { type: 'array', items: { type: 'string' } } });

function problemsOf(params: Param[], binding?: QueryBinding, extra: { page?: { default: number; max: number }; paging?: boolean; operationId?: string } = {}): string[] {
  const declared = params.map((p) => (typeof p === 'string' ? str(p) : p));
  const result = compileListQuery({
    operationId: extra.operationId ?? 'listTasks',
    binding,
    declared,
    view: taskView,
    page: extra.page ?? { default: 20, max: 100 },
    ...(extra.paging === undefined ? {} : { paging: extra.paging }),
  });
  if (result.problems.length) expect(result.plan).toBeUndefined();
  else expect(result.plan).toBeDefined();
  return result.problems;
}

describe('parameter names', () => {
  it('uses the conventional names the operation declares', () => {
    const plan = planOf({ params: ['filter', 'sort', 'limit', 'cursor', 'count'] });
    expect(plan.params).toEqual({ filter: 'filter', sort: 'sort', limit: 'limit', cursor: 'cursor', count: 'count' });
    expect(plan.fields).toEqual([]);
  });

  it('takes the names the binding gives', () => {
    const plan = planOf({ params: [str('q'), str('order'), int('pageSize'), int('from'), bool('withTotal')], binding: { filter: 'q', sort: 'order', limit: 'pageSize', offset: 'from', count: 'withTotal' } });
    expect(plan.params).toEqual({ filter: 'q', sort: 'order', limit: 'pageSize', offset: 'from', count: 'withTotal' });
    const result = planQuery(plan, { q: 'priority gt 1', order: '-title', pageSize: 3, from: 6, withTotal: true });
    expect(result.findMany).toEqual({ where: { priority: { gt: 1 } }, orderBy: [{ title: 'desc' }, { id: 'asc' }], skip: 6, take: 3, select: ALL_SCALARS });
    expect(result.count).toBe(true);
    expect400(() => planQuery(plan, { pageSize: 500 }), 'BURROW_ERR_QUERY_PAGE_TOO_LARGE', 'parameter pageSize: 500 is over the maximum page size of 100');
    expect400(() => planQuery(plan, { q: 'nope eq 1' }), 'BURROW_ERR_QUERY_FIELD_UNKNOWN', 'parameter q:');
    expect400(() => planQuery(plan, { order: 'nope' }), 'BURROW_ERR_QUERY_FIELD_UNKNOWN', 'parameter order:');
  });

  it('serves the mORMot preset: sort=title&dir=desc&startIndex=20&results=10&select=id,title', () => {
    const plan = planOf({ params: ['sort', 'dir', int('startIndex'), int('results'), 'select'], binding: { preset: 'mormot' } });
    expect(plan.params).toEqual({ sort: 'sort', dir: 'dir', offset: 'startIndex', limit: 'results', select: 'select' });
    const result = planQuery(plan, { sort: 'title', dir: 'desc', startIndex: 20, results: 10, select: 'id,title' });
    expect(result.findMany).toEqual({ orderBy: [{ title: 'desc' }, { id: 'asc' }], skip: 20, take: 10, select: { id: true, title: true } });
    expect(result.fields).toEqual(['id', 'title']);
    expect(result.count).toBe(false);
    expect400(() => planQuery(plan, { results: 101 }), 'BURROW_ERR_QUERY_PAGE_TOO_LARGE', 'parameter results: 101 is over the maximum page size of 100');
    expect400(() => planQuery(plan, { startIndex: -1 }), 'BURROW_ERR_QUERY_SYNTAX', 'parameter startIndex:');
    expect(problemsOf(['sort', 'dir', 'startIndex', 'results', 'select', 'offset'], { preset: 'mormot' })).toEqual([
      'query parameter offset of listTasks means nothing to the resource: map it in x-burrow-resource.query or remove it',
    ]);
  });

  it('lets an explicit name win over the preset', () => {
    const plan = planOf({ params: [int('start'), int('results')], binding: { preset: 'mormot', offset: 'start' } });
    expect(plan.params).toEqual({ offset: 'start', limit: 'results' });
  });
});

describe('field parameters', () => {
  it('filter a field by equality when named like a readable scalar field, by in when declared as an array', () => {
    const plan = planOf({ params: ['status', int('priority'), arr('title'), 'limit'] });
    expect(plan.params).toEqual({ limit: 'limit' });
    expect(planQuery(plan, { status: 'todo', priority: 3 }).findMany.where).toEqual({ AND: [{ status: { equals: 'todo' } }, { priority: { equals: 3 } }] });
    expect(planQuery(plan, { title: ['a', 'b'] }).findMany.where).toEqual({ title: { in: ['a', 'b'] } });
    expect(planQuery(plan, {}).findMany.where).toBeUndefined();
    expect400(() => planQuery(plan, { status: 'archived' }), 'BURROW_ERR_QUERY_VALUE_INVALID', 'parameter status: "archived" is not a valid value of status');
    expect400(() => planQuery(plan, { priority: 'x' }), 'BURROW_ERR_QUERY_VALUE_INVALID', 'parameter priority:');
  });

  it('map parameters to fields and operators through query.fields', () => {
    const binding: QueryBinding = {
      fields: { dueBefore: { field: 'due', op: 'lt' }, state: 'status', projectName: 'project.name', undated: { field: 'due', op: 'isNull' }, states: { field: 'status', op: 'in' }, big: { field: 'id', op: 'gte' } },
    };
    const plan = planOf({ params: ['dueBefore', 'state', 'projectName', bool('undated'), arr('states'), 'big', 'filter'], binding });
    expect(planQuery(plan, { dueBefore: '2025-01-31', state: 'done', projectName: "O'Neil", big: '9007199254740993' }).findMany.where).toEqual({
      AND: [{ due: { lt: new Date('2025-01-31T00:00:00Z') } }, { status: { equals: 'done' } }, { project: { is: { name: { equals: "O'Neil" } } } }, { id: { gte: 9007199254740993n } }],
    });
    expect(planQuery(plan, { undated: true, filter: 'priority eq 1' }).findMany.where).toEqual({ AND: [{ priority: { equals: 1 } }, { due: { equals: null } }] });
    expect(planQuery(plan, { undated: false }).findMany.where).toEqual({ due: { not: null } });
    expect(planQuery(plan, { states: ['todo', 'doing'] }).findMany.where).toEqual({ status: { in: ['todo', 'doing'] } });
    expect(planQuery(plan, { states: 'todo' }).findMany.where).toEqual({ status: { in: ['todo'] } });
    expect400(() => planQuery(plan, { dueBefore: 'soon' }), 'BURROW_ERR_QUERY_VALUE_INVALID', 'parameter dueBefore: "soon" is not a valid value of due');
    // An eq parameter given several values (a repeated parameter the contract declares as an array) is an in.
    expect(planQuery(plan, { state: ['todo', 'done'] }).findMany.where).toEqual({ status: { in: ['todo', 'done'] } });
    expect400(() => planQuery(plan, { dueBefore: ['2025-01-01'] }), 'BURROW_ERR_QUERY_SYNTAX', 'parameter dueBefore: expected one value');
    expect400(() => planQuery(plan, { states: Array(101).fill('todo') }), 'BURROW_ERR_QUERY_SYNTAX', 'parameter states: 101 values; the most is 100');
  });
});

describe('boot problems', () => {
  it('name a mapping to an undeclared parameter', () => {
    expect(problemsOf(['limit'], { sort: 'order', fields: { dueBefore: { field: 'due', op: 'lt' } } })).toEqual([
      'x-burrow-resource.query.sort of listTasks names query parameter order, which the operation does not declare',
      'x-burrow-resource.query.fields.dueBefore of listTasks names query parameter dueBefore, which the operation does not declare',
    ]);
  });

  it('name a declared parameter that means nothing', () => {
    expect(problemsOf(['q', 'limit', 'passwordHash', 'pin', 'meta', 'project', 'constructor', '__proto__'])).toEqual(
      ['q', 'passwordHash', 'pin', 'meta', 'project', 'constructor', '__proto__'].map(
        (p) => `query parameter ${p} of listTasks means nothing to the resource: map it in x-burrow-resource.query or remove it`,
      ),
    );
  });

  it('name a field mapping to a field the schema does not offer, or an operator that does not fit', () => {
    expect(
      problemsOf(['a', 'b', 'c', 'd', 'e'], {
        fields: { a: 'passwordHash', b: { field: 'title', op: 'gt' }, c: { field: 'priority', op: 'contains' }, d: { field: 'due', op: 'isNull' }, e: 'meta' },
      }),
    ).toEqual([
      'x-burrow-resource.query.fields.a of listTasks maps to passwordHash, which is not a readable field of #/components/schemas/Task that can be filtered',
      'x-burrow-resource.query.fields.c of listTasks: operator contains does not apply to priority (Int); operators: eq, ne, gt, gte, lt, lte, in',
      'x-burrow-resource.query.fields.d of listTasks: isNull takes a boolean query parameter; d is not declared as a boolean',
      'x-burrow-resource.query.fields.e of listTasks maps to meta, which is not a readable field of #/components/schemas/Task that can be filtered',
    ]);
  });

  it('name a parameter mapped twice, and a default page over the maximum', () => {
    expect(problemsOf(['q'], { filter: 'q', sort: 'q' }, { page: { default: 50, max: 10 } })).toEqual([
      'query parameter q of listTasks is mapped twice: by x-burrow-resource.query.filter and by x-burrow-resource.query.sort',
      'x-burrow-resource.page of listTasks: the default page size 50 is over the maximum 10',
    ]);
    expect(problemsOf(['title'], { fields: { title: 'status' } })).toEqual([]);
  });

  it('offer a count only its filters', () => {
    expect(problemsOf(['filter', 'status', 'limit'], undefined, { paging: false, operationId: 'countTasks' })).toEqual([
      'query parameter limit of countTasks means nothing to the resource: map it in x-burrow-resource.query or remove it',
    ]);
    expect(problemsOf(['filter'], { sort: 'filter' }, { paging: false, operationId: 'countTasks' })).toEqual([
      'x-burrow-resource.query.sort of countTasks means nothing to a count, which only filters: remove it',
    ]);
    const { plan } = compileListQuery({ operationId: 'countTasks', binding: undefined, declared: [str('filter'), str('status')], view: taskView, page: { default: 20, max: 100 }, paging: false });
    expect(plan!.params).toEqual({ filter: 'filter' });
    expect(planQuery(plan!, { filter: 'priority gt 1', status: 'todo' }).countWhere).toEqual({ AND: [{ priority: { gt: 1 } }, { status: { equals: 'todo' } }] });
  });
});
