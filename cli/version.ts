import { createRequire } from 'node:module';

/** Burrow's own version, read through the package's self-reference (`burrowjs/package.json`). */
export function burrowVersion(): string {
  return (createRequire(import.meta.url)('burrowjs/package.json') as { version: string }).version;
}
