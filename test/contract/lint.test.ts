import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeExampleContract } from '../../cli/compose-contract.js';
import { lintContract } from '../../cli/lint.js';

describe('the composed contract of the example app', () => {
  it("passes `burrow lint` (schema, Redocly's recommended rules, Burrow's rules) with no errors and no warnings", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'burrow-lint-'));
    try {
      const file = path.join(dir, 'composed.json');
      writeFileSync(file, JSON.stringify(await composeExampleContract()));
      const report = await lintContract(file);
      expect(report.problems.map((p) => `${p.pointer}: ${p.message} (${p.rule})`)).toEqual([]);
      expect(report.totals).toEqual({ errors: 0, warnings: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
