/**
 * `burrowjs/db`: Prisma migrations without Prisma's native schema engine. The commands
 * run Prisma's schema engine compiled to WebAssembly (`@prisma/schema-engine-wasm`)
 * through the app's own driver adapter (`@prisma/adapter-libsql` for `file:` URLs,
 * `@prisma/adapter-pg` for PostgreSQL), and keep Prisma's standard layout:
 * `<migrations>/<timestamp>_<name>/migration.sql`, `migration_lock.toml`, and the
 * `_prisma_migrations` table — so `prisma migrate` works on the same folder and
 * database wherever its native engine exists.
 *
 * Every function throws a {@link DbError} with a one-line message (no password) when it fails.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { DbError, oneLine, redactUrl } from './errors.js';
import { migrationNames, readMigrations, slugifyName, writeMigration } from './migrations.js';
import { loadSchema, migrationsDir, resolveDatabaseUrl as resolveUrl, sqlitePath, type LoadedSchema } from './schema.js';

/**
 * The database URL as `burrow db` reads it: `url` (default `DATABASE_URL`) checked against
 * the schema's provider, a relative SQLite `file:` URL resolved from the schema's folder (as
 * Prisma does) into `file:` + an absolute path. Give the same URL to your driver adapter, so
 * that the app opens the database the migrations were applied to.
 *
 * @example
 * const url = resolveDatabaseUrl('prisma/schema.prisma'); // file:./dev.db → file:/app/prisma/dev.db
 * await migrateDeploy({ schema: 'prisma/schema.prisma', url });
 * const prisma = new PrismaClient({ adapter: new PrismaLibSql({ url }) });
 */
export function resolveDatabaseUrl(schema: string | Pick<LoadedSchema, 'dir' | 'provider'>, url: string | undefined = process.env.DATABASE_URL): string {
  return resolveUrl(typeof schema === 'string' ? loadSchema(schema) : schema, url);
}
import { ensurePostgres, withEngine, type Session, type Target } from './session.js';
import { pgTarget, quoteIdent } from './postgres.js';

export { DbError, redactUrl } from './errors.js';
export { generateClient } from './generate.js';

export type { DbProvider, LoadedSchema } from './schema.js';

/** Where the commands read and write. */
export interface DbOptions {
  /** The `schema.prisma` file (or a folder of `.prisma` files); its datasource `provider` (sqlite or postgresql) picks the adapter. */
  schema: string;
  /**
   * The database URL; default `process.env.DATABASE_URL`. SQLite: `file:` + a path; a
   * relative path is resolved from the schema's folder, as Prisma's CLI does
   * (`file:./dev.db` next to `prisma/schema.prisma` is `prisma/dev.db`). PostgreSQL:
   * `postgresql://user:password@host:5432/database`, optionally `?schema=name`.
   */
  url?: string;
  /** The migrations folder; default `<schema folder>/migrations`. */
  migrations?: string;
}

/** What {@link migrateDeploy} did. */
export interface MigrateDeployResult {
  /** The database: `file:` + absolute path, or the PostgreSQL URL with its password redacted. */
  database: string;
  /** The migrations applied by this call, in order (empty when none was pending). */
  applied: string[];
}

/** Options of {@link migrateDev}. */
export interface MigrateDevOptions extends DbOptions {
  /**
   * The name of the new migration (made lower case, `_` between words). Needed only
   * when the schema has changes; the folder is `<timestamp>_<name>`.
   */
  name?: string;
  /** Write the migration without applying it (and write it even if empty, to be hand-edited). */
  createOnly?: boolean;
  /** Apply a migration that may lose data (the engine's warnings); refused otherwise. */
  acceptDataLoss?: boolean;
}

/** What {@link migrateDev} did. */
export interface MigrateDevResult {
  /** The database: `file:` + absolute path, or the PostgreSQL URL with its password redacted. */
  database: string;
  /** The folder name of the migration created (`<timestamp>_<name>`), if the schema had changes. */
  created?: string;
  /** The absolute path of the new `migration.sql`, if one was created. */
  createdPath?: string;
  /** The migrations applied by this call: the pending ones, then the new one (unless `createOnly`). */
  applied: string[];
  /** The engine's data-loss warnings for the new migration. */
  warnings: string[];
}

/** Options of {@link migrateStatus}. */
export interface MigrateStatusOptions extends DbOptions {
  /**
   * Also check that the database matches its migration history (replays the applied
   * migrations on a shadow database: on PostgreSQL the user needs CREATE DATABASE).
   * Only done when nothing is pending, failed or edited.
   */
  drift?: boolean;
}

