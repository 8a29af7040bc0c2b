import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDocumentFile } from './load.js';

let root: string | undefined;

/**
 * The folder of the installed burrowjs package: found by walking up from this file
 * to the `package.json` named `burrowjs`, so it holds for the TypeScript sources
 * (`core/contract/`) and the compiled package (`dist/core/contract/`) alike.
 */
function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'burrowjs') return (root = dir);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`burrowjs: no package.json named burrowjs above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** Reads one of Burrow's own contract fragments (`openapi/<name>` of the package). */
export function readBurrowFragment(name: string): Promise<Record<string, unknown>> {
  return readDocumentFile(path.join(packageRoot(), 'openapi', name));
}
