/**
 * Prints the composed contract of the example app (the document Burrow serves at
 * /openapi.json: the app's contract, plugin contributions and the Problem schema).
 *
 *   tsx cli/compose-contract.ts > composed.json
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenApiDocument } from '../core/index.js';

/** Boots the example kernel and returns its composed document. */
export async function composeExampleContract(): Promise<OpenApiDocument> {
  const { createExampleKernel } = await import('../example-app/app.js');
  const kernel = await createExampleKernel({ logger: { level: 'silent' }, compile: 'lazy' });
  const document = kernel.document;
  await kernel.close();
  return document;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(await composeExampleContract(), null, 2) + '\n');
}