/** The state of a database's migrations. */
export interface MigrateStatusResult {
  /** The database: `file:` + absolute path, or the PostgreSQL URL with its password redacted. */
  database: string;
  /** The migrations of the folder, in order. */
  migrations: string[];
  /** Applied to the database (finished, not rolled back), in the order they were applied. */
  applied: string[];
  /** In the folder, not applied yet (failed ones are under `failed`). */
  pending: string[];
  /** Marked failed in `_prisma_migrations`: to fix, then resolve (see {@link migrateResolve}). */
  failed: string[];
  /** Applied, but their `migration.sql` changed since (checksum mismatch). */
  edited: string[];
  /** Applied to the database but absent from the folder. */
  missing: string[];
  /** `false` when the SQLite file does not exist yet (everything is pending). */
  databaseExists: boolean;
  /** With `drift: true`: whether the database schema differs from what its migrations make. */
  drift?: boolean;
  /** The engine's summary of the drift, when there is one. */
  driftSummary?: string;
  /** Nothing pending, failed, edited, missing, nor drifted. */
  upToDate: boolean;
}

/**
 * Applies the pending migrations of the folder, in order (`prisma migrate deploy`).
 * Creates the SQLite file (and its folder), or the PostgreSQL database, if missing.
 * A migration that fails is recorded as failed in `_prisma_migrations` (as Prisma does)
 * and throws a {@link DbError} naming it (`error.migration`) with the SQL error.
 */
export async function migrateDeploy(options: DbOptions): Promise<MigrateDeployResult> {
  const target = prepare(options);
  if (target.schema.provider === 'postgresql') await ensurePostgres(target, true);
  return withEngine(target, async (session) => {
    const { appliedMigrationNames } = await session.engine.applyMigrations({ migrationsList: await session.migrations(), filters: session.filters });
    return { database: redactUrl(target.url), applied: appliedMigrationNames };
  });
}

/**
 * The development loop (`prisma migrate dev`): applies the pending migrations, checks the
 * database against its history on a shadow database (a drifted database is a
 * {@link DbError}: it is never reset here), diffs the schema with the migrations, writes
 * `<timestamp>_<name>/migration.sql` if there are changes, and applies it.
 */
export async function migrateDev(options: MigrateDevOptions): Promise<MigrateDevResult> {
  const target = prepare(options);
  const name = options.name === undefined ? '' : slugifyName(options.name);
  if (options.name !== undefined && !name) throw new DbError(`the migration name "${options.name}" has no letter or digit`);
  if (target.schema.provider === 'postgresql') await ensurePostgres(target, true);
  return withEngine(target, async ({ engine, filters, migrations }) => {
    // The engine's order: apply (creates _prisma_migrations), diagnose (shadow), create, apply.
    const applied = (await engine.applyMigrations({ migrationsList: await migrations(), filters })).appliedMigrationNames;
    const migrationsList = await migrations();
    const { action } = await engine.devDiagnostic({ migrationsList, filters });
    if (action.tag === 'reset') throw new DbError(`the database does not match its migration history, and burrow db never resets it: ${oneLine(action.reason)}`);
    const schema = { files: target.schema.files.map(([path, content]) => ({ path, content })) };
    const loss = await engine.evaluateDataLoss({ migrationsList, schema, filters });
    const database = redactUrl(target.url);
    if (!loss.migrationSteps && !options.createOnly) return { database, applied, warnings: [] };
    if (!name) {
      throw new DbError(
        loss.migrationSteps ? 'the schema has changes: give the new migration a name (--name)' : 'createOnly writes an empty migration (the schema has no change): give it a name (--name)',
      );
    }
    const warnings = loss.warnings.map((w) => w.message);
    if (!options.createOnly) {
      if (loss.unexecutableSteps.length) {
        throw new DbError(`the migration cannot be applied to this database: ${loss.unexecutableSteps.map((s) => s.message).join('; ')} (use createOnly to write it and edit it)`);
      }
      if (warnings.length && !options.acceptDataLoss) {
        throw new DbError(`the migration may lose data: ${warnings.join('; ')} (pass acceptDataLoss / --accept-data-loss, or createOnly to review it)`);
      }
    }
    const created = await engine.createMigration({ draft: Boolean(options.createOnly), migrationName: name, migrationsList, schema, filters });
    if (created.migrationScript === null) return { database, applied, warnings: [] };
    const createdPath = await writeMigration(target.migrationsDir, created.generatedMigrationName, created.migrationScript, created.connectorType, created.extension);
    const done = { database, created: created.generatedMigrationName, createdPath, applied, warnings };
    if (options.createOnly) return done;
    const after = await engine.applyMigrations({ migrationsList: await migrations(), filters });
    return { ...done, applied: [...applied, ...after.appliedMigrationNames] };
  });
}

