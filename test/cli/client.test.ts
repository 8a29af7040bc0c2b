import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { generateClient } from '../../cli/client.js';
import { generateTypes } from '../../cli/types.js';
import { burrow, burrowInProcess } from './run-cli.js';

const CONTRACT = 'test/client/fixtures/services.yaml';
const root = mkdtempSync(path.join(tmpdir(), 'burrow-client-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What a client project does with the output: strict tsc, browser libs only (no @types/node). */
const USE = `import { basicAuth, ProblemError } from 'burrowjs/client';
import { createApiClient, services, type components } from './generated/index.js';

const api = createApiClient({ baseUrl: 'https://api.example.com', auth: basicAuth('ada', 'pw') });

export async function use(): Promise<number> {
  const operands: components['schemas']['Operands'] = { a: 1, b: 2 };
  const { result } = await api.services.Calculator.add(operands);
  const nothing: void = await api.services.Calculator.reset();
  const { total } = await api.services.Tally.add({ n: 1 });
  const id: string | undefined = api.services.Tally.instance();
  await api.services.Tally.release();
  const { data } = await api.GET('/health');
  // @ts-expect-error b is required
  await api.services.Calculator.add({ a: 1 });
  // @ts-expect-error the contract has no Calculator.multiply
  await api.services.Calculator.multiply(operands);
  // @ts-expect-error a result is { result: number }
  const wrong: string = (await api.services.Calculator.divide(operands)).result;
  // @ts-expect-error reset takes no input
  await api.services.Calculator.reset({ a: 1 });
  try {
    await api.services.Calculator.divide({ a: 1, b: 0 });
  } catch (error) {
    if (error instanceof ProblemError && error.code === 'CALC_ERR_DIVISION_BY_ZERO') return error.status;
  }
  return result + total + (data?.ok ? 1 : 0) + (id ? 1 : 0) + services.Tally.instances.length + String(nothing ?? wrong).length;
}
`;

/** Type-checks a client project: strict, NodeNext, DOM and ES2022 libraries, no Node types. */
function typeCheck(project: string, files: string[]): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: [],
    noEmit: true,
    skipLibCheck: true,
    customConditions: ['burrowjs-source'],
  };
  const program = ts.createProgram(files.map((f) => path.join(project, f)), options);
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? path.relative(project, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('burrow client', () => {
  it('writes api.ts, services.ts and index.ts (exit 0) and says so', async () => {
    const out = path.join(root, 'written');
    const run = await burrow(['client', CONTRACT, out]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(`wrote ${['api.ts', 'services.ts', 'index.ts'].map((f) => path.join(out, f)).join(', ')} from ${CONTRACT}\n`);
    const files = await generateClient(CONTRACT);
    for (const name of ['api.ts', 'services.ts', 'index.ts'] as const) expect(readFileSync(path.join(out, name), 'utf8')).toBe(files[name]);
  });

  it("api.ts is `burrow types`'s output, its Services typed through burrowjs/client instead of the server's plugin", async () => {
    const { 'api.ts': api } = await generateClient(CONTRACT);
    const types = await generateTypes(CONTRACT);
    expect(types).toContain('import type { ServiceMethod } from "burrowjs/plugins/services";');
    expect(api).toBe(types.replace('from "burrowjs/plugins/services"', 'from "burrowjs/client"'));
    expect(api).toMatch(/export interface Services \{\n\s+Calculator: \{\n\s+add: ServiceMethod<operations\["calculatorAdd"\]>;/);
  });

  it('services.ts maps each service method to its route; a service whose operations take X-Burrow-Instance is clientDriven', async () => {
    const { 'services.ts': source } = await generateClient(CONTRACT);
    const module = (await import(`data:text/javascript,${encodeURIComponent(ts.transpile(source, { module: ts.ModuleKind.ESNext }))}`)) as { services: unknown };
    expect(module.services).toEqual({
      Calculator: {
        methods: {
          add: { method: 'post', path: '/calculator/add' },
          divide: { method: 'post', path: '/calculator/divide' },
          reset: { method: 'post', path: '/calculator/reset' },
        },
      },
      Tally: { methods: { add: { method: 'post', path: '/tally/add' } }, instances: '/services/Tally/instances' },
    });
  });

  it('--services-base-path moves the release route of clientDriven services; a composed contract that has the route wins', async () => {
    const run = await burrowInProcess(['client', CONTRACT, path.join(root, 'moved'), '--services-base-path', '/svc/']);
    expect(run.code).toBe(0);
    expect(readFileSync(path.join(root, 'moved/services.ts'), 'utf8')).toContain('instances: "/svc/Tally/instances"');

    const composed = path.join(root, 'composed.yaml');
    const release = `  /rpc-area/Tally/instances/{instanceId}:\n    delete:\n      operationId: releaseTally\n      parameters: [{ name: instanceId, in: path, required: true, schema: { type: string } }]\n      responses: { '204': { description: released } }\n`;
    writeFileSync(composed, readFileSync(CONTRACT, 'utf8').replace('paths:\n', `paths:\n${release}`));
    expect((await generateClient(composed))['services.ts']).toContain('instances: "/rpc-area/Tally/instances"');
  });

  it('the files import only burrowjs/client and each other (they run in a browser bundle)', async () => {
    const files = await generateClient(CONTRACT);
    for (const [name, source] of Object.entries(files)) {
      const specifiers = ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
      expect(specifiers.length, name).toBeGreaterThan(0);
      for (const specifier of specifiers) expect(specifier, `${name} imports ${specifier}`).toMatch(/^(burrowjs\/client|\.\/(api|services)\.js)$/);
    }
  });

  it('compile with strict tsc in a client project without Node types; wrong inputs, unknown methods and wrong result types fail', async () => {
    const project = path.join(root, 'project');
    mkdirSync(path.join(project, 'node_modules'), { recursive: true });
    symlinkSync(process.cwd(), path.join(project, 'node_modules/burrowjs'), 'dir');
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'a-client', type: 'module' }));
    expect((await burrow(['client', CONTRACT, path.join(project, 'src/generated')])).code).toBe(0);
    writeFileSync(path.join(project, 'src/use.ts'), USE);
    expect(typeCheck(project, ['src/use.ts'])).toEqual([]);

    // The @ts-expect-error lines are real errors: without them, tsc names each.
    writeFileSync(path.join(project, 'src/use.ts'), USE.replace(/^\s*\/\/ @ts-expect-error.*\n/gm, ''));
    const errors = typeCheck(project, ['src/use.ts']).join('\n');
    expect(errors).toMatch(/Property 'b' is missing/);
    expect(errors).toMatch(/Property 'multiply' does not exist/);
    expect(errors).toMatch(/Type 'number' is not assignable to type 'string'/);
    expect(errors).toMatch(/Expected 0 arguments, but got 1/);
  }, 60_000);

  it('writes an empty map and untyped proxies for a contract without services', async () => {
    const files = await generateClient('test/fixtures/cli/greetings.yaml');
    expect(files['services.ts']).toContain('export const services = {\n} satisfies ServiceMap;');
    expect(files['index.ts']).toContain('BurrowClient<paths, UntypedServiceClients>');
    expect(files['api.ts']).toBe(await generateTypes('test/fixtures/cli/greetings.yaml'));
  });

  it('refuses a broken contract with exit code 1, naming the file and pointer of each problem, and writes nothing', async () => {
    const out = path.join(root, 'never');
    const run = await burrowInProcess(['client', 'test/fixtures/cli/broken/api.yaml', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^test\/fixtures\/cli\/broken\/api\.yaml: the contract is invalid/);
    expect(run.stderr).toContain('test/fixtures/cli/broken/paths.yaml#/note/get/responses/200/description: must be string');
    expect(() => readFileSync(path.join(out, 'index.ts'))).toThrow();
  });

  it('refuses a contract declaring one Service.method twice with exit code 1, naming the operation', async () => {
    const run = await burrowInProcess(['client', 'test/client/fixtures/duplicate-method.yaml', path.join(root, 'never')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('#/paths/~1b/post/x-burrow-service: Calculator.add is declared twice');
  });

  it('reports a contract file that does not exist with exit code 1', async () => {
    const run = await burrowInProcess(['client', 'test/fixtures/cli/nothing-here.yaml', path.join(root, 'never')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/nothing-here\.yaml/);
  });

  it.each([
    ['no contract', ['client'], /missing <contract>/],
    ['no output folder', ['client', CONTRACT], /missing <out-dir>/],
    ['a third argument', ['client', CONTRACT, 'out', 'extra'], /unexpected argument: extra/],
    ['an unknown option', ['client', CONTRACT, 'out', '--frobnicate'], /Unknown option '--frobnicate'/],
    ['a base path without a leading slash', ['client', CONTRACT, 'out', '--services-base-path', 'services'], /--services-base-path must be a path starting with "\/"/],
  ])('exits 2 with the usage for %s', async (_what, args, message) => {
    const run = await burrowInProcess(args);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/Usage: burrow client <contract> <out-dir>/);
  });

  it('prints its help with --help (exit 0), and `burrow --help` lists it', async () => {
    const help = await burrowInProcess(['client', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: burrow client <contract> <out-dir>/);
    expect(help.stdout).toMatch(/Exit codes: 0 written, 1 the contract is invalid, 2 bad arguments\./);
    expect((await burrowInProcess(['--help'])).stdout).toMatch(/^  client /m);
  });
});
