import path from 'node:path';
import { createConfig, lint } from '@redocly/openapi-core';
import { loadContract } from '../core/index.js';
import { EXIT, parseCommandArgs, UsageError, type Command, type Output } from './command.js';
import { BURROW_RULES, burrowLintPlugin, type ExtensionUse } from './lint-rules.js';
import { contractProblems, isInvalidContract } from './load-failure.js';

/** One problem found by `burrow lint`. */
export interface LintProblem {
  /** The file, relative to the working directory. */
  file: string;
  /** JSON pointer inside that file (`` for the whole file). */
  pointer: string;
  message: string;
  /** `unreadable`, `openapi-schema` (the OpenAPI 3.0/3.1 schema check), a Redocly rule, or `burrow/<rule>`. */
  rule: string;
  severity: 'error' | 'warning';
}

/** What `burrow lint` found in a contract. */
export interface LintReport {
  contract: string;
  problems: LintProblem[];
  /** Every use of a known `x-burrow-*` extension, with the plugin that binds it. */
  extensions: ExtensionUse[];
  totals: { errors: number; warnings: number };
}

/**
 * Lints a contract file: Burrow's load (the OpenAPI 3.0/3.1 schema check), then
 * Redocly's `recommended` rules and Burrow's own (`burrow/operation-id`,
 * `burrow/security-scheme-declared`, `burrow/extensions`). Needs no handlers.
 */
export async function lintContract(contract: string): Promise<LintReport> {
  const problems: LintProblem[] = [];
  const extensions: ExtensionUse[] = [];
  try {
    await loadContract(contract);
  } catch (error) {
    const found = contractProblems(error, contract);
    if (!found) throw error;
    const rule = isInvalidContract(error) ? 'openapi-schema' : 'unreadable';
    for (const p of found) problems.push({ ...p, rule, severity: 'error' });
    // A file that could not be read at all has nothing more to lint.
    if (!isInvalidContract(error)) return report(contract, problems, extensions);
  }
  const config = await createConfig({
    extends: ['recommended'],
    // Typed structurally in lint-rules.ts: Redocly does not export its visitor types.
    plugins: [burrowLintPlugin(extensions, relative) as never],
    rules: { ...BURROW_RULES },
  });
  for (const problem of await lint({ ref: contract, config })) {
    const at = problem.location[0];
    problems.push({
      file: at ? relative(at.source.absoluteRef) : contract,
      pointer: (at?.pointer ?? '').replace(/^#/, ''),
      message: problem.message,
      rule: problem.ruleId,
      severity: problem.severity === 'error' ? 'error' : 'warning',
    });
  }
  return report(contract, problems, extensions);
}

function report(contract: string, problems: LintProblem[], extensions: ExtensionUse[]): LintReport {
  const errors = problems.filter((p) => p.severity === 'error').length;
  return { contract, problems, extensions, totals: { errors, warnings: problems.length - errors } };
}

function relative(file: string): string {
  return path.isAbsolute(file) ? path.relative(process.cwd(), file) || file : file;
}

/** The report as text: one line per problem (errors first), the extensions, a summary. */
export function formatLintReport(report: LintReport): string {
  const lines: string[] = [];
  const ordered = [...report.problems].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  for (const p of ordered) lines.push(`${p.severity === 'error' ? 'error  ' : 'warning'} ${p.file}#${p.pointer}: ${p.message} (${p.rule})`);
  if (report.extensions.length) {
    lines.push('', 'x-burrow extensions:');
    for (const use of report.extensions) lines.push(`  ${use.file}#${use.pointer}: bound by ${use.plugin}`);
  }
  const { errors, warnings } = report.totals;
  if (lines.length) lines.push('');
  lines.push(`${report.contract}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
  return lines.join('\n') + '\n';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export const lintCommand: Command = {
  name: 'lint',
  help: `Usage: burrow lint <contract> [--format text|json]

Checks a contract without running it: the OpenAPI 3.0/3.1 schema (as the kernel
checks it at boot), Redocly's recommended rules, and Burrow's own rules:
  burrow/operation-id              every operation has an operationId, and each is unique
  burrow/security-scheme-declared  every security requirement names a declared scheme
  burrow/extensions                every x-burrow-* key is one Burrow knows, where Burrow reads it
Each problem is printed as "file#pointer: message (rule)", then the plugin that
binds each x-burrow-* extension, then a summary.

Options:
  --format <text|json>  output format (default: text)
  -h, --help            show this help

Exit codes: 0 no errors (warnings allowed), 1 errors, 2 bad arguments.
`,
  async run(argv, output: Output) {
    const { values, positionals } = parseCommandArgs(this, argv, { format: { type: 'string', default: 'text' } }, 1);
    if (values.help) {
      output.out(this.help);
      return EXIT.ok;
    }
    const [contract] = positionals;
    if (!contract) throw new UsageError('missing <contract>', this.help);
    if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json, not ${values.format}`, this.help);
    const result = await lintContract(contract);
    output.out(values.format === 'json' ? JSON.stringify(result, null, 2) + '\n' : formatLintReport(result));
    return result.totals.errors ? EXIT.failed : EXIT.ok;
  },
};
