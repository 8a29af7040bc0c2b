import { describe, expect, it } from 'vitest';
import { planQuery } from '../../../../plugins/resources/internal/query/index.js';
import { ALL_SCALARS, planOf } from './fixture.js';
import { expect400 } from './helpers.js';

const plan = planOf();
const run = (query: Record<string, unknown>) => planQuery(plan, query);

describe('select', () => {
  it('reads the fields asked for and the id, and says what to return', () => {
    expect(run({ select: 'id,title' })).toMatchObject({ findMany: { select: { id: true, title: true } }, fields: ['id', 'title'] });
    expect(run({ select: 'title' })).toMatchObject({ findMany: { select: { id: true, title: true } }, fields: ['id', 'title'] });
    expect(run({ select: ['due', 'status, title'] }).findMany.select).toEqual({ id: true, due: true, status: true, title: true });
  });

  it('also reads the sort keys (the next cursor needs them), without returning them', () => {
    const result = run({ select: 'title', sort: '-priority' });
    expect(result.findMany.select).toEqual({ id: true, title: true, priority: true });
    expect(result.fields).toEqual(['id', 'title']);
    expect(result.encodeNext({ id: 3n, title: 't', priority: 2 })).toBeTypeOf('string');
  });

  it('rejects fields that are not readable scalar fields of the schema', () => {
    const error = expect400(() => run({ select: 'id,passwordHash' }), 'BURROW_ERR_QUERY_FIELD_UNKNOWN');
    expect(error.detail).toBe('parameter select: "passwordHash" is not a field you can select here; fields: id, title, status, priority, done, ratio, due, estimate, meta, projectId');
    for (const name of ['pin', 'project', 'nothing', '__proto__', 'constructor', 'toString']) {
      expect400(() => run({ select: name }), 'BURROW_ERR_QUERY_FIELD_UNKNOWN', `"${name}" is not a field you can select`);
    }
    expect400(() => run({ select: 'id,' }), 'BURROW_ERR_QUERY_SYNTAX', 'parameter select:');
  });
});

describe('include', () => {
  it('selects included relations with the readable fields of their schema, a list capped at the page maximum', () => {
    expect(run({ include: 'project,tags' }).findMany.select).toEqual({
      ...ALL_SCALARS,
      project: { select: { id: true, name: true } },
      tags: { select: { id: true, name: true }, orderBy: [{ id: 'asc' }], take: 100 },
    });
    expect(run({}).findMany.select).not.toHaveProperty('project');
  });

  it('returns included relations with the selected fields', () => {
    expect(run({ select: 'title', include: 'project' })).toMatchObject({
      findMany: { select: { id: true, title: true, project: { select: { id: true, name: true } } } },
      fields: ['id', 'title', 'project'],
    });
  });

  it('rejects what is not a relation of the schema', () => {
    const error = expect400(() => run({ include: 'owner' }), 'BURROW_ERR_QUERY_FIELD_UNKNOWN');
    expect(error.detail).toBe('parameter include: "owner" is not a field you can include here; fields: project, tags');
    expect400(() => run({ include: 'title' }), 'BURROW_ERR_QUERY_FIELD_UNKNOWN', '"title"');
    expect400(() => run({ include: '__proto__' }), 'BURROW_ERR_QUERY_FIELD_UNKNOWN', '"__proto__"');
  });
});
