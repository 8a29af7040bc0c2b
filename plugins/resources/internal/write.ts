/** The write actions of a resource: create, replace (PUT), patch and delete. */
import { coreError, validateBody, type CompiledOperation, type RawHandler, type RequestContext } from 'burrowjs';
import { idFields, type Model } from './datamodel.js';
import type { ResourceView } from './binding.js';
import { idToWire, serializer, toPrismaId } from './codec.js';
import { etagFields, etagOf, ifMatch, parseEntityTags } from './etag.js';
import { resourceErrors } from './errors.js';
import { translatePrismaError } from './prisma-errors.js';
import { scopeData, scopeWhere, type Route } from './scope.js';
import { recordSelect, scalarSelect } from './select.js';
import { writeData } from './write-data.js';
import { parentsExist } from './read.js';
import { applyFieldRules, checkWritten, compileAccess, compileParentAccess, conditioned, type RecordRules } from './access.js';
import { delegateOf, type BoundWrite, type FieldError, type PrismaLike, type Runtime, type WriteAction, type WriteHookEvent, type WriteInput, type WriteOutcome } from './runtime.js';

/** What a write operation is, worked out at boot. */
export interface WriteSpec {
  op: CompiledOperation;
  model: Model;
  action: WriteAction;
  route: Route;
  /** The request body's view (create, replace, patch). */
  writeView?: ResourceView;
  /** The success response's view, when it has a body. */
  readView?: ResourceView;
  /** The success status the contract declares (201 for a create, 200 or 204...). */
  status: number;
  runtime: Runtime;
}

const EVENT = { create: 'resource.created', replace: 'resource.updated', patch: 'resource.updated', delete: 'resource.deleted' } as const;

function reject(model: string, action: WriteAction): (reason: string, errors?: FieldError[]) => never {
  const past = { create: 'created', replace: 'replaced', patch: 'updated', delete: 'deleted' }[action];
  return (reason, errors = []) => {
    throw resourceErrors.create(
      'BURROW_ERR_RESOURCE_REJECTED',
      { model, action: past, reason },
      { errors: errors.map((e) => ({ in: 'body' as const, pointer: e.field.startsWith('/') ? e.field : `/${e.field}`, message: e.message })) },
    );
  };
}

