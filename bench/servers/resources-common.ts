/**
 * What the two servers of the resources benchmark (bench/resources.ts) share: their
 * options (`--provider sqlite|postgres --url <database URL>`), and the Prisma client —
 * the example's generated client for the provider, through the same driver adapter
 * (`@prisma/adapter-libsql` for a `file:` URL, `@prisma/adapter-pg` for PostgreSQL, its
 * default pool of 10 connections), no query logging.
 *
 * Both servers run under tsx (`node --conditions=burrowjs-source --import tsx`): the
 * generated client and the plugin's `burrowjs` imports are TypeScript sources.
 */
import { PrismaLibSql } from '@prisma/adapter-libsql';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as SqliteClient } from '../../example-app/generated/prisma/sqlite/client.js';
import { PrismaClient as PostgresClient } from '../../example-app/generated/prisma/postgres/client.js';
import { args } from '../lib/server-common.js';

export type Provider = 'sqlite' | 'postgres';
/** One type for both clients (they differ only in the type of Task.id: Int on SQLite, BigInt on PostgreSQL). */
export type AnyPrisma = InstanceType<typeof SqliteClient>;

export interface ServerOptions {
  provider: Provider;
  url: string;
  /** The Prisma schema the client was generated from (the plugin reads it). */
  schema: string;
}

export function serverOptions(): ServerOptions {
  const a = args();
  const provider = a.provider as Provider;
  if (provider !== 'sqlite' && provider !== 'postgres') throw new Error('--provider sqlite|postgres is required');
  if (!a.url) throw new Error('--url is required');
  return { provider, url: a.url, schema: `prisma/${provider}/schema.prisma` };
}

export function openPrisma(provider: Provider, url: string): AnyPrisma {
  return (provider === 'sqlite' ? new SqliteClient({ adapter: new PrismaLibSql({ url }) }) : new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) })) as AnyPrisma;
}
