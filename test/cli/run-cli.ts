import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../../cli/run.js';

const REPO = process.cwd();
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const ENTRY = path.join(REPO, 'cli/burrow.ts');

/** What one run of `burrow` printed, and its exit code. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the `burrow` command from the sources (`node --import tsx cli/burrow.ts ...`), in `cwd`. */
export function burrow(args: string[], cwd = REPO): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', TSX, ENTRY, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Runs `burrow` in this process (same code as the command, without a process per call). */
export async function burrowInProcess(args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { out: (text) => void (stdout += text), err: (text) => void (stderr += text) });
  return { code, stdout, stderr };
}
