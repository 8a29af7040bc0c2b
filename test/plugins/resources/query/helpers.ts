import { expect } from 'vitest';
import { isBurrowError, type BurrowError } from 'burrowjs';

/** The BurrowError `run` throws (fails the test when it throws nothing or something else). */
export function errorOf(run: () => unknown): BurrowError {
  try {
    run();
  } catch (error) {
    if (isBurrowError(error)) return error;
    throw error;
  }
  expect.fail('expected a BurrowError');
}

/** Asserts the error's code, a 400 status, and that its detail contains each text. */
export function expect400(run: () => unknown, code: string, ...details: string[]): BurrowError {
  const error = errorOf(run);
  expect(error.code).toBe(code);
  expect(error.status).toBe(400);
  for (const text of details) expect(error.detail).toContain(text);
  return error;
}
