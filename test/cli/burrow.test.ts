import { describe, expect, it } from 'vitest';
import { burrow, burrowInProcess } from './run-cli.js';

// The first tests run the command as a process (exit codes, stdout and stderr as a
// shell sees them); the per-command matrix runs the same code in this process.
describe('burrow (the program)', () => {
  it('prints its help, listing every command, with --help and -h (exit 0)', async () => {
    for (const flag of ['--help', '-h']) {
      const run = await burrow([flag]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: burrow <command>/);
      for (const command of ['init', 'types', 'lint']) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  it('prints the usage on stderr and exits 2 without a command', async () => {
    const run = await burrow([]);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/Usage: burrow <command>/);
  });

  it('names an unknown command, prints the usage on stderr and exits 2', async () => {
    const run = await burrow(['frobnicate']);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/^burrow: unknown command: frobnicate\n/);
    expect(run.stderr).toMatch(/Usage: burrow <command>/);
  });

  it('names an unknown option of the program and exits 2', async () => {
    const run = await burrowInProcess(['--frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown option: --frobnicate/);
  });

  it('prints its version with --version', async () => {
    const run = await burrowInProcess(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each(['init', 'types', 'lint'])('prints the help of `%s` with --help, -h and `burrow help <command>` (exit 0)', async (command) => {
    for (const args of [[command, '--help'], [command, '-h'], ['help', command]]) {
      const run = await burrowInProcess(args);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: burrow ${command}`));
      expect(run.stdout).toMatch(/Exit codes:/);
    }
  });

  it.each(['init', 'types', 'lint'])('names an unknown option of `%s`, prints its usage on stderr and exits 2', async (command) => {
    const run = await burrowInProcess([command, '--frobnicate']);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(new RegExp(`^burrow ${command}: Unknown option '--frobnicate'`));
    expect(run.stderr).toMatch(new RegExp(`Usage: burrow ${command}`));
  });

  it.each([
    ['types', ['types']],
    ['lint', ['lint']],
  ])('exits 2 when `%s` misses its contract', async (_name, args) => {
    const run = await burrowInProcess(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/missing <contract>/);
  });

  it('exits 2 on a surplus argument', async () => {
    const run = await burrowInProcess(['lint', 'a.yaml', 'b.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unexpected argument: b\.yaml/);
  });
});
