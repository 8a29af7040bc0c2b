/**
 * Compiles the benchmark servers, and the Burrow sources they import, to plain
 * JavaScript under `bench/.build/` (same layout as the repository), so that every
 * measured process runs as a production deployment does: `node server.js`, with
 * no TypeScript loader in it. Under tsx each loaded module carries the loader's
 * hooks and transpile output, which inflates the RSS of a server in proportion to
 * the number of modules it loads — noise that is not the framework's.
 *
 * esbuild transpiles file by file (no bundling), keeping import paths, so packages
 * resolve from `bench/node_modules` and the root `node_modules` as before.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const BENCH = dirname(dirname(fileURLToPath(import.meta.url)));
const ROOT = dirname(BENCH);
export const BUILD = join(BENCH, '.build');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : tsFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * Transpiles core/, plugins/ and bench/{servers,lib} into bench/.build. Core finds its
 * own fragments (openapi/problem.yaml) from the burrowjs package root, which it looks
 * up from its own file: from bench/.build that is still this repository.
 */
export async function compileServers(): Promise<void> {
  rmSync(BUILD, { recursive: true, force: true });
  const entryPoints = [join(ROOT, 'core'), join(ROOT, 'plugins'), join(BENCH, 'servers'), join(BENCH, 'lib')].flatMap(tsFiles);
  await build({ entryPoints, outdir: BUILD, outbase: ROOT, format: 'esm', platform: 'node', target: 'node20', bundle: false, logLevel: 'error' });
}

/** The compiled path of a server script given relative to the repository (`bench/servers/x.ts`). */
export function compiledScript(script: string): string {
  return join(BUILD, relative(ROOT, join(ROOT, script))).replace(/\.ts$/, '.js');
}
