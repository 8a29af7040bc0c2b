import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ERRORS_MD, errorsMarkdown } from '../../../cli/errors-doc.js';
import { resourceErrors } from '../../../plugins/resources/index.js';
import { authErrors } from '../../../plugins/auth/index.js';
import { healthErrors } from '../../../plugins/health/index.js';
import { serviceErrors } from '../../../plugins/services/index.js';
import { corsErrors } from '../../../plugins/cors/index.js';
import { metricsErrors } from '../../../plugins/metrics/index.js';
import { rateLimitErrors } from '../../../plugins/rate-limit/index.js';
import { statErrors } from '../../../plugins/stats/index.js';
import { BurrowError, CORE_ERRORS, coreError, defineErrors, toProblem } from '../../../core/index.js';

describe('error registry', () => {
  it('lists exactly the core codes and the codes built-in plugins register, in ERRORS.md (run `npm run errors:doc` after changing them)', async () => {
    const current = readFileSync(ERRORS_MD, 'utf8');
    expect(current).toBe(await errorsMarkdown(current));
    const rows = [...current.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    // The core's codes first, then each built-in plugin's (by folder name).
    const plugins = [authErrors, corsErrors, healthErrors, metricsErrors, rateLimitErrors, resourceErrors, serviceErrors, statErrors].flatMap((family) => Object.entries(family.specs).map(([code, spec]) => [code, spec.status]));
    expect(rows).toEqual([...Object.entries(CORE_ERRORS).map(([code, spec]) => [code, spec.status]), ...plugins]);
  });

  it('gives every core code a detail template, a meaning and what to do', () => {
    for (const spec of Object.values(CORE_ERRORS)) {
      expect(spec.detail.length).toBeGreaterThan(0);
      expect(spec.means.length).toBeGreaterThan(10);
      expect(spec.do.length).toBeGreaterThan(5);
    }
  });

  it('follows the naming rule BURROW_ERR_<AREA>_<WHAT>', () => {
    for (const code of Object.keys(CORE_ERRORS)) expect(code).toMatch(/^BURROW_ERR_[A-Z]+_[A-Z_]+$/);
  });

  it('produces problems that satisfy the Problem schema of openapi/problem.yaml', () => {
    const schema = parse(readFileSync('openapi/problem.yaml', 'utf8')).BurrowProblem;
    const problem = toProblem(coreError('BURROW_ERR_REQUEST_VALIDATION', { operationId: 'x', count: 1 }, { errors: [{ in: 'query', name: 'limit', pointer: '', message: 'x' }] }), '/x', 'id-1', '/errors');
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
