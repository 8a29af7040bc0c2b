/**
 * The PostgreSQL side of `burrow db`: `@prisma/adapter-pg` made fit for the schema
 * engine. Four things differ from the adapter as it comes:
 * - scripts (migrations) run as one simple-protocol query, as Prisma's native engine
 *   runs them (the adapter splits them on every `;`, even inside strings or bodies);
 * - catalog columns of type `"char"` (OID 18), which the adapter cannot type, are read as text;
 * - the shadow database is reached by a URL naming it (the adapter's own shadow pool lets
 *   its connection string override the database, and lands on the main one);
 * - the shadow database is dropped after its pool is closed (`WITH (FORCE)`), not before.
 */
import { randomUUID } from 'node:crypto';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { requireFromProject } from './resolve.js';

interface PgAdapter extends SqlDriverAdapter {
  underlyingDriver(): Queryable;
}

interface PgModule {
  PrismaPg: new (config: { connectionString: string }, options?: { schema?: string }) => { connect(): Promise<PgAdapter> };
}

/** What a pg `Pool` or `Client` offers (only what is patched here). */
interface Queryable {
  query(...args: unknown[]): unknown;
  connect?(...args: unknown[]): unknown;
}

/** The main database's URL without Prisma's `schema` parameter, and that parameter. */
export interface PgTarget {
  url: string;
  schema?: string;
}

/** Splits Prisma's `?schema=` parameter (the PostgreSQL schema to migrate) off a URL. */
export function pgTarget(url: string): PgTarget {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  return schema ? { url: parsed.href, schema } : { url: parsed.href };
}

/** The name of the database of a PostgreSQL URL. */
export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** `url` naming the database `name` instead. */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(name)}`;
  return parsed.href;
}

/** `url` whose sessions start with `search_path` set to `schema` (libpq's `options` parameter). */
function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${quoteIdent(schema)}`);
  return parsed.href;
}

/** `"name"`, quoted for SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Loads adapter-pg from the user's project. */
export function loadPg(projectDirs: string[]): PgModule {
  return requireFromProject<PgModule>('@prisma/adapter-pg', projectDirs, '@prisma/adapter-pg pg');
}

/** Connects an adapter to `url`, fitted for the engine (see the module comment). */
export async function connectPg(pg: PgModule, url: string, schema?: string): Promise<PgAdapter> {
  // The engine works in the connection's current schema: `?schema=` becomes the search_path.
  const connectionString = schema ? withSearchPath(url, schema) : url;
  const adapter = await new pg.PrismaPg({ connectionString }, schema ? { schema } : undefined).connect();
  const pool = adapter.underlyingDriver();
  readCharAsText(pool);
  adapter.executeScript = async (script) => {
    try {
      await pool.query(script);
    } catch (error) {
      throw asAdapterError(error);
    }
  };
  return adapter;
}

/** Runs one statement outside any transaction block (CREATE/DROP DATABASE...). */
export function execute(adapter: SqlDriverAdapter, sql: string): Promise<void> {
  return adapter.executeScript(sql);
}

/** A migration-aware factory over the PostgreSQL database of `target`. */
export function postgresFactory(target: PgTarget, projectDirs: string[]): SqlMigrationAwareDriverAdapterFactory {
  const pg = loadPg(projectDirs);
  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: () => connectPg(pg, target.url, target.schema),
    connectToShadowDb: async () => {
      const admin = await connectPg(pg, target.url);
      const name = `prisma_migrate_shadow_db_${randomUUID()}`;
      let shadow: PgAdapter | undefined;
      try {
        await execute(admin, `CREATE DATABASE ${quoteIdent(name)}`);
        shadow = await connectPg(pg, withDatabase(target.url, name), target.schema);
      } catch (error) {
        await dropDatabase(admin, name).catch(() => {});
        await admin.dispose();
        throw error;
      }
      const closeShadow = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        try {
          await closeShadow();
          await dropDatabase(admin, name);
        } finally {
          await admin.dispose();
        }
      };
      return shadow;
    },
  };
}

/** Drops a database even if sessions remain (`WITH (FORCE)`, PostgreSQL 13+; a plain DROP before). */
export async function dropDatabase(admin: SqlDriverAdapter, name: string): Promise<void> {
  try {
    await execute(admin, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code !== '42601') throw error;
    await execute(admin, `DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
  }
}

const CHAR_OID = 18;
const TEXT_OID = 25;
const PATCHED = Symbol('burrow.charAsText');

type Patchable = Queryable & { [PATCHED]?: true };

/** Makes `"char"` result columns look like `text` to the adapter, on a pool and the clients it lends. */
function readCharAsText(pool: Patchable): void {
  patchQuery(pool);
  const connect = pool.connect?.bind(pool);
  if (!connect) return;
  pool.connect = (...args: unknown[]) => {
    const result = connect(...args);
    return isPromise(result) ? result.then((client) => (patchQuery(client as Patchable), client)) : result;
  };
}

function patchQuery(target: Patchable): void {
  if (target[PATCHED]) return;
  target[PATCHED] = true;
  const query = target.query.bind(target);
  target.query = (...args: unknown[]) => {
    const result = query(...args);
    return isPromise(result) ? result.then(charAsText) : result;
  };
}

function charAsText(result: unknown): unknown {
  for (const one of Array.isArray(result) ? result : [result]) {
    for (const field of (one as { fields?: { dataTypeID: number }[] } | undefined)?.fields ?? []) {
      if (field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** A pg error as the `DriverAdapterError` the binder passes to the engine (duck-typed by name). */
class PgScriptError extends Error {
  override readonly name = 'DriverAdapterError';
  constructor(override readonly cause: Record<string, unknown>) {
    super(typeof cause.message === 'string' ? cause.message : String(cause.kind));
  }
}

function asAdapterError(error: unknown): unknown {
  const e = error as { code?: unknown; message?: string; severity?: string; detail?: string; column?: string; hint?: string; address?: string; port?: number };
  if (typeof e?.code !== 'string') return error;
  if (/^[0-9A-Z]{5}$/.test(e.code)) {
    return new PgScriptError({ kind: 'postgres', code: e.code, severity: e.severity ?? 'ERROR', message: e.message ?? '', detail: e.detail, column: e.column, hint: e.hint });
  }
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET'].includes(e.code)) {
    return new PgScriptError({ kind: 'DatabaseNotReachable', host: e.address, port: e.port });
  }
  return error;
}
