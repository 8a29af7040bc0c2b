import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { EXAMPLE_CONTRACT, EXAMPLE_TYPES } from '../../cli/generate-types.js';
import { generateTypes } from '../../cli/types.js';

/** Type-checks one file with the project's compiler options; returns its error messages. */
function typeErrors(file: string): string[] {
  const config = ts.readConfigFile('tsconfig.json', ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, process.cwd());
  const program = ts.createProgram([file], options);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName.endsWith(file.split('/').pop()!))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('types generated from the contract', () => {
  it('are up to date with the contract (run `npm run types` after changing it)', async () => {
    expect(readFileSync(EXAMPLE_TYPES, 'utf8')).toBe(await generateTypes(EXAMPLE_CONTRACT));
  });

  it('make a handler map missing an operation fail tsc, naming the operationId', () => {
    const errors = typeErrors('test/fixtures/type-errors/missing-handler.ts');
    expect(errors.join('\n')).toMatch(/Property 'getTask' is missing/);
  }, 60_000);

  it('make a body of the wrong shape, or an undeclared status, fail tsc', () => {
    const errors = typeErrors('test/fixtures/type-errors/wrong-body.ts').join('\n');
    expect(errors).toMatch(/title/);
    expect(errors).toMatch(/202/);
  }, 60_000);
});
