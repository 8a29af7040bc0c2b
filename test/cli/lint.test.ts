import { describe, expect, it } from 'vitest';
import { lintContract, type LintReport } from '../../cli/lint.js';
import { burrow, burrowInProcess } from './run-cli.js';

const FINDINGS = 'test/fixtures/cli/lint-findings.yaml';

describe('burrow lint', () => {
  it('passes a clean contract (exit 0), naming the plugin that binds each x-burrow extension', async () => {
    const run = await burrow(['lint', 'test/fixtures/cli/greetings.yaml']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('test/fixtures/cli/greetings.yaml#/x-burrow-rate-limit: bound by the rate-limit plugin (burrowjs/plugins/rate-limit)');
    expect(run.stdout).toMatch(/test\/fixtures\/cli\/greetings\.yaml: 0 errors, 0 warnings\n$/);
  });

  it("reports each of Burrow's rules as `file#pointer: message (rule)` and exits 1", async () => {
    const run = await burrow(['lint', FINDINGS]);
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    const at = (pointer: string, rule: string) => lines.find((l) => l.includes(`${FINDINGS}#${pointer}: `) && l.endsWith(`(${rule})`));
    expect(at('/paths/~1b/get/operationId', 'burrow/operation-id')).toMatch(/operationId "same" is already used at .*#\/paths\/~1a\/get/);
    expect(at('/paths/~1b/post', 'burrow/operation-id')).toMatch(/needs an operationId/);
    expect(at('/paths/~1b/get/security/0/apiKey', 'burrow/security-scheme-declared')).toMatch(/"apiKey".*declared: bearerAuth/);
    expect(at('/paths/~1a/get/x-burrow-frobnicate', 'burrow/extensions')).toMatch(/knows no extension x-burrow-frobnicate/);
    expect(at('/paths/~1a/get/responses/200/content/application~1json/schema/x-burrow-cache', 'burrow/extensions')).toMatch(/only on the root, a path item or an operation, not on a Schema/);
    expect(run.stdout).toContain(`${FINDINGS}#/paths/~1b/post/x-burrow-rights: bound by the auth plugin (burrowjs/plugins/auth)`);
    expect(run.stdout).toMatch(/: 6 errors, 0 warnings\n$/);
  });

  it('prints a machine-readable report with --format json', async () => {
    const run = await burrowInProcess(['lint', FINDINGS, '--format', 'json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as LintReport;
    expect(report.totals).toEqual({ errors: 6, warnings: 0 });
    expect(report.problems).toContainEqual({
      file: FINDINGS,
      pointer: '/paths/~1b/post',
      message: 'Every operation needs an operationId: Burrow calls the handler of that name.',
      rule: 'burrow/operation-id',
      severity: 'error',
    });
    expect(report.extensions.map((e) => e.name)).toEqual(['x-burrow-cache', 'x-burrow-rights']);
  });

  it('reports an invalid contract with the file and pointer of each problem, and Redocly rules by name', async () => {
    const report = await lintContract('test/fixtures/cli/broken/api.yaml');
    expect(report.problems).toContainEqual({
      file: 'test/fixtures/cli/broken/paths.yaml',
      pointer: '/note/get/responses/200/description',
      message: 'must be string',
      rule: 'openapi-schema',
      severity: 'error',
    });
    expect(report.problems).toContainEqual(expect.objectContaining({ file: 'test/fixtures/cli/broken/api.yaml', pointer: '/info', rule: 'info-license', severity: 'warning' }));
  });

  it('reports a file that cannot be read with exit code 1', async () => {
    const run = await burrowInProcess(['lint', 'test/fixtures/cli/nothing-here.yaml']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^error +test\/fixtures\/cli\/nothing-here\.yaml#.*\(unreadable\)$/m);
  });

  it('refuses an unknown --format with exit code 2', async () => {
    const run = await burrowInProcess(['lint', FINDINGS, '--format', 'xml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--format must be text or json/);
  });
});
