/**
 * A database for the resources plugin's tests: SQLite (a temp file) or PostgreSQL (a
 * database created for the run and dropped after), migrated with the example's
 * migrations, a client of the matching generated Prisma client, and a kernel over the
 * fixture contract.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PrismaLibSql } from '@prisma/adapter-libsql';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as SqliteClient } from '../../../example-app/generated/prisma/sqlite/client.js';
import { PrismaClient as PostgresClient } from '../../../example-app/generated/prisma/postgres/client.js';
import { createKernel, type Kernel, type KernelOptions } from '../../../core/index.js';
import { resources, type ResourcesOptions } from '../../../plugins/resources/index.js';
import { createPostgresDatabase, deployExample } from '../../helpers/databases.js';

export const PROVIDERS = ['sqlite', 'postgres'] as const;
export type Provider = (typeof PROVIDERS)[number];
export const FIXTURE_CONTRACT = 'test/fixtures/resources/api.yaml';
export const SCHEMAS: Record<Provider, string> = { sqlite: 'prisma/sqlite/schema.prisma', postgres: 'prisma/postgres/schema.prisma' };

/** One migrated database with a Prisma client (queries counted), for one test file. */
export interface TestDatabase {
  provider: Provider;
  url: string;
  prisma: InstanceType<typeof SqliteClient>;
  /** Queries sent since the last `resetQueries()`. */
  queries: string[];
  resetQueries(): void;
  close(): Promise<void>;
}

export async function openDatabase(provider: Provider): Promise<TestDatabase> {
  let url: string;
  let drop: () => Promise<void>;
  if (provider === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'burrow-resources-'));
    url = `file:${path.join(dir, 'test.db')}`;
    drop = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const created = await createPostgresDatabase();
    url = created.url;
    drop = created.drop;
  }
  await deployExample(provider, url);
  const queries: string[] = [];
  const log = [{ emit: 'event', level: 'query' }] as const;
  const prisma = (
    provider === 'sqlite'
      ? new SqliteClient({ adapter: new PrismaLibSql({ url }), log: [...log] })
      : new PostgresClient({ adapter: new PrismaPg({ connectionString: url }), log: [...log] })
  ) as InstanceType<typeof SqliteClient>;
  (prisma as unknown as { $on(event: 'query', fn: (e: { query: string }) => void): void }).$on('query', (e) => queries.push(e.query));
  return {
    provider,
    url,
    prisma,
    queries,
    resetQueries: () => void (queries.length = 0),
    close: async () => {
      await prisma.$disconnect();
      await drop();
    },
  };
}

/** A kernel over the fixture contract (or another), with the resources plugin on the database. */
export function resourceKernel(db: TestDatabase, options: Partial<ResourcesOptions> = {}, kernel: Partial<KernelOptions> = {}): Promise<Kernel> {
  return createKernel({
    contract: FIXTURE_CONTRACT,
    logger: { level: 'silent' },
    contractCache: false,
    plugins: [resources({ prisma: db.prisma, schema: SCHEMAS[db.provider], disconnectOnClose: false, ...options })],
    ...kernel,
  });
}

/** Empties every table (children first) and seeds one user and one project; returns their ids. */
export async function reset(db: TestDatabase): Promise<{ userId: number; projectId: number }> {
  const p = db.prisma;
  await p.comment.deleteMany();
  await p.task.deleteMany();
  await p.tag.deleteMany();
  await p.project.deleteMany();
  await p.user.deleteMany();
  const user = await p.user.create({ data: { email: 'ada@example.com', name: 'Ada', passwordHash: 'scrypt$secret' } });
  const project = await p.project.create({ data: { name: 'Burrow', ownerId: user.id } });
  return { userId: user.id, projectId: project.id };
}
