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
  if (Array.isArray(listed) && listed.length) return listed as ContractProblem[];
  // Otherwise the detail lists them, one `  - file#pointer: message` line each, after its first line.
  const lines = error.detail
    .split('\n')
    .slice(1)
    .filter((line) => /^\s*- /.test(line))
    .map((line) => line.replace(/^\s*- /, ''));
  if (!lines.length) return [{ file: contract, pointer: '', message: error.detail }];
  return lines.map((line) => {
    const [, file = contract, pointer = '', message = line] = /^([^\s#:][^#:]*)(?:#([^:]*))?: (.*)$/.exec(line) ?? [];
    return { file, pointer, message };
  });
}

/** True when the contract could be read but is not valid OpenAPI (then it can still be linted). */
export function isInvalidContract(error: unknown): boolean {
  return isBurrowError(error) && Array.isArray(error.extensions?.problems);
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
