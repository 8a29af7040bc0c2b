import { isBurrowError, type ContractProblem } from '../core/index.js';
import { EXIT, type Output } from './command.js';

/**
 * The problems of a contract that `loadContract` refused, each with its file and
 * JSON pointer; `undefined` when the error is not about the contract.
 */
export function contractProblems(error: unknown, contract: string): ContractProblem[] | undefined {
  if (!isBurrowError(error) || error.code !== 'BURROW_ERR_BOOT_CONTRACT_INVALID') return undefined;
  const listed = error.extensions?.problems as ContractProblem[] | undefined;
  if (listed?.length) return listed;
  // Unreadable (missing file, bad YAML): the detail says why, after its first line.
  const lines = (error.detail ?? error.message).split('\n').slice(1).map((line) => line.replace(/^\s*- /, ''));
  if (!lines.length) return [{ file: contract, pointer: '', message: error.message }];
  return lines.map((line) => {
    const [, file = contract, message = line] = /^(\S[^:]*): ([\s\S]*)$/.exec(line) ?? [];
    return { file, pointer: '', message };
  });
}

/** Prints why a command could not use a contract (or failed otherwise); returns exit code 1. */
export function reportLoadFailure(error: unknown, contract: string, output: Output): number {
  const problems = contractProblems(error, contract);
  if (!problems) {
    output.err(`burrow: ${(error as Error)?.message ?? String(error)}\n`);
    return EXIT.failed;
  }
  output.err(`${contract}: the contract is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n`);
  for (const p of problems) output.err(`  ${p.file}#${p.pointer}: ${p.message}\n`);
  return EXIT.failed;
}
