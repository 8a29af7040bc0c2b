/**
 * The batch action: one request carries writes across resources, each naming one of
 * the bound write operations the contract lists for the batch. All or nothing by
 * default (one transaction); per-item statuses in the answer; each item authorized by
 * the kernel's access guards (as its own operation) and the plugin's hook. Each item's
 * write applies its operation's record conditions itself. Consecutive creates of one operation are inserted in one statement.
 */
import { checkAccess, coreError, isBurrowError, type BindResult, type CompiledOperation, type Guard, type RawHandler, type RequestContext } from 'burrowjs';
import type { ResourceBinding } from './binding.js';
import { describe, successSchema } from './contract.js';
import { resourceErrors } from './errors.js';
import { parseEntityTags } from './etag.js';
import type { Runtime, WriteInput, WriteOutcome } from './runtime.js';

/** One item of a batch request. */
interface BatchItem {
  operationId: string;
  params?: Record<string, unknown>;
  body?: unknown;
  ifMatch?: string;
}

/** The result of one item. */
export interface BatchItemResult {
  status: number;
  /** The id of the record written. */
  id?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** For a failed item: its problem code and detail (and `errors` for a 400/422). */
  code?: string;
  detail?: string;
  errors?: unknown[];
}

type PendingBatch = { op: CompiledOperation; binding: ResourceBinding; where: string };

/** Registers a batch operation; its allowed operations are checked once every operation is bound. */
export function compileBatch(input: PendingBatch & { runtime: Runtime; batches: PendingBatch[] }): BindResult {
  const { op, binding, runtime } = input;
  if (!binding.batch) return { problems: [`${input.where}: a batch lists the operations its items may name (x-burrow-resource.batch.operations)`] };
  const success = successSchema(op, ['200']);
  if (!success) return { problems: [`${describe(op)}: a batch answers 200 with the status of each item`] };
  input.batches.push({ op, binding, where: input.where });
  const allowed = new Set(binding.batch.operations);
  const max = binding.batch.maxItems ?? runtime.batchMax;
  const atomic = binding.batch.atomic ?? true;
  const asArray = success.schema?.type === 'array';
  // The pipeline authorized the batch operation; each item is another operation, asked of the guards on its own.
  const guards = runtime.guards().filter((guard) => guard.operation);
  const handler: RawHandler = async (ctx) => {
    const items = (Array.isArray(ctx.body) ? ctx.body : (ctx.body as { items?: unknown[] } | undefined)?.items ?? []) as BatchItem[];
    if (items.length > max) throw resourceErrors.create('BURROW_ERR_BATCH_TOO_LARGE', { count: items.length, max });
    items.forEach((item, index) => {
      if (!allowed.has(item.operationId) || !runtime.writes.has(item.operationId)) {
        throw resourceErrors.create('BURROW_ERR_BATCH_OPERATION_UNKNOWN', { index, operationId: String(item.operationId), operations: [...allowed].join(', ') });
      }
    });
    const bodies = binding.batch!.bodies ?? false;
    const run = { runtime, ctx, items, bodies, guards };
    const results = atomic ? await runAtomic(run) : await runEach(run);
    return { status: 200, body: asArray ? results : { items: results } };
  };
  return { handler };
}

/** The problems of every batch: an allowed operation that is not a bound write. */
export function checkBatches(runtime: Runtime, batches: PendingBatch[]): string[] {
  const problems: string[] = [];
  for (const { binding, where } of batches) {
    for (const id of binding.batch!.operations) {
      if (!runtime.writes.has(id)) problems.push(`${where}/batch/operations: ${id} is not an operation bound to a resource create, replace, patch or delete`);
    }
  }
  return problems;
}

function failure(error: unknown): BatchItemResult {
  if (!isBurrowError(error)) throw error;
  return { status: error.status, code: error.code, detail: error.detail, ...(error.errors ? { errors: error.errors } : {}) };
}

function success(outcome: WriteOutcome, bodies: boolean): BatchItemResult {
  return { status: outcome.status, id: outcome.id, ...(bodies && outcome.body !== undefined ? { body: outcome.body } : {}), headers: outcome.headers };
}

