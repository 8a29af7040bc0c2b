import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, describe, expect, it } from 'vitest';
import { DbError, migrateDeploy, migrateDev, migrateResolve, migrateStatus } from '../../cli/db/index.js';
import { EXAMPLE_SCHEMAS } from '../helpers/databases.js';
import { burrowInProcess } from './run-cli.js';

const root = mkdtempSync(path.join(tmpdir(), 'burrow-db-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const EXAMPLE_MIGRATIONS = path.join(path.dirname(EXAMPLE_SCHEMAS.sqlite), 'migrations');
const EXAMPLE_NAMES = readdirSync(EXAMPLE_MIGRATIONS, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

let counter = 0;
/** A fresh folder with a copy of the example's SQLite schema and migrations. */
function project(): { dir: string; schema: string; migrations: string; url: string } {
  const dir = path.join(root, `p${++counter}`);
  mkdirSync(dir);
  cpSync(EXAMPLE_SCHEMAS.sqlite, path.join(dir, 'schema.prisma'));
  cpSync(EXAMPLE_MIGRATIONS, path.join(dir, 'migrations'), { recursive: true });
  return { dir, schema: path.join(dir, 'schema.prisma'), migrations: path.join(dir, 'migrations'), url: `file:${path.join(dir, 'dev.db')}` };
}

async function rows(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = createClient({ url });
  try {
    return (await client.execute(sql)).rows.map((row) => ({ ...row }));
  } finally {
    client.close();
  }
}

describe('burrow db on SQLite (library)', () => {
  it('deploys the example migrations on a new file, then has nothing pending; a second deploy applies nothing', async () => {
    const url = `file:${path.join(root, 'new', 'folder', 'example.db')}`;
    expect(EXAMPLE_NAMES.length).toBeGreaterThan(0);
    const first = await migrateDeploy({ schema: EXAMPLE_SCHEMAS.sqlite, url });
    expect(first).toEqual({ database: url, applied: EXAMPLE_NAMES });
    const tables = (await rows(url, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['User', 'Project', 'Task', 'Tag', 'Comment', '_prisma_migrations']));
    const status = await migrateStatus({ schema: EXAMPLE_SCHEMAS.sqlite, url, drift: true });
    expect(status).toMatchObject({ applied: EXAMPLE_NAMES, pending: [], failed: [], edited: [], missing: [], drift: false, upToDate: true });
    expect(await migrateDeploy({ schema: EXAMPLE_SCHEMAS.sqlite, url })).toEqual({ database: url, applied: [] });
  });

  it('the committed example migrations are up to date with prisma/sqlite/schema.prisma', async () => {
    // If this fails: burrow db migrate --schema prisma/sqlite/schema.prisma --name <change> (and the same for postgres).
    const result = await migrateDev({ schema: EXAMPLE_SCHEMAS.sqlite, url: `file:${path.join(root, 'committed.db')}` });
    expect(result).toMatchObject({ applied: EXAMPLE_NAMES, warnings: [] });
    expect(result.created).toBeUndefined();
  });

  it('resolves a relative file: URL from the schema folder, and status does not create a missing file', async () => {
    const p = project();
    const before = await migrateStatus({ schema: p.schema, url: 'file:./relative.db' });
    expect(before).toMatchObject({ databaseExists: false, applied: [], pending: EXAMPLE_NAMES, upToDate: false });
    expect(existsSync(path.join(p.dir, 'relative.db'))).toBe(false);
    await migrateDeploy({ schema: p.schema, url: 'file:./relative.db' });
    expect(existsSync(path.join(p.dir, 'relative.db'))).toBe(true);
  });

  it('migrateDev: a new field becomes a migration that adds the column, applied, and the status is clean', async () => {
    const p = project();
    await migrateDeploy(p);
    const source = readFileSync(p.schema, 'utf8');
    expect(source).toMatch(/model Tag \{/);
    writeFileSync(p.schema, source.replace(/model Tag \{/, 'model Tag {\n  color String?'));
    const result = await migrateDev({ ...p, name: 'Add tag color' });
    expect(result.created).toMatch(/^\d{14}_add_tag_color$/);
    expect(result.applied).toEqual([result.created]);
    expect(result.createdPath).toBe(path.join(p.migrations, result.created ?? '', 'migration.sql'));
    expect(readFileSync(result.createdPath ?? '', 'utf8')).toMatch(/ALTER TABLE "Tag" ADD COLUMN "color" TEXT;/);
    expect(readFileSync(path.join(p.migrations, 'migration_lock.toml'), 'utf8')).toMatch(/^provider = "sqlite"$/m);
    expect((await rows(p.url, 'PRAGMA table_info("Tag")')).map((c) => c.name)).toContain('color');
    expect(await migrateStatus({ ...p, drift: true })).toMatchObject({ pending: [], failed: [], drift: false, upToDate: true });
    // Nothing changed since: no migration, nothing applied.
    expect(await migrateDev({ ...p, name: 'again' })).toEqual({ database: p.url, applied: [], warnings: [] });
  });

  it('migrateDev with createOnly writes the migration without applying it; a change without a name is refused', async () => {
    const p = project();
    await migrateDeploy(p);
    writeFileSync(p.schema, readFileSync(p.schema, 'utf8').replace(/model Tag \{/, 'model Tag {\n  rank Int?'));
    await expect(migrateDev(p)).rejects.toThrow('the schema has changes: give the new migration a name (--name)');
    const result = await migrateDev({ ...p, name: 'rank', createOnly: true });
    expect(result.applied).toEqual([]);
    expect(await migrateStatus(p)).toMatchObject({ pending: [result.created], upToDate: false });
  });

  it('reports a failing migration by name with the SQL error, marks it failed in _prisma_migrations, and resolves it', async () => {
    const p = project();
    await migrateDeploy(p);
    const bad = '29990101000000_bad';
    mkdirSync(path.join(p.migrations, bad));
    writeFileSync(path.join(p.migrations, bad, 'migration.sql'), 'CREATE TABLE "Fine" ("id" INTEGER);\nCREATE TABLEX "Broken";\n');
    const error = await migrateDeploy(p).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DbError);
    expect((error as DbError).migration).toBe(bad);
    expect((error as DbError).message).toMatch(new RegExp(`^migration ${bad} failed: .*near "TABLEX": syntax error$`));
    const [record] = await rows(p.url, `SELECT finished_at, rolled_back_at, logs FROM _prisma_migrations WHERE migration_name = '${bad}'`);
    expect(record).toMatchObject({ finished_at: null, rolled_back_at: null });
    expect(String(record?.logs)).toMatch(/syntax error/);
    expect(await migrateStatus(p)).toMatchObject({ failed: [bad], pending: [], upToDate: false });

    // A failed migration blocks the next deploys until it is resolved.
    await expect(migrateDeploy(p)).rejects.toThrow(`migration ${bad} failed earlier and is marked failed in _prisma_migrations`);
    writeFileSync(path.join(p.migrations, bad, 'migration.sql'), 'CREATE TABLE IF NOT EXISTS "Fine" ("id" INTEGER);\n');
    await migrateResolve({ ...p, rolledBack: bad });
    expect((await migrateDeploy(p)).applied).toEqual([bad]);
    expect((await migrateStatus(p)).upToDate).toBe(true);
  });

  it('refuses a migration that may lose data unless acceptDataLoss, and returns the warnings', async () => {
    const p = project();
    await migrateDeploy(p);
    // The engine warns only when the column holds data.
    await rows(p.url, `INSERT INTO "User" ("email", "name", "passwordHash") VALUES ('a@b.c', 'A', 'x')`);
    writeFileSync(p.schema, readFileSync(p.schema, 'utf8').replace(/\n\s*passwordHash\s+String\?/, ''));
    await expect(migrateDev({ ...p, name: 'drop hash' })).rejects.toThrow(/^the migration may lose data: .*drop the column `passwordHash`/);
    expect(readdirSync(p.migrations).filter((d) => d.endsWith('_drop_hash'))).toEqual([]);
    const result = await migrateDev({ ...p, name: 'drop hash', acceptDataLoss: true });
    expect(result.warnings).toEqual([expect.stringMatching(/drop the column `passwordHash`/)]);
    expect(result.applied).toEqual([result.created]);
  });

  it('finds drift (a table made by hand) with status drift: true, and migrateDev refuses to go on', async () => {
    const p = project();
    await migrateDeploy(p);
    await rows(p.url, 'CREATE TABLE "Handmade" ("id" INTEGER PRIMARY KEY)');
    const status = await migrateStatus({ ...p, drift: true });
    expect(status).toMatchObject({ pending: [], drift: true, upToDate: false });
    expect(status.driftSummary).toMatch(/Handmade/);
    await expect(migrateDev({ ...p, name: 'more' })).rejects.toThrow(/^the database does not match its migration history, and burrow db never resets it: Drift detected.*Handmade/);
  });

  it('refuses a schema that does not parse, and a URL of the wrong kind, in one line', async () => {
    const p = project();
    writeFileSync(p.schema, readFileSync(p.schema, 'utf8').replace('title       String', 'title       Strin'));
    await expect(migrateDeploy(p)).rejects.toThrow(/^the Prisma schema .*schema\.prisma does not parse: Type "Strin" is neither a built-in type.* \(schema\.prisma:\d+\)$/);
    await expect(migrateDeploy({ schema: EXAMPLE_SCHEMAS.sqlite, url: 'postgresql://me:secret@localhost/db' })).rejects.toThrow(
      "the schema's datasource is sqlite: the URL must start with file:, not postgresql://me:***@localhost/db",
    );
    await expect(migrateDeploy({ schema: EXAMPLE_SCHEMAS.sqlite, url: '' })).rejects.toThrow('no database URL: pass --url (url) or set DATABASE_URL');
  });
});

describe('burrow db (command)', () => {
  it('deploys and reports the status through runCli', async () => {
    const p = project();
    const args = ['--schema', p.schema, '--url', p.url];
    const pending = await burrowInProcess(['db', 'status', ...args]);
    expect(pending.code).toBe(1);
    expect(pending.stdout).toMatch(new RegExp(`\\(does not exist yet\\): ${EXAMPLE_NAMES.length} migrations? in the folder\\n\\s+pending +${EXAMPLE_NAMES[0]}`));
    const deploy = await burrowInProcess(['db', 'deploy', ...args]);
    expect(deploy).toMatchObject({ code: 0, stderr: '' });
    expect(deploy.stdout).toContain(`Applied ${EXAMPLE_NAMES.length} migration`);
    expect(deploy.stdout).toContain(`  ${EXAMPLE_NAMES[0]}\n`);
    const status = await burrowInProcess(['db', 'status', ...args]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`applied +${EXAMPLE_NAMES[0]}\\nUp to date\\.\\n$`));
    expect((await burrowInProcess(['db', 'deploy', ...args])).stdout).toMatch(/^No pending migration: .* is up to date\.\n$/);
  });

  it('creates a migration with db migrate --name, and exits 1 naming a failed migration', async () => {
    const p = project();
    const args = ['--schema', p.schema, '--url', p.url];
    writeFileSync(p.schema, readFileSync(p.schema, 'utf8').replace(/model Tag \{/, 'model Tag {\n  color String?'));
    const migrate = await burrowInProcess(['db', 'migrate', ...args, '--name', 'color']);
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toMatch(/^Applied \d+ pending migrations? to file:.*\n(  \S+\n)+Created and applied .*_color[/\\]migration\.sql\.\n$/);
    mkdirSync(path.join(p.migrations, '29990101000000_broken'));
    writeFileSync(path.join(p.migrations, '29990101000000_broken', 'migration.sql'), 'SELEKT 1;\n');
    const failed = await burrowInProcess(['db', 'deploy', ...args]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^burrow db deploy: migration 29990101000000_broken failed: .*syntax error\n$/);
  });

  it('generate: runs prisma generate offline (a stand-in for the native engine that cannot be downloaded)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'burrow-generate-'));
    try {
      const schema = path.join(dir, 'schema.prisma');
      const out = path.join(dir, 'client');
      writeFileSync(schema, readFileSync('prisma/sqlite/schema.prisma', 'utf8').replace(/output\s*=\s*"[^"]*"/, `output = ${JSON.stringify(out)}`));
      const run = await burrowInProcess(['db', 'generate', '--schema', schema]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Generated Prisma Client/);
      expect(existsSync(path.join(out, 'client.ts'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('prints its help, and refuses bad command lines with exit code 2', async () => {
    const help = await burrowInProcess(['db', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: burrow db <migrate\|deploy\|status\|resolve\|generate>/);
    expect((await burrowInProcess(['help', 'db'])).stdout).toBe(help.stdout);
    expect((await burrowInProcess(['--help'])).stdout).toMatch(/\n {2}db +create, apply and check database migrations/);

    const unknown = await burrowInProcess(['db', 'frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^burrow db: unknown db command: frobnicate\n\nUsage: burrow db/);
    expect((await burrowInProcess(['db'])).stderr).toMatch(/^burrow db: missing <migrate\|deploy\|status\|resolve\|generate>/);
    expect((await burrowInProcess(['db', 'deploy', '--name', 'x', '--schema', EXAMPLE_SCHEMAS.sqlite])).stderr).toMatch(
      /^burrow db: --name is an option of burrow db migrate, not deploy/,
    );
    expect((await burrowInProcess(['db', 'status', '--frob'])).code).toBe(2);
    // No --schema, and no prisma/schema.prisma in the working directory (the repository's root).
    const noSchema = await burrowInProcess(['db', 'status']);
    expect(noSchema.code).toBe(2);
    expect(noSchema.stderr).toMatch(/no --schema given, and there is no prisma\/schema\.prisma here/);
  });

  it('reports a database it cannot reach in one line, without the password (exit 1)', async () => {
    const run = await burrowInProcess(['db', 'status', '--schema', EXAMPLE_SCHEMAS.postgres, '--url', 'postgresql://me:s3cret@127.0.0.1:1/nowhere']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^burrow db status: cannot reach the database server at 127\.0\.0\.1:1.* \(postgresql:\/\/me:\*\*\*@127\.0\.0\.1:1\/nowhere\)\n$/);
    expect(run.stderr).not.toContain('s3cret');
  });
});
