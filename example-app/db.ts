/**
 * The example's database, chosen by `DATABASE_URL`:
 *
 * - unset: SQLite, the file `example-app/data/burrow-example.db`;
 * - `file:<path>`: SQLite, that file (a relative path is resolved from the current directory);
 * - `postgresql://...` (or `postgres://`): PostgreSQL.
 *
 * {@link prepareDatabase} is what `npm start` does before serving: it applies the pending
 * migrations of `prisma/<provider>/migrations` (creating the SQLite file, or the
 * PostgreSQL database, if missing), opens a Prisma client through the driver adapter of
 * the provider, and seeds the database when it is empty.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaLibSql } from '@prisma/adapter-libsql';
import { PrismaPg } from '@prisma/adapter-pg';
import { migrateDeploy } from 'burrowjs/db';
import { PrismaClient as SqliteClient } from './generated/prisma/sqlite/client.js';
import { PrismaClient as PostgresClient } from './generated/prisma/postgres/client.js';
import { seedIfEmpty, type SeedSummary } from './seed.js';

/** The databases the example runs on. */
export type Provider = 'sqlite' | 'postgres';

/** A database the example may use: its provider and its URL (an absolute `file:` URL for SQLite). */
export interface DatabaseTarget {
  provider: Provider;
  url: string;
}

/**
 * The Prisma client of the example. The two generated clients differ only in the type of
 * `Task.id` and `Comment.taskId` (BigInt on PostgreSQL, Int on SQLite); the example's own
 * code (the seed) never writes either, so it uses the SQLite client's type for both.
 */
export type ExamplePrisma = InstanceType<typeof SqliteClient>;

/** The Prisma schema of each provider (absolute paths): what the resources plugin and the migrations read. */
export const SCHEMAS: Record<Provider, string> = {
  sqlite: fileURLToPath(new URL('../prisma/sqlite/schema.prisma', import.meta.url)),
  postgres: fileURLToPath(new URL('../prisma/postgres/schema.prisma', import.meta.url)),
};

/** The SQLite file used when `DATABASE_URL` is not set. */
export const DEFAULT_SQLITE_FILE = fileURLToPath(new URL('./data/burrow-example.db', import.meta.url));

/**
 * The database `url` names (default: `process.env.DATABASE_URL`).
 *
 * @throws Error when the URL is neither a `file:` nor a PostgreSQL URL (the message never repeats the URL, which may hold a password).
 */
export function resolveDatabase(url: string | undefined = process.env.DATABASE_URL): DatabaseTarget {
  const value = url?.trim();
  if (!value) return { provider: 'sqlite', url: `file:${DEFAULT_SQLITE_FILE}` };
  if (/^file:/i.test(value)) {
    // file:relative, file:/absolute and file:///absolute; a query string (?mode=...) is not kept.
    let file = value.slice('file:'.length).replace(/\?.*$/, '');
    if (file.startsWith('//')) file = file.slice(2);
    if (!file) throw new Error('DATABASE_URL: a file: URL names the SQLite file, as in file:./data/app.db');
    return { provider: 'sqlite', url: `file:${path.resolve(decodeURIComponent(file))}` };
  }
  if (/^postgres(ql)?:\/\//i.test(value)) return { provider: 'postgres', url: value };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1];
  throw new Error(
    `DATABASE_URL must be a file: URL (SQLite) or a postgresql:// URL (PostgreSQL)${scheme ? `, not a ${scheme}: URL` : ''}; unset, the example uses ${path.relative(process.cwd(), DEFAULT_SQLITE_FILE)}`,
  );
}

/** A Prisma client of the database, through the driver adapter of its provider (it connects on first use). */
export function createPrismaClient(database: DatabaseTarget): ExamplePrisma {
  if (database.provider === 'sqlite') return new SqliteClient({ adapter: new PrismaLibSql({ url: database.url }) });
  return new PostgresClient({ adapter: new PrismaPg({ connectionString: database.url }) }) as unknown as ExamplePrisma;
}

/** Applies the pending migrations of the provider's `prisma/<provider>/migrations` to the database. */
export async function migrateDatabase(database: DatabaseTarget): Promise<{ database: string; applied: string[] }> {
  if (database.provider === 'sqlite') mkdirSync(path.dirname(database.url.slice('file:'.length)), { recursive: true });
  return migrateDeploy({ schema: SCHEMAS[database.provider], url: database.url });
}

/** A database ready to serve (see {@link prepareDatabase}). */
export interface PreparedDatabase extends DatabaseTarget {
  prisma: ExamplePrisma;
  /** The database as it can be printed: `file:` + path, or the PostgreSQL URL without its password. */
  display: string;
  /** The migrations applied by this start (empty when none was pending). */
  applied: string[];
  /** What the seed wrote, when the database was empty. */
  seeded?: SeedSummary;
}

/**
 * What `npm start` does before serving: migrates the database `url` names (default
 * `DATABASE_URL`), opens a client, and seeds the database when it is empty. Disconnect
 * the client when done (the resources plugin does it when the kernel closes).
 */
export async function prepareDatabase(options: { url?: string; seed?: boolean } = {}): Promise<PreparedDatabase> {
  const database = resolveDatabase(options.url ?? process.env.DATABASE_URL);
  const migrated = await migrateDatabase(database);
  const prisma = createPrismaClient(database);
  try {
    const seeded = options.seed === false ? undefined : await seedIfEmpty(prisma);
    return { ...database, prisma, display: migrated.database, applied: migrated.applied, ...(seeded ? { seeded } : {}) };
  } catch (error) {
    await prisma.$disconnect();
    throw error;
  }
}