/** One batch request, as its items run. */
interface BatchRun {
  runtime: Runtime;
  ctx: RequestContext;
  items: BatchItem[];
  bodies: boolean;
  /** The kernel's guards that authorize operations (empty: none to ask). */
  guards: readonly Guard[];
}

/** Authorizes and validates one item; returns the write's input. */
async function prepare({ runtime, ctx, guards }: BatchRun, item: BatchItem, index: number): Promise<WriteInput> {
  const write = runtime.writes.get(item.operationId)!;
  // Before validation: a caller who may not run the operation learns nothing of its schema.
  if (guards.length) await checkAccess(guards, ctx, { operationId: item.operationId, resource: { model: write.model, action: write.action } });
  const checked = write.validate(item.params ?? {}, item.body);
  if (checked.issues.length) {
    throw coreError('BURROW_ERR_REQUEST_VALIDATION', { operationId: item.operationId, count: checked.issues.length }, { errors: [...checked.issues] });
  }
  if (runtime.authorizeBatchItem) {
    const allowed = await runtime.authorizeBatchItem({ index, operationId: item.operationId, model: write.model, action: write.action, params: checked.params, body: checked.body, ctx });
    if (allowed === false) throw coreError('BURROW_ERR_AUTH_FORBIDDEN', { reasons: `batch item ${index} (${item.operationId}) is not allowed` });
  }
  return { ctx, params: checked.params, body: checked.body, ifMatch: parseEntityTags(item.ifMatch) };
}

/** All or nothing: every item in one transaction; the first failure rolls everything back. */
async function runAtomic(run: BatchRun): Promise<BatchItemResult[]> {
  const { runtime, items, bodies } = run;
  const outcomes: WriteOutcome[] = [];
  let failed: { index: number; error: unknown } | undefined;
  const inputs: WriteInput[] = [];
  for (const [index, item] of items.entries()) {
    try {
      inputs.push(await prepare(run, item, index));
    } catch (error) {
      failed = { index, error };
      break;
    }
  }
  if (!failed) {
    try {
      await runtime.prisma.$transaction(
        async (tx) => {
          let index = 0;
          while (index < items.length) {
            const write = runtime.writes.get(items[index]!.operationId)!;
            // A run of creates of one operation: one statement when the write allows it.
            let end = index + 1;
            while (write.runMany && end < items.length && items[end]!.operationId === items[index]!.operationId) end++;
            const many = end - index > 1 ? await write.runMany!(inputs.slice(index, end), tx, bodies).catch((error: unknown) => {
              failed = { index, error };
              throw error;
            }) : undefined;
            if (many) {
              outcomes.push(...many);
              index = end;
              continue;
            }
            try {
              outcomes.push(await write.run(inputs[index]!, tx));
            } catch (error) {
              failed = { index, error };
              throw error;
            }
            index++;
          }
        },
        { timeout: 120_000, maxWait: 10_000 },
      );
    } catch (error) {
      if (!failed) throw error;
    }
  }
  if (failed) {
    const item = failure(failed.error);
    const results = items.map((_, i): BatchItemResult => (i === failed!.index ? item : { status: 424, detail: 'not run: the batch was rolled back' }));
    throw resourceErrors.create(
      'BURROW_ERR_BATCH_FAILED',
      { index: failed.index, operationId: items[failed.index]!.operationId, status: item.status, code: item.code ?? 'unknown' },
      { extensions: { items: results } },
    );
  }
  // After the commit only.
  for (const outcome of outcomes) if (outcome.event) runtime.events.emit(outcome.event.name, outcome.event.change);
  return outcomes.map((outcome) => success(outcome, bodies));
}

/** Each item on its own: the ones that fail do not undo the others. */
async function runEach(run: BatchRun): Promise<BatchItemResult[]> {
  const { runtime, items, bodies } = run;
  const results: BatchItemResult[] = [];
  for (const [index, item] of items.entries()) {
    try {
      const input = await prepare(run, item, index);
      const write = runtime.writes.get(item.operationId)!;
      const outcome = (await runtime.prisma.$transaction((tx) => write.run(input, tx))) as WriteOutcome;
      if (outcome.event) runtime.events.emit(outcome.event.name, outcome.event.change);
      results.push(success(outcome, bodies));
    } catch (error) {
      results.push(failure(error));
    }
  }
  return results;
}
