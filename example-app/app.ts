import { fileURLToPath } from 'node:url';
import { createKernel, type KernelOptions } from 'burrowjs';
import { openapiDocs } from 'burrowjs/plugins/openapi-docs';
import { resources } from 'burrowjs/plugins/resources';
import { createPrismaClient, resolveDatabase, SCHEMAS, type Provider } from './db.js';

/** The example's contract file. */
export const CONTRACT = fileURLToPath(new URL('./openapi/api.yaml', import.meta.url));

/** Options of {@link createExampleKernel}: the database, and any kernel option. */
export interface ExampleKernelOptions extends Partial<KernelOptions> {
  /**
   * The Prisma client to serve from (the example's generated client of `provider`).
   * Default: a client of the database `DATABASE_URL` names (see `db.ts`), as it is:
   * not migrated nor seeded (`prepareDatabase()` does that). The kernel disconnects
   * it when it closes.
   */
  prisma?: unknown;
  /** The provider of `prisma` (which Prisma schema it was generated from). Default: the provider of `DATABASE_URL`. */
  provider?: Provider;
}

/**
 * Boots the example app's kernel: the contract, served by the resources plugin from the
 * Prisma models (no handler code), and the `openapi-docs` plugin. Tests call it with
 * their own client and logger; `server.ts` calls it to serve.
 */
export async function createExampleKernel(options: ExampleKernelOptions = {}) {
  const { prisma, provider, plugins = [], ...rest } = options;
  const database = prisma && provider ? undefined : resolveDatabase();
  const chosen = provider ?? database!.provider;
  return createKernel({
    contract: CONTRACT,
    ...rest,
    plugins: [openapiDocs(), resources({ prisma: prisma ?? createPrismaClient(database!), schema: SCHEMAS[chosen] }), ...plugins],
  });
}
