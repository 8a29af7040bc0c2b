/**
 * One run of the schema engine over the user's database: the adapter factory for the
 * provider, the engine opened on it, every connection closed at the end, and the
 * failures turned into one-line {@link DbError}s.
 */
import { bindMigrationAwareSqlAdapterFactory, type ErrorRegistry, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaFilter } from '@prisma/schema-engine-wasm';
import { openEngine, takePanicMessage, type SchemaEngine } from './engine.js';
import { DbError, errorText, oneLine, redactUrl } from './errors.js';
import { readMigrations } from './migrations.js';
import { connectPg, databaseName, execute, loadPg, pgTarget, postgresFactory, quoteIdent, withDatabase } from './postgres.js';
import type { LoadedSchema } from './schema.js';
import { sqliteFactory } from './sqlite.js';

/** What a command runs on: the schema, the resolved database URL and the migrations folder. */
export interface Target {
  schema: LoadedSchema;
  /** `file:/absolute/path` or a PostgreSQL URL. */
  url: string;
  migrationsDir: string;
}

/** What a command gets inside {@link withEngine}. */
export interface Session {
  engine: SchemaEngine;
  filters: SchemaFilter;
  /** Reads the migrations folder afresh. */
  migrations(): Promise<MigrationList>;
  /** Runs a query on a connection of its own to the main database (closed with the session). */
  query(sql: string): Promise<unknown[][]>;
}

/** Opens the engine on `target`, runs `fn`, and closes every connection, whatever happens. */
export async function withEngine<T>(target: Target, fn: (session: Session) => Promise<T>): Promise<T> {
  const projectDirs = [process.cwd(), target.schema.dir];
  const factory = tracked(
    target.schema.provider === 'sqlite' ? sqliteFactory(target.url, projectDirs) : postgresFactory(pgTarget(target.url), projectDirs),
  );
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  const debug = process.env.BURROW_DB_DEBUG ? (line: string) => void process.stderr.write(`[schema-engine] ${line}\n`) : undefined;
  let engine: SchemaEngine | undefined;
  let own: SqlDriverAdapter | undefined;
  try {
    engine = await openEngine(target.schema.files, bound, debug);
    const session: Session = {
      engine,
      filters: { externalTables: [], externalEnums: [] },
      migrations: () => readMigrations(target.migrationsDir),
      query: async (sql) => {
        own ??= await factory.connect();
        return (await own.queryRaw({ sql, args: [], argTypes: [] })).rows;
      },
    };
    return await fn(session);
  } catch (error) {
    throw asDbError(error, bound.errorRegistry, target);
  } finally {
    try {
      engine?.free();
    } catch {
      // an engine that panicked may refuse to be freed: its connections are closed below
    }
    await factory.close();
  }
}

/** A factory that remembers its connections, makes `dispose` idempotent, and closes what is left. */
function tracked(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory & { close(): Promise<void> } {
  const open = new Set<SqlDriverAdapter>();
  const track = (adapter: SqlDriverAdapter) => {
    const dispose = adapter.dispose.bind(adapter);
    let closing: Promise<void> | undefined;
    adapter.dispose = () => {
      open.delete(adapter);
      return (closing ??= dispose());
    };
    open.add(adapter);
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => track(await factory.connect()),
    connectToShadowDb: async () => track(await factory.connectToShadowDb()),
    close: async () => {
      // Each shadow's dispose closes its pool, then drops its database through its own admin connection.
      await Promise.allSettled([...open].map((adapter) => adapter.dispose()));
    },
  };
}

/**
 * Checks that the PostgreSQL database of `url` answers; a database that does not exist
 * is created when `create` (as `prisma migrate deploy` and `dev` do), else reported.
 */
export async function ensurePostgres(target: Target, create: boolean): Promise<void> {
  const { url, schema } = pgTarget(target.url);
  const pg = loadPg([process.cwd(), target.schema.dir]);
  const probe = await connectPg(pg, url, schema);
  try {
    await probe.queryRaw({ sql: 'SELECT 1', args: [], argTypes: [] });
    if (schema && create) await execute(probe, `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  } catch (error) {
    const kind = (error as { cause?: { kind?: string; code?: string } }).cause;
    const missing = kind?.kind === 'DatabaseDoesNotExist' || kind?.code === '3D000';
    if (!missing || !create) throw new DbError(`${errorText(error)} (${redactUrl(target.url)})`, { cause: error });
    await createPostgresDatabase(pg, url);
  } finally {
    await probe.dispose();
  }
}

async function createPostgresDatabase(pg: ReturnType<typeof loadPg>, url: string): Promise<void> {
  const admin = await connectPg(pg, withDatabase(url, 'postgres'));
  try {
    await execute(admin, `CREATE DATABASE ${quoteIdent(databaseName(url))}`);
  } catch (error) {
    throw new DbError(`cannot create the database "${databaseName(url)}": ${errorText(error)} (${redactUrl(url)})`, { cause: error });
  } finally {
    await admin.dispose();
  }
}

/** Turns what the engine or an adapter threw into a one-line {@link DbError}. */
function asDbError(error: unknown, registry: ErrorRegistry, target: Target): DbError {
  if (error instanceof DbError) return error;
  const panic = takePanicMessage();
  const raw = panic ? `the schema engine panicked: ${panic}` : errorText(error, registry);
  // The engine appends a span trace ("   0: module::function with migration_name=... at file.rs:113").
  const traceAt = raw.search(/\n\s*0: /);
  const text = (traceAt === -1 ? raw : raw.slice(0, traceAt)).replace(/^(external connector error\s*)?(Error querying the database:\s*)?/i, '');
  const applying = /migration_name="([^"]+)"/.exec(raw.slice(traceAt === -1 ? raw.length : traceAt));
  if (applying?.[1]) {
    return new DbError(`migration ${applying[1]} failed: ${oneLine(text)}`, { cause: error, migration: applying[1] });
  }
  const earlier = /The `([^`]+)` migration started at [^\n]*? failed/.exec(text);
  if (earlier?.[1]) {
    const name = earlier[1];
    return new DbError(
      `migration ${name} failed earlier and is marked failed in _prisma_migrations: fix the database, then mark it resolved (burrow db resolve --rolled-back ${name}, or --applied ${name})`,
      { cause: error, migration: name },
    );
  }
  return new DbError(`${oneLine(text)} (${redactUrl(target.url)})`, { cause: error });
}