/**
 * The state of the database's migrations (`prisma migrate status`): applied, pending,
 * failed, edited, missing; with `drift: true`, whether the schema drifted. Reads only:
 * a SQLite file that does not exist is not created, a missing PostgreSQL database is an error.
 */
export async function migrateStatus(options: MigrateStatusOptions): Promise<MigrateStatusResult> {
  const target = prepare(options);
  if (target.schema.provider === 'sqlite' && !existsSync(sqlitePath(target.url, target.schema.dir) ?? '')) {
    const local = migrationNames(await readMigrations(target.migrationsDir));
    return { database: redactUrl(target.url), migrations: local, applied: [], pending: local, failed: [], edited: [], missing: [], databaseExists: false, upToDate: local.length === 0 };
  }
  if (target.schema.provider === 'postgresql') await ensurePostgres(target, false);
  return withEngine(target, async (session) => {
    const migrationsList = await session.migrations();
    const local = migrationNames(migrationsList);
    const diagnosis = await session.engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: session.filters });
    const applied = diagnosis.hasMigrationsTable ? await appliedMigrations(session, target) : [];
    const failed = diagnosis.failedMigrationNames;
    const pending = local.filter((m) => !applied.includes(m) && !failed.includes(m));
    const missing = applied.filter((m) => !local.includes(m));
    const result: MigrateStatusResult = { database: redactUrl(target.url), migrations: local, applied, pending, failed, edited: diagnosis.editedMigrationNames, missing, databaseExists: true, upToDate: false };
    if (options.drift && !pending.length && !failed.length && !result.edited.length && !missing.length) {
      const { action } = await session.engine.devDiagnostic({ migrationsList, filters: session.filters });
      result.drift = action.tag === 'reset';
      if (action.tag === 'reset') result.driftSummary = oneLine(action.reason);
    }
    result.upToDate = !pending.length && !failed.length && !result.edited.length && !missing.length && result.drift !== true;
    return result;
  });
}

/** Options of {@link migrateResolve}: exactly one of `applied` and `rolledBack`. */
export interface MigrateResolveOptions extends DbOptions {
  /** Record this migration of the folder as applied without running it. */
  applied?: string;
  /** Record this failed migration as rolled back (it will be applied again by the next deploy). */
  rolledBack?: string;
}

/**
 * Records a migration's outcome by hand after fixing the database (`prisma migrate
 * resolve`): `applied` (its changes are in the database) or `rolledBack` (they are not).
 */
export async function migrateResolve(options: MigrateResolveOptions): Promise<void> {
  if (Boolean(options.applied) === Boolean(options.rolledBack)) throw new DbError('resolve needs exactly one of applied and rolledBack');
  const target = prepare(options);
  if (target.schema.provider === 'postgresql') await ensurePostgres(target, false);
  await withEngine(target, async ({ engine, migrations }) => {
    if (options.applied) await engine.markMigrationApplied({ migrationName: options.applied, migrationsList: await migrations() });
    else await engine.markMigrationRolledBack({ migrationName: options.rolledBack ?? '' });
  });
}

function prepare(options: DbOptions): Target {
  const schema = loadSchema(options.schema);
  return { schema, url: resolveDatabaseUrl(schema, options.url), migrationsDir: migrationsDir(schema, options.migrations) };
}

/** The migrations recorded as applied (finished, not rolled back), in the order they started. */
async function appliedMigrations(session: Session, target: Target): Promise<string[]> {
  const table =
    target.schema.provider === 'postgresql' ? `${quoteIdent(pgTarget(target.url).schema ?? 'public')}."_prisma_migrations"` : '"_prisma_migrations"';
  const rows = await session.query(`SELECT migration_name, finished_at, rolled_back_at FROM ${table} ORDER BY started_at, migration_name`);
  const names: string[] = [];
  for (const [name, finished, rolledBack] of rows) {
    if (finished !== null && rolledBack === null && typeof name === 'string' && !names.includes(name)) names.push(name);
  }
  return names;
}
