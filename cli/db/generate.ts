/**
 * `prisma generate` where Prisma's native schema engine cannot be downloaded: the CLI
 * looks for the engine before it generates, although generating does not use it. A stub
 * that exits 1 stands in for it (anything that would really need the engine fails
 * loudly instead of "succeeding" with nothing done).
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DbError } from './errors.js';

const STUB = `#!/bin/sh
echo "Prisma's native schema engine is not installed: use burrow db migrate|deploy|status (wasm schema engine)." >&2
exit 1
`;

let stub: string | undefined;

/** The path of the stand-in engine (written once per process into a temp folder). */
export function schemaEngineStub(): string {
  if (stub && existsSync(stub)) return stub;
  stub = path.join(mkdtempSync(path.join(tmpdir(), 'burrow-engine-')), 'schema-engine');
  writeFileSync(stub, STUB);
  chmodSync(stub, 0o755);
  return stub;
}

/**
 * Runs the project's own `prisma generate` (the `prisma` package in `cwd`) for a schema,
 * with the stub engine unless `PRISMA_SCHEMA_ENGINE_BINARY` already names an engine.
 * Resolves with the CLI's output; rejects with a {@link DbError} holding it.
 */
export function generateClient(options: { schema: string; cwd?: string }): Promise<string> {
  const cwd = options.cwd ?? process.cwd();
  let cli: string;
  try {
    cli = createRequire(path.join(cwd, 'package.json')).resolve('prisma/build/index.js');
  } catch {
    throw new DbError('burrow db generate runs your project\'s Prisma CLI: npm install --save-dev prisma');
  }
  const engine = process.env.PRISMA_SCHEMA_ENGINE_BINARY;
  const env = {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: engine && existsSync(engine) ? engine : schemaEngineStub(),
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'generate', '--schema', options.schema], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', (error) => reject(new DbError(`prisma generate could not start: ${error.message}`)));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new DbError(`prisma generate failed (exit ${code}):\n${out.trim()}`))));
  });
}
