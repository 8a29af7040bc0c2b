/**
 * `npm run prisma:generate`: generates the example app's Prisma clients (SQLite and
 * PostgreSQL) into example-app/generated/prisma/. `npm start`, `npm test`, `npm run
 * typecheck` and `npm run bench` run it with `--if-stale` (it skips a client generated
 * from the same schema by the same Prisma), so a fresh clone needs no extra step — and
 * the package has no `prepare` script, which npm would list in every user's install.
 * It runs `burrow db generate` (Prisma's generate with a stand-in for the native schema
 * engine, which cannot be downloaded here). A repository script.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// `burrow db generate`: the project's prisma generate, with a stand-in for the native engine.
const burrow = ['--import', 'tsx', path.join(root, 'cli/burrow.ts'), 'db', 'generate', '--schema'];
const ifStale = process.argv.includes('--if-stale');
const prismaVersion = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('prisma/package.json'), 'utf8')).version;
let generated = 0;
for (const provider of ['sqlite', 'postgres']) {
  const schema = path.join(root, 'prisma', provider, 'schema.prisma');
  // --if-stale: skip a client generated from this very schema by this very Prisma.
  const stamp = path.join(root, 'example-app/generated/prisma', provider, '.schema-hash');
  const hash = createHash('sha256').update(prismaVersion).update(readFileSync(schema)).digest('hex');
  if (ifStale && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) continue;
  const run = spawnSync(process.execPath, [...burrow, schema], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) {
    process.stderr.write(run.stdout + run.stderr);
    process.exit(run.status ?? 1);
  }
  writeFileSync(stamp, hash);
  generated++;
}
if (generated) console.log(`generated the Prisma client${generated > 1 ? 's' : ''} of the example app (example-app/generated/prisma/)`);
