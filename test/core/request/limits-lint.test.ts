import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintContract } from '../../../cli/lint.js';

/** `burrow lint` knows the kernel's own extensions: where they are read, and what values they take. */
describe('burrow lint and x-burrow-timeout / x-burrow-body-limit', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'burrow-limits-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const OK = { '200': { description: 'ok' } };
  const lint = (document: object) => {
    const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(document));
    return lintContract(file);
  };
  const base = (root: object, item: object, op: object) => ({
    openapi: '3.1.0',
    info: { title: 't', version: '1', description: 'd', license: { name: 'MIT', identifier: 'MIT' } },
    servers: [{ url: 'https://example.com' }],
    'x-burrow-timeout': 5000,
    ...root,
    paths: { '/a': { ...item, get: { operationId: 'a', summary: 'a', description: 'a', responses: OK, ...op } } },
  });

  it('reports good uses as bound by the core', async () => {
    const report = await lint(base({ 'x-burrow-body-limit': '10mb' }, {}, { 'x-burrow-timeout': 100, 'x-burrow-body-limit': 2048 }));
    expect(report.problems.filter((p) => p.rule === 'burrow/extensions')).toEqual([]);
    expect(report.extensions.map((e) => [e.name, e.pointer, e.plugin])).toEqual([
      ['x-burrow-timeout', '/x-burrow-timeout', "Burrow's core (the kernel)"],
      ['x-burrow-body-limit', '/x-burrow-body-limit', "Burrow's core (the kernel)"],
      ['x-burrow-timeout', '/paths/~1a/get/x-burrow-timeout', "Burrow's core (the kernel)"],
      ['x-burrow-body-limit', '/paths/~1a/get/x-burrow-body-limit', "Burrow's core (the kernel)"],
    ]);
  });

  it('reports bad values and a use on a path item', async () => {
    const report = await lint(base({ 'x-burrow-body-limit': 'lots' }, { 'x-burrow-timeout': 10 }, { 'x-burrow-timeout': 0 }));
    const problems = report.problems.filter((p) => p.rule === 'burrow/extensions').map((p) => [p.pointer, p.message]);
    expect(problems).toEqual(
      expect.arrayContaining([
        ['/x-burrow-body-limit', 'x-burrow-body-limit "lots" is not a size of at least one byte.'],
        ['/paths/~1a/x-burrow-timeout', 'Burrow reads x-burrow-timeout only on the root or an operation, not on a PathItem.'],
        ['/paths/~1a/get/x-burrow-timeout', 'x-burrow-timeout 0 is not a number of ms within 1..2147483647.'],
      ]),
    );
    expect(problems).toHaveLength(3);
  });
});
