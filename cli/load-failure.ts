import { isBurrowError, type ContractProblem } from '../core/index.js';
import { EXIT, type Output } from './command.js';

/**
 * The problems of a contract that `loadContract` refused (unreadable, or invalid
 * OpenAPI), each with its file and JSON pointer; `undefined` when the error is not
 * about the contract.
 */
export function contractProblems(error: unknown, contract: string): ContractProblem[] | undefined {
  if (!isBurrowError(error) || !error.code.startsWith('BURROW_ERR_BOOT_CONTRACT_')) return undefined;
  const listed = error.extensions?.problems;
  return Array.isArray(listed) && listed.length ? (listed as ContractProblem[]) : [{ file: contract, pointer: '', message: error.detail }];
}

/** True when the contract could be read but is not valid OpenAPI (then it can still be linted). */
export function isInvalidContract(error: unknown): boolean {
  return isBurrowError(error) && error.code === 'BURROW_ERR_BOOT_CONTRACT_INVALID';
}

/** Prints why a command could not use a contract (or failed otherwise); returns exit code 1. */
export function reportLoadFailure(error: unknown, contract: string, output: Output): number {
  const problems = contractProblems(error, contract);
  if (!problems) {
    output.err(`burrow: ${(error as Error)?.message ?? String(error)}\n`);
    return EXIT.failed;
  }
  const what = isInvalidContract(error) ? 'is invalid' : 'could not be read';
  output.err(`${contract}: the contract ${what} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n`);
  for (const p of problems) output.err(`  ${p.file}#${p.pointer}: ${p.message}\n`);
  return EXIT.failed;
}
