import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintContract } from '../../cli/lint.js';
import { generateTypes } from '../../cli/types.js';
import { burrow } from './run-cli.js';

const root = mkdtempSync(path.join(tmpdir(), 'burrow-init-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

describe('burrow init', () => {
  it('writes a project, its generated types, and prints the next steps', async () => {
    const dir = path.join(root, 'My API');
    const run = await burrow(['init', dir]);
    expect(run.code).toBe(0);
    for (const file of ['package.json', 'tsconfig.json', '.gitignore', 'README.md', 'openapi/api.yaml', 'src/handlers.ts', 'src/server.ts', 'src/generated/api.ts']) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
    expect(run.stdout).toMatch(/npm install\n\s+npm start/);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: 'my-api', type: 'module', dependencies: { burrowjs: `^${VERSION}`, express: expect.stringMatching(/^\^5\./) } });
    expect(pkg.scripts).toMatchObject({ types: expect.stringMatching(/^burrow types /), build: 'tsc', start: 'node dist/server.js', prestart: 'npm run build' });
    expect(readFileSync(path.join(dir, 'src/generated/api.ts'), 'utf8')).toBe(await generateTypes(path.join(dir, 'openapi/api.yaml')));
    expect(readFileSync(path.join(dir, 'src/server.ts'), 'utf8')).toMatch(/app\.use\('\/api', expressMiddleware\(kernel\)\)/);
  });

  it("writes a contract that `burrow lint` finds nothing in", async () => {
    const dir = path.join(root, 'linted');
    expect((await burrow(['init', dir])).code).toBe(0);
    const report = await lintContract(path.join(dir, 'openapi/api.yaml'));
    expect(report.problems).toEqual([]);
  });

  it('takes the burrowjs dependency from --burrow: a range as it is, a tarball path as an absolute file: spec', async () => {
    const ranged = path.join(root, 'ranged');
    expect((await burrow(['init', ranged, '--burrow', '~0.1.0'])).code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(ranged, 'package.json'), 'utf8')).dependencies.burrowjs).toBe('~0.1.0');

    const local = path.join(root, 'local');
    expect((await burrow(['init', 'local', '--burrow', './burrowjs-0.1.0.tgz'], root)).code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(local, 'package.json'), 'utf8')).dependencies.burrowjs).toBe(`file:${path.join(root, 'burrowjs-0.1.0.tgz')}`);
  });

  it('refuses a directory that is not empty (exit 1) and leaves it alone; --force writes into it', async () => {
    const dir = path.join(root, 'taken');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const refused = await burrow(['init', dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is not empty \(use --force/);
    expect(existsSync(path.join(dir, 'package.json'))).toBe(false);

    const forced = await burrow(['init', dir, '--force']);
    expect(forced.code).toBe(0);
    expect(existsSync(path.join(dir, 'package.json'))).toBe(true);
    expect(readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('initialises the current directory by default', async () => {
    const dir = path.join(root, 'here');
    mkdirSync(dir);
    const run = await burrow(['init'], dir);
    expect(run.code).toBe(0);
    expect(existsSync(path.join(dir, 'openapi/api.yaml'))).toBe(true);
    expect(run.stdout).not.toMatch(/\bcd /);
  });
});
