import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { composeExampleContract } from '../../cli/compose-contract.js';

const run = promisify(execFile);

describe('the composed contract of the example app', () => {
  it('passes `redocly lint` (recommended rules) with no errors and no warnings', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'burrow-lint-')), 'composed.json');
    writeFileSync(file, JSON.stringify(await composeExampleContract()));
    const { stdout } = await run('node_modules/.bin/redocly', ['lint', file, '--format=json'], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    }).catch((error: { stdout: string }) => error);
    const report = JSON.parse(stdout.slice(stdout.indexOf('{')));
    expect(report.problems.map((p: { ruleId: string; message: string }) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);
});
