/**
 * `npm run types`: regenerates the example app's types (`burrow types` with the
 * example's contract and output as defaults).
 *
 *   tsx cli/generate-types.ts [contract] [output]
 *
 * `test/contract/types.test.ts` fails when the committed file differs from what
 * this script would write.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTypes } from './types.js';

export const EXAMPLE_CONTRACT = 'example-app/openapi/api.yaml';
export const EXAMPLE_TYPES = 'example-app/generated/api.ts';

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [contract = EXAMPLE_CONTRACT, output = EXAMPLE_TYPES] = process.argv.slice(2);
  await writeTypes(contract, output);
  console.log(`wrote ${output} from ${contract}`);
}
