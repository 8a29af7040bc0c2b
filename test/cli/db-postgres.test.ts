import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DbError, migrateDeploy, migrateDev, migrateStatus } from '../../cli/db/index.js';
import { adminQuery, createPostgresDatabase, deployExample, EXAMPLE_SCHEMAS, postgresUrl } from '../helpers/databases.js';
import { burrowInProcess } from './run-cli.js';

const EXAMPLE_MIGRATIONS = path.join(path.dirname(EXAMPLE_SCHEMAS.postgres), 'migrations');
const EXAMPLE_NAMES = readdirSync(EXAMPLE_MIGRATIONS, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

const root = mkdtempSync(path.join(tmpdir(), 'burrow-db-pg-'));
const databases: { drop(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
  rmSync(root, { recursive: true, force: true });
});

/** A new test database (dropped after the file). */
async function database(): Promise<string> {
  const db = await createPostgresDatabase();
  databases.push(db);
  return db.url;
}

async function query<R extends Record<string, unknown>>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function shadowDatabases(): Promise<string[]> {
  return (await adminQuery<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'")).map((r) => r.datname);
}

describe('burrow db on PostgreSQL', () => {
  let url: string;
  beforeAll(async () => {
    url = await database();
  });

  it('deploys the example migrations, then has nothing pending; a second deploy applies nothing', async () => {
    expect(await migrateDeploy({ schema: EXAMPLE_SCHEMAS.postgres, url })).toEqual({ database: url, applied: EXAMPLE_NAMES });
    const tables = await query<{ table_name: string }>(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['User', 'Project', 'Task', 'Tag', 'Comment', '_prisma_migrations']));
    expect(await migrateStatus({ schema: EXAMPLE_SCHEMAS.postgres, url })).toMatchObject({ applied: EXAMPLE_NAMES, pending: [], failed: [], upToDate: true });
    expect(await migrateDeploy({ schema: EXAMPLE_SCHEMAS.postgres, url })).toEqual({ database: url, applied: [] });
  });

  it('the committed example migrations are up to date with prisma/postgres/schema.prisma', async () => {
    // If this fails: burrow db migrate --schema prisma/postgres/schema.prisma --name <change> (and the same for sqlite).
    const result = await migrateDev({ schema: EXAMPLE_SCHEMAS.postgres, url: await database() });
    expect(result).toMatchObject({ applied: EXAMPLE_NAMES, warnings: [] });
    expect(result.created).toBeUndefined();
  });

  it('migrateDev diffs on a shadow database, adds the column, and drops the shadow database', async () => {
    const dir = path.join(root, 'dev');
    mkdirSync(dir);
    const schema = path.join(dir, 'schema.prisma');
    cpSync(EXAMPLE_SCHEMAS.postgres, schema);
    cpSync(EXAMPLE_MIGRATIONS, path.join(dir, 'migrations'), { recursive: true });
    const devUrl = await database();
    await deployExample('postgres', devUrl);
    writeFileSync(schema, readFileSync(schema, 'utf8').replace(/model Tag \{/, 'model Tag {\n  color String?'));

    const shadowsBefore = await shadowDatabases();
    const result = await migrateDev({ schema, url: devUrl, name: 'tag color' });
    expect(result.created).toMatch(/^\d{14}_tag_color$/);
    expect(result.applied).toEqual([result.created]);
    expect(readFileSync(result.createdPath ?? '', 'utf8')).toMatch(/ALTER TABLE "Tag" ADD COLUMN\s+"color" TEXT;/);
    expect((await query(devUrl, `SELECT column_name FROM information_schema.columns WHERE table_name = 'Tag'`)).map((c) => c.column_name)).toContain('color');
    const status = await migrateStatus({ schema, url: devUrl, drift: true });
    expect(status).toMatchObject({ pending: [], failed: [], drift: false, upToDate: true });
    // Every shadow database made by dev and by the drift check is gone.
    expect((await shadowDatabases()).filter((name) => !shadowsBefore.includes(name))).toEqual([]);
  });

  it('reports a failing migration by name, marks it failed, and leaves none of its statements applied', async () => {
    const dir = path.join(root, 'failing');
    mkdirSync(dir);
    cpSync(EXAMPLE_MIGRATIONS, path.join(dir, 'migrations'), { recursive: true });
    const bad = '29990101000000_bad';
    mkdirSync(path.join(dir, 'migrations', bad));
    // The semicolon inside the string must not split the script; the error must roll it all back.
    writeFileSync(path.join(dir, 'migrations', bad, 'migration.sql'), `CREATE TABLE "Fine" ("note" TEXT DEFAULT 'a;b');\nCREATE TABLEX "Broken";\n`);
    const failUrl = await database();
    const options = { schema: EXAMPLE_SCHEMAS.postgres, url: failUrl, migrations: path.join(dir, 'migrations') };
    const error = await migrateDeploy(options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DbError);
    expect((error as DbError).migration).toBe(bad);
    expect((error as DbError).message).toMatch(new RegExp(`^migration ${bad} failed: .*syntax error at or near "TABLEX"$`));
    const [record] = await query(failUrl, `SELECT finished_at, rolled_back_at FROM "_prisma_migrations" WHERE migration_name = '${bad}'`);
    expect(record).toEqual({ finished_at: null, rolled_back_at: null });
    expect(await query(failUrl, `SELECT 1 FROM information_schema.tables WHERE table_name = 'Fine'`)).toEqual([]);
    expect(await migrateStatus(options)).toMatchObject({ applied: EXAMPLE_NAMES, failed: [bad], upToDate: false });
  });

  it('creates a missing database on deploy, honours ?schema=, and says when status finds no database', async () => {
    const name = `burrow_test_db_missing_${Date.now().toString(36)}`;
    databases.push({ drop: async () => void (await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)) });
    const missing = postgresUrl(name);
    await expect(migrateStatus({ schema: EXAMPLE_SCHEMAS.postgres, url: missing })).rejects.toThrow(`the database "${name}" does not exist (${missing})`);
    const inSchema = `${missing}?schema=app`;
    expect((await migrateDeploy({ schema: EXAMPLE_SCHEMAS.postgres, url: inSchema })).applied).toEqual(EXAMPLE_NAMES);
    const tables = await query<{ table_schema: string }>(missing, `SELECT DISTINCT table_schema FROM information_schema.tables WHERE table_name = '_prisma_migrations'`);
    expect(tables).toEqual([{ table_schema: 'app' }]);
    expect((await migrateStatus({ schema: EXAMPLE_SCHEMAS.postgres, url: inSchema })).upToDate).toBe(true);
  });

  it('runs through the command: db status and db deploy', async () => {
    const cmdUrl = await database();
    const args = ['--schema', EXAMPLE_SCHEMAS.postgres, '--url', cmdUrl];
    const before = await burrowInProcess(['db', 'status', ...args]);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/Not up to date: \d+ pending\.\n$/);
    const deploy = await burrowInProcess(['db', 'deploy', ...args]);
    expect(deploy.code).toBe(0);
    expect(deploy.stdout).toContain(`to ${cmdUrl}:\n  ${EXAMPLE_NAMES[0]}\n`);
    const after = await burrowInProcess(['db', 'status', ...args]);
    expect(after).toMatchObject({ code: 0, stderr: '' });
    expect(after.stdout).toMatch(/Up to date\.\n$/);
  });
});
