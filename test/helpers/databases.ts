/**
 * Real databases for tests: a PostgreSQL database created for a test file and dropped
 * after it, and the example app's migrations (`prisma/{sqlite,postgres}/migrations`)
 * deployed into a SQLite file or a PostgreSQL database with `burrow db`'s library.
 *
 * PostgreSQL: `BURROW_TEST_POSTGRES_URL` is the admin URL (default
 * `postgresql://postgres@127.0.0.1:5432/postgres`, trust auth on the test machines).
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrateDeploy } from '../../cli/db/index.js';

/** The admin URL of the test PostgreSQL server. */
export const POSTGRES_ADMIN_URL = process.env.BURROW_TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** The example app's schemas, by provider (absolute paths). */
export const EXAMPLE_SCHEMAS = {
  sqlite: fileURLToPath(new URL('../../prisma/sqlite/schema.prisma', import.meta.url)),
  postgres: fileURLToPath(new URL('../../prisma/postgres/schema.prisma', import.meta.url)),
} as const;

/** `url` (a PostgreSQL URL) naming the database `name` instead. */
export function postgresUrl(name: string, admin = POSTGRES_ADMIN_URL): string {
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.href;
}

/** Runs one statement on the admin database. */
export async function adminQuery<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database `burrow_test_db_<random>` on the test server; `drop()`
 * removes it even if connections remain (`WITH (FORCE)`). Call `drop` in `afterAll`.
 */
export async function createPostgresDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `burrow_test_db_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  return { name, url: postgresUrl(name), drop: async () => void (await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)) };
}

/**
 * Applies the example app's migrations to `url`: a `file:` URL (use an absolute path:
 * a relative one is resolved from `prisma/sqlite/`) or a PostgreSQL URL.
 */
export async function deployExample(provider: 'sqlite' | 'postgres', url: string): Promise<void> {
  await migrateDeploy({ schema: EXAMPLE_SCHEMAS[provider], url });
}
