import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BurrowError, CORE_ERRORS, defineErrors, toProblem } from '../../core/index.js';

describe('error registry', () => {
  it('lists exactly the core codes, with their statuses, in ERRORS.md', () => {
    const rows = [...readFileSync('ERRORS.md', 'utf8').matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(rows).toEqual(Object.entries(CORE_ERRORS).map(([code, spec]) => [code, spec.status]));
  });

  it('follows the naming rule BURROW_ERR_<AREA>_<WHAT>', () => {
    for (const code of Object.keys(CORE_ERRORS)) expect(code).toMatch(/^BURROW_ERR_[A-Z]+_[A-Z_]+$/);
  });

  it('produces problems that satisfy the Problem schema of openapi/problem.yaml', () => {
    const schema = parse(readFileSync('openapi/problem.yaml', 'utf8')).BurrowProblem;
    const problem = toProblem(new BurrowError('BURROW_ERR_REQUEST_VALIDATION', { errors: [{ in: 'query', name: 'limit', pointer: '', message: 'x' }] }), '/x', 'id-1');
    for (const field of schema.required) expect(problem).toHaveProperty(field);
    expect(Object.keys(problem).every((k) => k in schema.properties)).toBe(true);
    expect(problem.code).toMatch(new RegExp(schema.properties.code.pattern));
  });

  it('lets plugins and apps declare codes with their own status', () => {
    const errors = defineErrors({ TASKS_ERR_NOT_FOUND: { status: 404, title: 'No task has this id' } });
    const error = errors.create('TASKS_ERR_NOT_FOUND', { detail: 'task 1' });
    expect(error).toBeInstanceOf(BurrowError);
    expect([error.status, error.code, error.title, error.detail]).toEqual([404, 'TASKS_ERR_NOT_FOUND', 'No task has this id', 'task 1']);
  });
});