/** Builds the write: `run` (for the handler and the batch) and its handler. */
export function compileWrite(spec: WriteSpec): BoundWrite & { handler: RawHandler } {
  const { op, model, action, route, writeView, readView, runtime } = spec;
  const fields = etagFields(model);
  const version = model.fields.find((f) => f.name === 'version' && f.type === 'Int' && f.kind === 'scalar');
  const select = recordSelect(model, readView, 'all', runtime.page.max);
  const serialize = readView ? serializer(readView) : undefined;
  // Fixed at boot (the plugin's options).
  const modelHooks = runtime.hooks[model.name];
  const scalars = scalarSelect(model);
  // A nested create checks its parent exists in the same transaction as the insert.
  const checksParents = action === 'create' && route.scope.some((s) => s.parent);
  const parentAccess = action === 'create' ? compileParentAccess(runtime, route) : undefined;
  const mode = action === 'delete' ? undefined : action;
  // The fields of other models that may refer to a record of this one (named when a delete is refused).
  const referencedBy = runtime.datamodel.models
    .flatMap((m) => m.fields.filter((f) => f.kind === 'object' && f.type === model.name && f.relationFromFields?.length).map((f) => `${m.name}.${f.relationFromFields!.join('+')}`))
    .join(', ');
  const access = compileAccess(runtime, model, { operationId: op.id, resource: { model: model.name, action } });

  /** Runs the write, asking the guards for the caller's record conditions first (when any guard sets some). */
  function run(input: WriteInput, tx: PrismaLike): Promise<WriteOutcome> {
    return access ? access(input.ctx).then((rules) => perform(input, tx, rules)) : perform(input, tx, undefined);
  }

  /**
   * The write, with the caller's record conditions (`rules`) in its `where`: the read of
   * the current record and the conditional update or delete itself, so a record outside
   * them is not found — never read, then checked, then written.
   */
  async function perform(input: WriteInput, tx: PrismaLike, rules: RecordRules | undefined): Promise<WriteOutcome> {
    const { ctx, params } = input;
    const scope = scopeWhere(route, params);
    const id = route.idField ? toPrismaId(route.idField, params[route.idParam!]) : undefined;
    const missing = () => resourceErrors.create('BURROW_ERR_RESOURCE_NOT_FOUND', { model: model.name, id: String(params[route.idParam!] ?? '') });
    if (!scope || (route.idField && id === undefined)) throw missing();
    const delegate = delegateOf(tx, model.name);
    const event: WriteHookEvent = { model: model.name, action, operationId: op.id, ctx, tx, reject: reject(model.name, action) };

    let data: Record<string, unknown> | undefined;
    let changed: string[] = [];
    if (mode) {
      const built = writeData(writeView!, input.body, mode, runtime.nulls);
      if (built.invalid) {
        throw coreError('BURROW_ERR_REQUEST_VALIDATION', { operationId: op.id, count: 1 }, { errors: [{ in: 'body', pointer: `/${built.invalid.field}`, message: built.invalid.message }] });
      }
      ({ data, changed } = built);
    }
    // Before any query: a refusal says nothing of whether the record exists.
    if (mode && action !== 'create') applyFieldRules(rules, data!, mode);

    if (action === 'create') {
      // A nested create names its parent in the path: 404 when it does not exist, rather than a foreign-key error.
      const absent = await parentsExist(route, params, tx, parentAccess?.(ctx));
      if (absent) throw resourceErrors.create('BURROW_ERR_RESOURCE_NOT_FOUND', absent);
      Object.assign(data!, scopeData(route, params));
      applyFieldRules(rules, data!, 'create');
      event.data = data;
      const hooked = await modelHooks?.beforeWrite?.(event);
      // A hook that returns new data gets the guards' values written again: they are not the hook's to lift.
      if (hooked && hooked !== data) applyFieldRules(rules, hooked, 'create');
      data = hooked ?? data;
      const row = await delegate.create({ data, select });
      event.record = row;
      event.id = row[modelId?.name ?? 'id'];
      await checkWritten(rules, (where) => delegate.findFirst({ where, select: { [modelId?.name ?? 'id']: true } }), { [modelId?.name ?? 'id']: event.id });
      await modelHooks?.afterWrite?.(event);
      return outcome(ctx, row, changed);
    }

    // Prisma takes non-unique filters beside the id in a unique where: the update and delete are conditional on the rules.
    const where = conditioned<Record<string, unknown>>({ ...scope, [route.idField!.name]: id }, rules);
    let current: Record<string, unknown> | null = null;
    if (input.ifMatch.length || modelHooks || version) {
      current = await delegate.findFirst({ where, select: scalars });
      if (!current) throw missing();
      if (input.ifMatch.length && !ifMatch(input.ifMatch, etagOf(fields, current))) {
        throw resourceErrors.create('BURROW_ERR_RESOURCE_PRECONDITION_FAILED', { model: model.name, id: idToWire(id) });
      }
    }
    event.id = id;
    if (current) event.current = current;
    if (data) event.data = data;
    const hooked = await modelHooks?.beforeWrite?.(event);
    if (hooked && hooked !== data && mode) applyFieldRules(rules, hooked, mode);
    const changedData = hooked ?? data;
    if (version && current) where[version.name] = current[version.name];
    let row: Record<string, unknown>;
    try {
      row =
        action === 'delete'
          ? await delegate.delete({ where, select: readView ? select : scalars })
          : await delegate.update({ where, data: version ? { ...changedData, [version.name]: { increment: 1 } } : changedData, select });
    } catch (error) {
      // The record was there when read in this transaction: another writer changed its version since.
      const known = error as { code?: string; meta?: { expectedRows?: unknown } };
      if (current && known.code === 'P2025' && known.meta?.expectedRows === undefined) {
        throw resourceErrors.create('BURROW_ERR_RESOURCE_PRECONDITION_FAILED', { model: model.name, id: idToWire(id) });
      }
      throw error;
    }
    event.record = row;
    if (action !== 'delete') await checkWritten(rules, (filter) => delegate.findFirst({ where: filter, select: { [route.idField!.name]: true } }), { [route.idField!.name]: id });
    await modelHooks?.afterWrite?.(event);
    return outcome(ctx, row, changed);
  }

  /** `whole`: the row holds every column (false: only the id — no ETag, no body). */
  function outcome(ctx: RequestContext, row: Record<string, unknown>, changed: string[], whole = true): WriteOutcome {
    const idValue = row[modelId?.name ?? 'id'];
    const headers: Record<string, string> = {};
    if (action !== 'delete' && whole) headers.etag = etagOf(fields, row);
    if (action === 'create') {
      const location = locationOf(runtime, model.name, ctx, idValue);
      if (location) headers.location = location;
    }
    return {
      status: spec.status,
      id: idToWire(idValue),
      body: serialize && spec.status !== 204 && whole ? serialize(row) : undefined,
      headers,
      event: {
        name: EVENT[action],
        change: { model: model.name, id: idToWire(idValue), changed, principal: ctx.principal, operationId: op.id, requestId: ctx.id },
      },
    };
  }

  const relationNames = model.fields.filter((f) => f.kind === 'object').map((f) => f.name);
  const modelId = idFields(model)[0];
  const relationsInReply = [...(readView?.fields.values() ?? [])].some((f) => f.relation && f.readable);

  async function runMany(inputs: WriteInput[], tx: PrismaLike, bodies: boolean): Promise<WriteOutcome[] | undefined> {
    const delegate = delegateOf(tx, model.name);
    if (action !== 'create' || modelHooks || !modelId || !delegate.createManyAndReturn) return undefined;
    const rows: Record<string, unknown>[] = [];
    // Relation writes (tags: connect) cannot go through createMany: they follow, item by item, only for the items that have them.
    const links: (Record<string, unknown> | undefined)[] = [];
    const changes: string[][] = [];
    const parents = new Set<string>();
    // The caller's record conditions, once per request (a batch's items share theirs).
    const rulesOf = new Map<WriteInput['ctx'], RecordRules>();
    for (const input of inputs) {
      const built = writeData(writeView!, input.body, 'create', runtime.nulls);
      if (built.invalid || !scopeWhere(route, input.params)) return undefined;
      let rules: RecordRules | undefined;
      if (access) {
        rules = rulesOf.get(input.ctx) ?? (await access(input.ctx));
        rulesOf.set(input.ctx, rules);
        // A `{ where }` condition is checked record by record, and a refusal must name its item: one by one then.
        if (rules.filters.length) return undefined;
      }
      const key = JSON.stringify(route.scope.map((s) => String(input.params[s.param])));
      if (!parents.has(key)) {
        parents.add(key);
        const absent = await parentsExist(route, input.params, tx, parentAccess?.(input.ctx));
        if (absent) throw resourceErrors.create('BURROW_ERR_RESOURCE_NOT_FOUND', absent);
      }
      const data = Object.assign(built.data, scopeData(route, input.params));
      try {
        applyFieldRules(rules, data, 'create', true);
      } catch {
        // A value the caller may not write: the items then run one by one, and the refusal names its item.
        return undefined;
      }
      let link: Record<string, unknown> | undefined;
      for (const name of relationNames) {
        if (data[name] === undefined) continue;
        (link ??= {})[name] = data[name];
        delete data[name];
      }
      rows.push(data);
      links.push(link);
      changes.push(built.changed);
    }
    // Without bodies, a batch item answers its status, id and Location: only the id is read back.
    let created = await delegate.createManyAndReturn({ data: rows, select: bodies ? scalars : { [modelId.name]: true } });
    const idName = modelId.name;
    for (const [i, link] of links.entries()) {
      if (link) await delegate.update({ where: { [idName]: created[i]![idName] }, data: link, select: { [idName]: true } });
    }
    if (bodies && relationsInReply) {
      // The relations the reply embeds: one more query for all the rows, not one per row.
      // In chunks: databases bound the number of query parameters (SQLite: 999 in some builds).
      const byId = new Map<string, Record<string, unknown>>();
      for (let at = 0; at < created.length; at += 500) {
        const ids = created.slice(at, at + 500).map((row) => row[idName]);
        for (const row of await delegate.findMany({ where: { [idName]: { in: ids } }, select })) byId.set(String(row[idName]), row);
      }
      created = created.map((row) => byId.get(String(row[idName])) ?? row);
    }
    return created.map((row, i) => outcome(inputs[i]!.ctx, row, changes[i]!, bodies));
  }

  async function execute(input: WriteInput): Promise<WriteOutcome> {
    try {
      const rules = access && (await access(input.ctx));
      // A `{ where }` condition is checked on the record written: a refusal must roll the write back.
      const needsTransaction = input.ifMatch.length > 0 || modelHooks !== undefined || checksParents || (action !== 'delete' && !!rules?.filters.length);
      return needsTransaction ? ((await runtime.prisma.$transaction((tx) => perform(input, tx, rules))) as WriteOutcome) : await perform(input, runtime.prisma, rules);
    } catch (error) {
      throw translatePrismaError(error, { model: model.name, id: input.params[route.idParam ?? 'id'], action, referencedBy });
    }
  }

  const handler: RawHandler = async (ctx) => {
    const result = await execute({ ctx, params: ctx.params, body: ctx.body, ifMatch: parseEntityTags(ctx.headers['if-match']) });
    // After the commit only: subscribers never see a write that rolled back.
    if (result.event) runtime.events.emit(result.event.name, result.event.change);
    return { status: result.status, body: result.body, headers: result.headers };
  };

  return {
    operationId: op.id,
    model: model.name,
    action,
    handler,
    run: (input, tx) => run(input, tx).catch((error: unknown) => Promise.reject(translatePrismaError(error, { model: model.name, id: input.params[route.idParam ?? 'id'], action, referencedBy }))),
    runMany: (inputs, tx, bodies) => runMany(inputs, tx, bodies).catch((error: unknown) => Promise.reject(translatePrismaError(error, { model: model.name, action }))),
    validate: (params, body) => ({ params, ...validateBody(op, body) }),
  };
}

/** The URL of a record made by a create: the path of a `get` operation of the model, under the mount path. */
function locationOf(runtime: Runtime, model: string, ctx: RequestContext, id: unknown): string | undefined {
  for (const getter of runtime.getters.get(model) ?? []) {
    let complete = true;
    const path = getter.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      if (name === getter.idParam) return encodeURIComponent(idToWire(id));
      const value = ctx.params[name];
      if (value === undefined) complete = false;
      return encodeURIComponent(String(value));
    });
    if (complete) return `${ctx.mountPath}${path}`;
  }
  return undefined;
}
