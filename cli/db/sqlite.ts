/** The SQLite side of `burrow db`: `@prisma/adapter-libsql` over a `file:` database. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { requireFromProject } from './resolve.js';

interface LibSqlModule {
  PrismaLibSql: new (config: { url: string }) => SqlMigrationAwareDriverAdapterFactory;
}

/**
 * A migration-aware factory over the SQLite file of `url` (`file:` + absolute path; the
 * folder is created, the file is created on first use). The shadow database is the
 * adapter's in-memory one, made to run whole scripts: the engine replays each migration
 * on the shadow with one arg-less `executeRaw`, and libsql's `execute` runs only the first
 * statement of a script (better-sqlite3 throws), so those calls go to `executeScript`.
 */
export function sqliteFactory(url: string, projectDirs: string[]): SqlMigrationAwareDriverAdapterFactory {
  const { PrismaLibSql } = requireFromProject<LibSqlModule>('@prisma/adapter-libsql', projectDirs, '@prisma/adapter-libsql @libsql/client');
  mkdirSync(path.dirname(url.slice('file:'.length)), { recursive: true });
  const factory = new PrismaLibSql({ url });
  return {
    provider: 'sqlite',
    adapterName: factory.adapterName,
    connect: () => factory.connect(),
    connectToShadowDb: async () => runsScripts(await factory.connectToShadowDb()),
  };
}

function runsScripts(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    if (query.args.length) return executeRaw(query);
    await adapter.executeScript(query.sql);
    return 0;
  };
  return adapter;
}
