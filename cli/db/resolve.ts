/**
 * Loads a driver adapter package from the user's project: the adapters (and the
 * drivers under them) are the app's dependencies, and the migrations must run through
 * the same ones the app runs on.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { DbError } from './errors.js';

/**
 * Requires `name` from the first of `dirs` that resolves it (each as a project folder),
 * then from burrowjs's own dependencies. `install` is the advice of the error when none
 * has it: the packages to `npm install`.
 */
export function requireFromProject<T>(name: string, dirs: string[], install: string): T {
  const parents = [...dirs.map((dir) => path.join(path.resolve(dir), 'noop.js')), import.meta.url];
  for (const parent of parents) {
    const require = createRequire(parent);
    let resolved: string;
    try {
      resolved = require.resolve(name);
    } catch {
      continue;
    }
    return require(resolved) as T;
  }
  throw new DbError(`${name} is not installed: the migrations run through the app's driver adapter (npm install ${install})`);
}
