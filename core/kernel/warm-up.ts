import type { Logger } from 'winston';
import { errorFields } from './logger.js';
import type { CompiledOperation } from '../request/operation.js';

/** Compiles every validator not compiled yet. */
export function compileAll(operations: Iterable<CompiledOperation>, responseRate: number): void {
  for (const op of operations) {
    op.requestValidators();
    if (responseRate > 0) op.responseValidators();
  }
}

/**
 * Compiles validators a few operations at a time, in slices of about 2 ms so
 * requests wait little between them. The first operation is compiled at once:
 * Ajv's code generator is cold in a new process (~35 ms), and that cost belongs to
 * the boot, not to a client's first request. The immediates are ref'd so the
 * warm-up also runs while the server is idle; `stopped()` (the kernel closing) ends it.
 */
export function warmUp(operations: Iterable<CompiledOperation>, options: { responseRate: number; logger: Logger; stopped: () => boolean }): void {
  const pending = [...operations];
  const compileOne = (op: CompiledOperation) => {
    try {
      op.requestValidators();
      // Sampled response checks compile on first use: production need not hold every response validator.
      if (options.responseRate >= 1) op.responseValidators();
    } catch (error) {
      options.logger.error('validator compilation failed', { operationId: op.id, error: errorFields(error) });
    }
  };
  if (pending.length) compileOne(pending.shift()!);
  const step = () => {
    const deadline = performance.now() + 2;
    while (pending.length && performance.now() < deadline && !options.stopped()) compileOne(pending.shift()!);
    if (pending.length && !options.stopped()) setImmediate(step);
  };
  if (pending.length) setImmediate(step);
}
