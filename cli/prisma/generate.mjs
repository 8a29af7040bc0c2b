/**
 * `npm run prisma:generate` (also run by `prepare`, so `npm install` and `npm ci` do it):
 * generates the example app's Prisma clients (SQLite and PostgreSQL) into
 * example-app/generated/prisma/. Prisma's generate looks for its native schema engine
 * first, which cannot be downloaded here: a stub that exits 1 stands in for it (generate
 * does not need it; anything that would, fails loudly). A repository script.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY || !existsSync(env.PRISMA_SCHEMA_ENGINE_BINARY)) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = path.join(root, 'cli/prisma/no-schema-engine.sh');
}
for (const provider of ['sqlite', 'postgres']) {
  const schema = path.join(root, 'prisma', provider, 'schema.prisma');
  const run = spawnSync(process.execPath, [cli, 'generate', '--schema', schema], { cwd: root, env, encoding: 'utf8' });
  if (run.status !== 0) {
    process.stderr.write(run.stdout + run.stderr);
    process.exit(run.status ?? 1);
  }
}
console.log('generated the Prisma clients of the example app (example-app/generated/prisma/{sqlite,postgres})');
