import path from 'node:path';
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { generateTypes } from '../../../cli/types.js';

const FIXTURE = 'test/plugins/services/fixtures/calculator.yaml';

/**
 * Type-checks `files` (path → source) as if they were in this folder, with the
 * project's compiler options; nothing is written to disk. Answers the messages of
 * each file whose name starts with `impl`.
 */
function typeErrors(files: Record<string, string>): Record<string, string[]> {
  const config = ts.readConfigFile('tsconfig.json', ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, process.cwd());
  const virtual = new Map(Object.entries(files).map(([name, text]) => [path.resolve('test/plugins/services/virtual', name), text]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => virtual.has(file) || fileExists.call(host, file);
  host.readFile = (file) => virtual.get(file) ?? readFile.call(host, file);
  const { directoryExists } = host;
  host.directoryExists = (dir) => dir === path.resolve('test/plugins/services/virtual') || (directoryExists?.call(host, dir) ?? ts.sys.directoryExists(dir));
  host.getSourceFile = (file, language, ...rest) => (virtual.has(file) ? ts.createSourceFile(file, virtual.get(file)!, language) : getSourceFile.call(host, file, language, ...rest));
  const program = ts.createProgram([...virtual.keys()], options, host);
  const errors: Record<string, string[]> = Object.fromEntries(Object.keys(files).filter((name) => name.startsWith('impl')).map((name) => [name, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const name = d.file && path.basename(d.file.fileName);
    if (name && errors[name]) errors[name].push(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  }
  return errors;
}

describe('burrow types: the Services interface', () => {
  it('declares one member per service, one ServiceMethod per method (the method defaulting to the operationId)', async () => {
    const source = await generateTypes(FIXTURE, { cache: false });
    expect(source).toContain(`import type { ServiceMethod } from "burrowjs/plugins/services";\n`);
    expect(source.indexOf('import type { ServiceMethod }')).toBeLessThan(source.indexOf('export interface paths'));
    expect(source.slice(source.indexOf('export interface Services'))).toBe(
      [
        'export interface Services {',
        '    Calculator: {',
        '        add: ServiceMethod<operations["calculatorAdd"]>;',
        '        calculatorReset: ServiceMethod<operations["calculatorReset"]>;',
        '    };',
        '    Cart: {',
        '        view: ServiceMethod<operations["cartView"]>;',
        '    };',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('leaves the output of a contract without services as openapi-typescript writes it', async () => {
    const source = await generateTypes('test/fixtures/tasks.yaml', { cache: false });
    expect(source).not.toMatch(/ServiceMethod|interface Services/);
  });

  it('makes an implementation missing a method, or answering the wrong shape, fail tsc', async () => {
    const api = await generateTypes(FIXTURE, { cache: false });
    const impl = (body: string) => `import { defineService } from 'burrowjs/plugins/services';\nimport type { Services } from './api.js';\n${body}\n`;
    const errors = typeErrors({
      'api.ts': api,
      'impl-good.ts': impl(`export const c = defineService<Services['Calculator']>('Calculator', { create: () => ({ add: ({ a, b }) => ({ result: a + b }), calculatorReset: async () => {} }) });`),
      'impl-missing.ts': impl(`export const c = defineService<Services['Calculator']>('Calculator', { create: () => ({ add: ({ a, b }) => ({ result: a + b }) }) });`),
      'impl-wrong.ts': impl(`export const c = defineService<Services['Calculator']>('Calculator', { create: () => ({ add: ({ a, b }) => ({ result: String(a + b) }), calculatorReset: () => {} }) });`),
    });
    expect(errors['impl-good.ts']).toEqual([]);
    expect(errors['impl-missing.ts']!.join('\n')).toMatch(/calculatorReset/);
    expect(errors['impl-wrong.ts']!.join('\n')).toMatch(/Type 'string' is not assignable to type 'number'/);
  }, 60_000);
});
