/**
 * The files a new user writes to serve a Prisma model with the resources plugin,
 * following plugins/resources/README.md and cli/db/README.md.
 */

/** A tiny model. Prisma 7: the `prisma-client` generator, no `url` in the datasource. */
export const SCHEMA = `generator client {
  provider     = "prisma-client"
  output       = "../generated/prisma"
  moduleFormat = "esm"
}

datasource db {
  provider = "sqlite"
}

model Note {
  id        Int      @id @default(autoincrement())
  title     String
  done      Boolean  @default(false)
  createdAt DateTime @default(now())
}
`;

/**
 * The root document: what \`burrow init\` writes at the top (a license, servers, an
 * explicit \`security: []\`: Redocly's recommended rules want them), then the snippet
 * that \`burrow scaffold resource\` prints, pasted as it is.
 */
export function rootDocument(scaffoldOutput: string): string {
  const at = scaffoldOutput.search(/^paths:$/m);
  if (at < 0) throw new Error(`burrow scaffold printed no paths: snippet:\n${scaffoldOutput}`);
  return `openapi: 3.1.0
info:
  title: Notes
  version: 1.0.0
  license:
    name: MIT
    identifier: MIT
servers:
  - url: /
# No authentication in this example: say so explicitly.
security: []
${scaffoldOutput.slice(at)}`;
}

/**
 * The server, in TypeScript: Prisma 7's \`prisma-client\` generator emits only \`.ts\`
 * files (client.ts, models/*.ts, importing each other with \`.ts\` extensions), and
 * Node 20 cannot run TypeScript by itself. A plain-JS app would have to compile the
 * generated client anyway, so the simplest thing a user does is what Prisma's own
 * guides do: write the app in TypeScript and run it with tsx (\`node --import tsx\`).
 *
 * It is the README's example with one change: the README passes the same relative
 * \`file:./dev.db\` to \`migrateDeploy\` (resolved from the schema's folder, as Prisma's
 * CLI does: prisma/dev.db) and to \`PrismaLibSql\` (resolved from the working
 * directory: ./dev.db, an empty database). \`resolveDatabaseUrl\` gives both the same file.
 */
export const SERVER = `import { createKernel } from 'burrowjs';
import { listen } from 'burrowjs/express';
import { resources } from 'burrowjs/plugins/resources';
import { migrateDeploy, resolveDatabaseUrl } from 'burrowjs/db';
import { PrismaLibSql } from '@prisma/adapter-libsql';
import { PrismaClient } from './generated/prisma/client.js';

const schema = 'prisma/schema.prisma';
// file:./dev.db is prisma/dev.db, as for \`burrow db\` and Prisma's CLI.
const url = resolveDatabaseUrl({ dir: 'prisma', provider: 'sqlite' }, process.env.DATABASE_URL ?? 'file:./dev.db');
await migrateDeploy({ schema, url }); // no native engine needed
const prisma = new PrismaClient({ adapter: new PrismaLibSql({ url }) });
const kernel = await createKernel({ contract: 'openapi/api.yaml', plugins: [resources({ prisma, schema })] });
const { url: base } = await listen(kernel, { port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
console.log(\`Notes API on \${base}\`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void kernel.close().then(() => process.exit(0)));
}
`;

/**
 * Types of the three subpaths, used as an app would; the \`@ts-expect-error\` lines
 * fail the compile if the declarations resolved to \`any\` (a missing .d.ts would).
 */
export const TYPES = `import { createKernel, type Kernel } from 'burrowjs';
import { expressMiddleware, listen, type ExpressMiddleware } from 'burrowjs/express';
import { resources, type ModelHooks, type ResourcesOptions } from 'burrowjs/plugins/resources';
import { migrateStatus, type MigrateStatusResult } from 'burrowjs/db';
import type { PrismaClient } from './generated/prisma/client.js';

export const hooks: ModelHooks = {
  beforeWrite(event) {
    if (event.data?.['title'] === 'nope') event.reject('titles may not be nope', [{ field: 'title', message: 'is nope' }]);
  },
};

export function options(prisma: PrismaClient): ResourcesOptions {
  return { prisma, hooks: { Note: hooks }, page: { default: 10, max: 50 } };
}

export async function boot(prisma: PrismaClient): Promise<Kernel> {
  const kernel = await createKernel({ contract: 'openapi/api.yaml', plugins: [resources(options(prisma))] });
  const middleware: ExpressMiddleware = expressMiddleware(kernel);
  void middleware;
  const { url }: { url: string } = await listen(kernel, { port: 0 });
  void url;
  return kernel;
}

export async function upToDate(): Promise<boolean> {
  const status: MigrateStatusResult = await migrateStatus({ schema: 'prisma/schema.prisma' });
  return status.upToDate;
}

// @ts-expect-error -- page sizes are numbers
export const wrongPage: ResourcesOptions = { prisma: {} as PrismaClient, page: { max: 'many' } };
// @ts-expect-error -- createKernel takes options, not a path
void createKernel('openapi/api.yaml');
`;

export const TSCONFIG = JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      // The generated Prisma client imports its own files with \`.ts\` extensions.
      allowImportingTsExtensions: true,
      skipLibCheck: true,
      types: ['node'],
    },
    include: ['server.ts', 'types.ts'],
  },
  null,
  2,
);
