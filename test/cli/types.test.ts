import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateTypes } from '../../cli/types.js';
import { burrow } from './run-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'burrow-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('burrow types', () => {
  it('writes the types of a contract (what generateTypes returns) and says where', async () => {
    const out = path.join(dir, 'nested/api.ts');
    const run = await burrow(['types', 'test/fixtures/cli/greetings.yaml', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`wrote ${out} from test/fixtures/cli/greetings.yaml\n`);
    const source = readFileSync(out, 'utf8');
    expect(source).toBe(await generateTypes('test/fixtures/cli/greetings.yaml'));
    expect(source).toMatch(/export interface operations \{\n\s+greet: \{/);
  });

  it('writes to src/generated/api.ts by default', async () => {
    const run = await burrow(['types', path.resolve('test/fixtures/cli/greetings.yaml')], dir);
    expect(run.code).toBe(0);
    expect(readFileSync(path.join(dir, 'src/generated/api.ts'), 'utf8')).toMatch(/export interface operations/);
  });

  it('refuses a broken contract with exit code 1, naming the file and the JSON pointer of each problem', async () => {
    const out = path.join(dir, 'never.ts');
    const run = await burrow(['types', 'test/fixtures/cli/broken/api.yaml', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^test\/fixtures\/cli\/broken\/api\.yaml: the contract is invalid/);
    expect(run.stderr).toContain('test/fixtures/cli/broken/paths.yaml#/note/get/responses/200/description: must be string');
    expect(() => readFileSync(out)).toThrow();
  });

  it('reports a contract file that does not exist with exit code 1', async () => {
    const run = await burrow(['types', 'test/fixtures/cli/nothing-here.yaml', path.join(dir, 'never.ts')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/nothing-here\.yaml/);
  });
});
