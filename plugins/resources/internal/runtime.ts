/** What every bound action shares: the user's client, the data model, hooks and the kernel's bus. */
import type { EventBus, Guard, RequestContext, ValidationIssue } from 'burrowjs';
import type { Datamodel, Model } from './datamodel.js';
import type { PrismaNulls } from './codec.js';

/** A Prisma model delegate (`prisma.task`), as the plugin calls it. */
export interface Delegate {
  findFirst(args: object): Promise<Record<string, unknown> | null>;
  findMany(args: object): Promise<Record<string, unknown>[]>;
  count(args: object): Promise<number>;
  create(args: object): Promise<Record<string, unknown>>;
  createManyAndReturn?(args: object): Promise<Record<string, unknown>[]>;
  update(args: object): Promise<Record<string, unknown>>;
  delete(args: object): Promise<Record<string, unknown>>;
}

/** The user's PrismaClient (or a transaction client), seen through what the plugin uses. */
export interface PrismaLike {
  $transaction(fn: (tx: PrismaLike) => Promise<unknown>, options?: { maxWait?: number; timeout?: number; isolationLevel?: string }): Promise<unknown>;
  [delegate: string]: unknown;
}

/** The writes a hook sees. */
export type WriteAction = 'create' | 'replace' | 'patch' | 'delete';

/** One field at fault, as a before-write hook reports it. */
export interface FieldError {
  /** The field (a body property name) or a JSON pointer into the body (`/title`). */
  field: string;
  message: string;
}

/** What a write hook receives. */
export interface WriteHookEvent {
  model: string;
  action: WriteAction;
  operationId: string;
  /** The record's id (Prisma value); absent before a create. */
  id?: unknown;
  /** The data about to be written (Prisma values): a before-hook may change it or return new data. */
  data?: Record<string, unknown>;
  /** The record as it is before the write (replace, patch, delete), when it was read. */
  current?: Record<string, unknown>;
  /** The record written (after-hooks of create, replace, patch). */
  record?: Record<string, unknown>;
  /** The request (for a batch item: the batch request). */
  ctx: RequestContext;
  /** The transaction client: writes made through it commit or roll back with this write. */
  tx: PrismaLike;
  /** Refuses the write: 422 problem+json with the reason and the fields at fault. */
  reject(reason: string, errors?: FieldError[]): never;
}

/** Hooks of one model: before each write (may change the data or reject), after each write (same transaction). */
export interface ModelHooks {
  beforeWrite?(event: WriteHookEvent): void | Record<string, unknown> | Promise<void | Record<string, unknown>>;
  afterWrite?(event: WriteHookEvent): void | Promise<void>;
}

/** A batch item about to run, for the authorization hook. */
export interface BatchItemCheck {
  index: number;
  operationId: string;
  model: string;
  action: WriteAction;
  params: Record<string, unknown>;
  body: unknown;
  ctx: RequestContext;
}

/** The payload of `resource.created`, `resource.updated` and `resource.deleted`. */
export interface ResourceChange {
  model: string;
  /** The record's id as the wire writes it (a string). */
  id: string;
  /** The fields the write set (body fields; for a delete, empty). */
  changed: string[];
  /** `ctx.principal` of the request that wrote. */
  principal: unknown;
  operationId: string;
  requestId: string;
}

/** Shared by every action of one plugin instance. */
export interface Runtime {
  prisma: PrismaLike;
  datamodel: Datamodel;
  models: Map<string, Model>;
  nulls: PrismaNulls | undefined;
  hooks: Record<string, ModelHooks>;
  events: EventBus;
  authorizeBatchItem?: (item: BatchItemCheck) => boolean | void | Promise<boolean | void>;
  /**
   * The kernel's access guards (`kernel.guards`), read at the first bind: every plugin's
   * setup has run by then. Operations decide at bind time whether they ask them.
   */
  guards: () => readonly Guard[];
  /** The first bound `get` operation of each model: whose record rules say which parents of a nested route the caller may see. */
  readers: Map<string, string>;
  /** `get` operations by model: the Location of what a create made. */
  getters: Map<string, { path: string; idParam: string }[]>;
  /** A read view of each model (from its get or list): what a count filters on. */
  readViews: Map<string, import('./binding.js').ResourceView>;
  /** Bound write operations by operationId (the batch runs them). */
  writes: Map<string, BoundWrite>;
  /** Checks run once every operation is bound (they return boot problems). */
  finishers: (() => string[])[];
  /** Page sizes when the binding sets none. */
  page: { default: number; max: number };
  /** The most items of a batch when the binding sets none. */
  batchMax: number;
}

/** A write operation the batch can run in its own transaction. */
export interface BoundWrite {
  operationId: string;
  model: string;
  action: WriteAction;
  /** Runs the write with `tx`, without the request's validation (the batch validates each item). */
  run(input: WriteInput, tx: PrismaLike): Promise<WriteOutcome>;
  /**
   * Creates several records in one statement (`createManyAndReturn`), when the write is
   * a create that nothing per-item needs (no hooks, no relation to connect); `undefined`
   * when it cannot: the batch then runs the items one by one.
   */
  runMany?(inputs: WriteInput[], tx: PrismaLike, bodies: boolean): Promise<WriteOutcome[] | undefined>;
  /** Validates the body of an item against the operation's body schema; returns the issues (empty: valid). */
  validate(params: Record<string, unknown>, body: unknown): { params: Record<string, unknown>; body: unknown; issues: readonly ValidationIssue[] };
}

/** The inputs of one write. */
export interface WriteInput {
  ctx: RequestContext;
  params: Record<string, unknown>;
  body: unknown;
  ifMatch: string[];
}

/** What a write did, for the reply and the event. */
export interface WriteOutcome {
  status: number;
  /** The record's id as the wire writes it. */
  id: string;
  body?: unknown;
  headers: Record<string, string>;
  event?: { name: 'resource.created' | 'resource.updated' | 'resource.deleted'; change: ResourceChange };
}

/** The delegate of a model on a client or transaction client. */
export function delegateOf(client: PrismaLike, model: string): Delegate {
  return client[model.charAt(0).toLowerCase() + model.slice(1)] as Delegate;
}

declare module 'burrowjs' {
  interface BurrowEvents {
    /** A bound create committed. */
    'resource.created': ResourceChange;
    /** A bound replace or patch committed. */
    'resource.updated': ResourceChange;
    /** A bound delete committed. */
    'resource.deleted': ResourceChange;
  }
}
