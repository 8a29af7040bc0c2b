/**
 * Reads a Prisma schema for the migration commands: its files, its datasource provider
 * (with Prisma's own parser, `@prisma/prisma-schema-wasm`), and where its database and
 * migrations are.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DbError, oneLine, redactUrl } from './errors.js';

/** The databases `burrow db` migrates. */
export type DbProvider = 'sqlite' | 'postgresql';

/** A parsed Prisma schema. */
export interface LoadedSchema {
  /** The schema path given (a file, or a folder of `.prisma` files), absolute. */
  path: string;
  /** The folder of the schema: relative SQLite paths and `migrations/` are resolved from it. */
  dir: string;
  /** Its files as `[path, content]`, sorted. */
  files: [string, string][];
  provider: DbProvider;
}

interface SchemaWasm {
  validate(params: string): void;
  get_config(params: string): string;
}

let wasm: SchemaWasm | undefined;

/** Reads and validates the schema at `schemaPath`; a schema that does not parse is a {@link DbError}. */
export function loadSchema(schemaPath: string): LoadedSchema {
  const absolute = path.resolve(schemaPath);
  const stat = statSync(absolute, { throwIfNoEntry: false });
  if (!stat) throw new DbError(`no Prisma schema at ${schemaPath}`);
  const files = stat.isDirectory() ? folderFiles(absolute) : ([[absolute, readFileSync(absolute, 'utf8')]] as [string, string][]);
  if (!files.length) throw new DbError(`no .prisma file under ${schemaPath}`);
  wasm ??= createRequire(import.meta.url)('@prisma/prisma-schema-wasm') as SchemaWasm;
  try {
    wasm.validate(JSON.stringify({ prismaSchema: files, noColor: true }));
  } catch (error) {
    throw new DbError(`the Prisma schema ${schemaPath} does not parse: ${firstSchemaError(error)}`, { cause: error });
  }
  const config = JSON.parse(wasm.get_config(JSON.stringify({ prismaSchema: files, datasourceOverrides: {}, ignoreEnvVarErrors: true, env: {} }))) as {
    config: { datasources: { activeProvider: string }[] };
  };
  const provider = config.config.datasources[0]?.activeProvider;
  if (!provider) throw new DbError(`the Prisma schema ${schemaPath} has no datasource block`);
  if (provider !== 'sqlite' && provider !== 'postgresql') {
    throw new DbError(`burrow db migrates sqlite and postgresql databases, not ${provider} (the datasource of ${schemaPath})`);
  }
  return { path: absolute, dir: stat.isDirectory() ? absolute : path.dirname(absolute), files, provider };
}

function folderFiles(dir: string): [string, string][] {
  const files: [string, string][] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory() && entry.name !== 'migrations' && entry.name !== 'node_modules') walk(full);
      else if (entry.isFile() && entry.name.endsWith('.prisma')) files.push([full, readFileSync(full, 'utf8')]);
    }
  };
  walk(dir);
  return files.sort(([a], [b]) => a.localeCompare(b));
}

/** The first error of the parser's report, with its file and line: `Error validating: ... (schema.prisma:3)`. */
function firstSchemaError(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  let message = raw;
  try {
    message = (JSON.parse(raw) as { message?: string }).message ?? raw;
  } catch {
    // not the JSON the parser throws: keep the text
  }
  const first = /error: (.*)\n\s*-->\s*(\S+)/.exec(message);
  if (!first) return oneLine(message);
  return `${first[1]} (${path.basename(first[2] ?? '')})`;
}

/**
 * The database URL the commands use: `url`, else `DATABASE_URL`. A SQLite `file:` path
 * that is relative is resolved from the schema's folder (as Prisma does), and the
 * result is `file:` plus an absolute path. A PostgreSQL URL is checked and returned as
 * given. Wrong or missing URLs are {@link DbError}s that never show the password.
 */
export function resolveDatabaseUrl(schema: Pick<LoadedSchema, 'dir' | 'provider'>, url: string | undefined = process.env.DATABASE_URL): string {
  if (!url) throw new DbError('no database URL: pass --url (url) or set DATABASE_URL');
  if (schema.provider === 'sqlite') {
    if (!url.startsWith('file:')) throw new DbError(`the schema's datasource is sqlite: the URL must start with file:, not ${redactUrl(url)}`);
    const file = sqlitePath(url, schema.dir);
    if (!file) throw new DbError(`bad SQLite URL ${url}: expected file:./dev.db or file:/absolute/path.db`);
    return `file:${file}`;
  }
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new DbError(`the schema's datasource is postgresql: the URL must start with postgresql:// or postgres://, not ${redactUrl(url)}`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DbError(`bad PostgreSQL URL ${redactUrl(url)}`);
  }
  if (!parsed.pathname.slice(1)) throw new DbError(`the PostgreSQL URL ${redactUrl(url)} names no database (postgresql://user@host:5432/<database>)`);
  return url;
}

/** The absolute path of a `file:` URL (query string dropped), relative paths from `baseDir`. */
export function sqlitePath(url: string, baseDir: string): string | undefined {
  let file = url.slice('file:'.length).replace(/\?.*$/, '');
  if (file.startsWith('//')) file = file.slice(2); // file:///abs/path
  if (!file || file === ':memory:') return undefined;
  return path.resolve(baseDir, decodeURIComponent(file));
}

/** The migrations folder: `migrations`, else `<schema folder>/migrations`. */
export function migrationsDir(schema: Pick<LoadedSchema, 'dir'>, migrations?: string): string {
  return migrations ? path.resolve(migrations) : path.join(schema.dir, 'migrations');
}

/** The default schema of `burrow db`: `prisma/schema.prisma` in `cwd`, if it exists. */
export function defaultSchema(cwd = process.cwd()): string | undefined {
  const candidate = path.join(cwd, 'prisma', 'schema.prisma');
  return existsSync(candidate) ? candidate : undefined;
}
