import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `import ... from 'burrowjs'` (and its subpaths) in tests resolves to the sources,
 * through the `burrowjs-source` condition of package.json's exports, as `tsc`
 * (`customConditions`) and `tsx --conditions=burrowjs-source` do.
 */
const { name, exports } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  name: string;
  exports: Record<string, string | Record<string, string>>;
};
const sourceAliases = Object.entries(exports).flatMap(([subpath, target]) => {
  const source = typeof target === 'object' ? target['burrowjs-source'] : undefined;
  if (!source) return [];
  const specifier = name + subpath.slice(1);
  return [{ find: new RegExp(`^${specifier.replace(/[/.]/g, '\\$&')}$`), replacement: fileURLToPath(new URL(source, import.meta.url)) }];
});

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    include: ['test/**/*.test.ts'],
    // Type tests (`*.test-d.ts`: expectTypeOf, @ts-expect-error) are compiled by tsc as part
    // of `npm test`, and a failed expectation fails the run; they are never executed.
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: 'tsconfig.json' },
    // Many files wait on sockets, child processes and a browser: one worker per core (vitest's
    // default leaves one core idle, which on a 2-core CI machine means one worker) is 30 % faster.
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 20_000,
    hookTimeout: 30_000,
    env: { NODE_ENV: 'test' },
  },
});
