import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBurrowError } from 'burrowjs';
import { PrismaClient as PostgresClient } from '../../../example-app/generated/prisma/postgres/client.js';
import { prismaUsers } from '../../../plugins/auth/internal/stores/prisma-users.js';
import { openDatabase, PROVIDERS, type TestDatabase } from '../resources/harness.js';
import { createPostgresDatabase } from '../../helpers/databases.js';

// A well-formed hash; its value does not matter to the store (it is never verified here).
const HASH = 'scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';

describe.each(PROVIDERS)('prismaUsers (%s)', (provider) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openDatabase(provider);
  });
  afterAll(() => db?.close());

  const store = (extra: Partial<Parameters<typeof prismaUsers>[0]> = {}) =>
    prismaUsers({ prisma: db.prisma, defaults: (user) => ({ name: user.name.split('@')[0] }), ...extra });

  it('creates a user (the seeded admin) and finds it by name and by id, the id as text', async () => {
    const users = store();
    const before = await users.count();
    const created = await users.create({ name: 'admin@example.com', passwordHash: HASH, groups: ['admin'] });
    expect(created).toEqual({ id: expect.stringMatching(/^\d+$/), name: 'admin@example.com', passwordHash: HASH, groups: ['admin'] });
    expect(await users.count()).toBe(before + 1);
    expect(await users.findByName('admin@example.com')).toEqual(created);
    expect(await users.findById(created.id)).toEqual(created);
    const row = await db.prisma.user.findUnique({ where: { id: Number(created.id) } });
    expect(row).toMatchObject({ email: 'admin@example.com', name: 'admin', role: 'admin', passwordHash: HASH });
  });

  it('reads a user without a password hash as passwordHash null, and the enum role as one group', async () => {
    const row = await db.prisma.user.create({ data: { email: 'nopass@example.com', name: 'No Pass' } });
    expect(await store().findByName('nopass@example.com')).toEqual({ id: String(row.id), name: 'nopass@example.com', passwordHash: null, groups: ['member'] });
  });

  it('answers undefined for an unknown name or id', async () => {
    const users = store();
    expect(await users.findByName('nobody@example.com')).toBeUndefined();
    expect(await users.findByName('')).toBeUndefined();
    expect(await users.findById('999999')).toBeUndefined();
  });

  it('answers undefined, never a Prisma error, for an id that cannot be an Int', async () => {
    const users = store();
    for (const id of ['abc', '1.5', '1e3', ' 1', '', '99999999999', '-2147483649', '0x10']) {
      expect(await users.findById(id), id).toBeUndefined();
    }
  });

  it('finds by name case-sensitively, as the column compares', async () => {
    await store().create({ name: 'Case@example.com', passwordHash: HASH, groups: [] });
    expect(await store().findByName('Case@example.com')).toBeDefined();
    expect(await store().findByName('case@example.com')).toBeUndefined();
  });

  it('uses the fields named in options: login by `name`, groups as comma-separated text', async () => {
    const users = prismaUsers({ prisma: db.prisma, fields: { name: 'email', groups: 'name', passwordHash: 'passwordHash' } });
    const created = await users.create({ name: 'multi@example.com', passwordHash: null, groups: ['editor', 'viewer'] });
    expect(created.groups).toEqual(['editor', 'viewer']);
    expect((await db.prisma.user.findUnique({ where: { email: 'multi@example.com' } }))?.name).toBe('editor,viewer');
    await db.prisma.user.create({ data: { email: 'spaced@example.com', name: ' a , b ,, c ' } });
    expect((await users.findByName('spaced@example.com'))?.groups).toEqual(['a', 'b', 'c']);
  });

  it('has no groups when told the model has no groups field', async () => {
    const users = prismaUsers({ prisma: db.prisma, fields: { groups: null } });
    expect((await users.findByName('admin@example.com'))?.groups).toEqual([]);
  });

  it('refuses, when created, a model or a field the client does not have', () => {
    expect(() => prismaUsers({ prisma: db.prisma, model: 'Account' })).toThrow(/no model "Account"/);
    expect(() => prismaUsers({ prisma: db.prisma, fields: { passwordHash: 'password' } })).toThrow(/no field password/);
    expect(() => prismaUsers({ prisma: db.prisma, fields: { disabled: 'locked' } })).toThrow(/no field locked/);
  });
});

