import { createRequire } from 'node:module';
import path from 'node:path';
import { definePlugin, type Guard } from 'burrowjs';
import { parseResourcesOptions, type ResolvedResourcesOptions, type ResourcesOptions } from './options.js';
import { readDatamodel } from './internal/datamodel.js';
import { resourceErrors } from './internal/errors.js';
import { resourceBinder } from './internal/bind.js';
import type { PrismaNulls } from './internal/codec.js';
import type { Runtime } from './internal/runtime.js';

export type { ResourcesOptions, ResolvedResourcesOptions } from './options.js';
export type { ResourceBinding, ResourceAction, QueryBinding, FilterOperator } from './internal/binding.js';
export type { Datamodel, Model, ModelField, ModelEnum } from './internal/datamodel.js';
export type { ModelHooks, WriteHookEvent, WriteAction, FieldError, BatchItemCheck, ResourceChange, PrismaLike } from './internal/runtime.js';
export { readDatamodel } from './internal/datamodel.js';
export { resourceErrors } from './internal/errors.js';

/**
 * Serves Prisma models through the operations the contract binds with
 * `x-burrow-resource: { model, action }`: list (filters, sort, paging, select,
 * include, count), get (ETag, 304), create (201 + Location), replace, patch and
 * delete (If-Match → 412), count and batch (one transaction). Only what the
 * contract's schemas declare is read or written; a schema that disagrees with its
 * model stops the boot, listing every disagreement.
 *
 * @example
 * import { PrismaClient } from './generated/prisma/client.js'
 * import { PrismaLibSql } from '@prisma/adapter-libsql'
 * const prisma = new PrismaClient({ adapter: new PrismaLibSql({ url: 'file:./dev.db' }) })
 * const kernel = await createKernel({ contract: 'openapi/api.yaml', plugins: [resources({ prisma, schema: 'prisma/schema.prisma' })] })
 */
export const resources = definePlugin<ResolvedResourcesOptions, ResourcesOptions>({
  name: 'resources',
  options: parseResourcesOptions,
  setup(kernel, options) {
    kernel.errors.addFamily(resourceErrors);
    const datamodel = options.datamodel ?? readDatamodel(path.resolve(options.schema));
    let guards: Guard[] | undefined;
    const runtime: Runtime = {
      prisma: options.prisma,
      datamodel,
      models: new Map(datamodel.models.map((m) => [m.name, m])),
      nulls: prismaNulls(),
      hooks: options.hooks,
      events: kernel.events,
      ...(options.authorizeBatchItem ? { authorizeBatchItem: options.authorizeBatchItem } : {}),
      // Binders run after every plugin's setup: the guards are all registered by the first bind.
      guards: () => (guards ??= kernel.guards.entries().map(([, guard]) => guard)),
      getters: new Map(),
      readers: new Map(),
      writes: new Map(),
      readViews: new Map(),
      finishers: [],
      page: options.page,
      batchMax: options.batchMaxItems,
    };
    kernel.extensions.add('x-burrow-resource', resourceBinder(runtime));
    kernel.health.add('database', async () => {
      await (options.prisma as unknown as { $queryRawUnsafe(sql: string): Promise<unknown> }).$queryRawUnsafe('SELECT 1');
    });
    if (options.disconnectOnClose) {
      return async () => {
        await (options.prisma as unknown as { $disconnect?(): Promise<void> }).$disconnect?.();
      };
    }
  },
});

/** Prisma's `DbNull` (to write null into a Json column), from the @prisma/client the app uses. */
function prismaNulls(): PrismaNulls | undefined {
  for (const base of [path.join(process.cwd(), 'package.json'), import.meta.url]) {
    try {
      const runtime = createRequire(base)('@prisma/client/runtime/client') as { DbNull?: unknown };
      if (runtime.DbNull) return { DbNull: runtime.DbNull };
    } catch {
      // Not installed there: try the next place.
    }
  }
  return undefined;
}

export default resources;
