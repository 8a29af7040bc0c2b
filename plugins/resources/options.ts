import type { Datamodel } from './internal/datamodel.js';
import type { BatchItemCheck, ModelHooks, PrismaLike } from './internal/runtime.js';

/** The options of the resources plugin. */
export interface ResourcesOptions {
  /** Your PrismaClient (your schema, your generated client, your driver adapter). */
  prisma: unknown;
  /**
   * The Prisma schema the client was generated from: a `schema.prisma` file or a folder
   * of `.prisma` files. Default `prisma/schema.prisma`. Read at boot (about 20 ms) to
   * match the contract's schemas to the models.
   */
  schema?: string;
  /** The data model itself, instead of `schema` (tests, bundled apps). */
  datamodel?: Datamodel;
  /** Write hooks by model name: `{ Task: { beforeWrite, afterWrite } }`. */
  hooks?: Record<string, ModelHooks>;
  /**
   * Called for each item of a batch before it runs: return `false` (or throw) to refuse
   * it (403 for that item; an all-or-nothing batch is then rolled back).
   */
  authorizeBatchItem?: (item: BatchItemCheck) => boolean | void | Promise<boolean | void>;
  /** Page sizes when a binding sets none: `default` 20, `max` 100. */
  page?: { default?: number; max?: number };
  /** The most items of a batch when its binding sets none (1000). */
  batchMaxItems?: number;
  /** Disconnect the client when the kernel closes (default true). */
  disconnectOnClose?: boolean;
}

/** The options after defaults. */
export interface ResolvedResourcesOptions {
  prisma: PrismaLike;
  schema: string;
  datamodel?: Datamodel;
  hooks: Record<string, ModelHooks>;
  authorizeBatchItem?: ResourcesOptions['authorizeBatchItem'];
  page: { default: number; max: number };
  batchMaxItems: number;
  disconnectOnClose: boolean;
}

/** Checks the options (a plugin's options parser: throws on bad input). */
export function parseResourcesOptions(input: ResourcesOptions | undefined): ResolvedResourcesOptions {
  if (!input || typeof input !== 'object') throw new Error('options are required: resources({ prisma, schema })');
  const prisma = input.prisma as PrismaLike | undefined;
  if (!prisma || typeof prisma !== 'object' || typeof prisma.$transaction !== 'function') {
    throw new Error('prisma must be your PrismaClient (an object with $transaction)');
  }
  const page = { default: input.page?.default ?? 20, max: input.page?.max ?? 100 };
  for (const [name, value] of Object.entries(page)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`page.${name} must be a positive integer`);
  }
  if (page.default > page.max) throw new Error(`page.default (${page.default}) is over page.max (${page.max})`);
  const batchMaxItems = input.batchMaxItems ?? 1000;
  if (!Number.isInteger(batchMaxItems) || batchMaxItems < 1) throw new Error('batchMaxItems must be a positive integer');
  for (const [model, hooks] of Object.entries(input.hooks ?? {})) {
    for (const [name, hook] of Object.entries(hooks ?? {})) {
      if (name !== 'beforeWrite' && name !== 'afterWrite') throw new Error(`hooks.${model}.${name}: the hooks are beforeWrite and afterWrite`);
      if (typeof hook !== 'function') throw new Error(`hooks.${model}.${name} must be a function`);
    }
  }
  return {
    prisma,
    schema: input.schema ?? 'prisma/schema.prisma',
    ...(input.datamodel ? { datamodel: input.datamodel } : {}),
    hooks: input.hooks ?? {},
    ...(input.authorizeBatchItem ? { authorizeBatchItem: input.authorizeBatchItem } : {}),
    page,
    batchMaxItems,
    disconnectOnClose: input.disconnectOnClose ?? true,
  };
}