describe('prismaUsers on an unreachable database', () => {
  it('answers 503 BURROW_ERR_AUTH_STORE_UNAVAILABLE (store `user database`)', async () => {
    const prisma = new PostgresClient({ adapter: new PrismaPg({ connectionString: 'postgresql://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 1000 }) });
    const users = prismaUsers({ prisma, defaults: { name: 'X' } });
    for (const call of [() => users.findByName('a@b.c'), () => users.findById('1'), () => users.count(), () => users.create({ name: 'x@b.c', passwordHash: null, groups: [] })]) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isBurrowError(error), String(error)).toBe(true);
      expect(error).toMatchObject({ code: 'BURROW_ERR_AUTH_STORE_UNAVAILABLE', status: 503, headers: { 'retry-after': '5' } });
      expect((error as Error).message).toContain('user database');
    }
    await prisma.$disconnect();
  });
});

/**
 * A model unlike the example's: a BigInt id, groups in a `String[]` (PostgreSQL), a
 * `locked` flag. Its client is generated once into .burrow-cache (regenerated when the
 * schema or Prisma changes) and its table created by hand in a throwaway database.
 */
const ACCOUNT_SCHEMA = `generator client {
  provider     = "prisma-client"
  output       = "./generated"
  moduleFormat = "esm"
}
datasource db {
  provider = "postgresql"
}
model Account {
  id     BigInt   @id @default(autoincrement())
  login  String   @unique
  hash   String?
  roles  String[]
  locked Boolean  @default(false)
}
`;

async function accountClient(url: string) {
  const dir = path.resolve('.burrow-cache/test-prisma/auth-accounts');
  const prismaVersion = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('prisma/package.json'), 'utf8')).version;
  const stamp = createHash('sha256').update(prismaVersion).update(ACCOUNT_SCHEMA).digest('hex');
  if (!existsSync(path.join(dir, 'stamp')) || readFileSync(path.join(dir, 'stamp'), 'utf8') !== stamp) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'schema.prisma'), ACCOUNT_SCHEMA);
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'cli/burrow.ts', 'db', 'generate', '--schema', path.join(dir, 'schema.prisma')], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.stdout + run.stderr);
    writeFileSync(path.join(dir, 'stamp'), stamp);
  }
  const { PrismaClient } = (await import(/* @vite-ignore */ pathToFileURL(path.join(dir, 'generated/client.ts')).href)) as { PrismaClient: new (options: unknown) => any };
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
}

describe('prismaUsers on a BigInt id and a String[] groups field (postgres)', () => {
  let prisma: any;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await createPostgresDatabase();
    drop = db.drop;
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('CREATE TABLE "Account" (id BIGSERIAL PRIMARY KEY, login TEXT NOT NULL UNIQUE, hash TEXT, roles TEXT[], locked BOOLEAN NOT NULL DEFAULT false)');
    await client.end();
    prisma = await accountClient(db.url);
  }, 30_000);
  afterAll(async () => {
    await prisma?.$disconnect();
    await drop?.();
  });

  const store = () => prismaUsers({ prisma, model: 'Account', fields: { name: 'login', passwordHash: 'hash', groups: 'roles', disabled: 'locked' } });

  it('writes the groups as a list and reads them back, the BigInt id as text', async () => {
    const created = await store().create({ name: 'ada', passwordHash: HASH, groups: ['admin', 'member'] });
    expect(created).toEqual({ id: expect.stringMatching(/^\d+$/), name: 'ada', passwordHash: HASH, groups: ['admin', 'member'] });
    expect((await prisma.account.findUnique({ where: { login: 'ada' } })).roles).toEqual(['admin', 'member']);
    expect(await store().findById(created.id)).toEqual(created);
  });

  it('reads a BigInt id beyond 2^53 exactly, and answers undefined for text that is no BigInt', async () => {
    const big = 9007199254740993n;
    await prisma.account.create({ data: { id: big, login: 'big', roles: [] } });
    expect((await store().findById(String(big)))?.name).toBe('big');
    for (const id of ['big', '1.0', '99999999999999999999', '']) expect(await store().findById(id), id).toBeUndefined();
  });

  it('reads the disabled flag', async () => {
    await prisma.account.create({ data: { login: 'gone', roles: ['member'], locked: true } });
    expect(await store().findByName('gone')).toMatchObject({ disabled: true, passwordHash: null, groups: ['member'] });
    expect((await store().findByName('ada'))?.disabled).toBeUndefined();
  });

  it('takes the list format as given, without probing', async () => {
    const users = prismaUsers({ prisma, model: 'Account', fields: { name: 'login', passwordHash: 'hash', groups: 'roles' }, groupsFormat: 'list' });
    expect((await users.create({ name: 'bob', passwordHash: null, groups: ['member'] })).groups).toEqual(['member']);
  });
});
