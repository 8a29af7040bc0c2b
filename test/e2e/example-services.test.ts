import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProblemError, sessionAuth, type BurrowClient, type ClientOptions, type ServiceClients } from '../../client/index.js';
import { writeClient } from '../../cli/client.js';
import type { Kernel } from '../../core/index.js';
import { listen } from '../../core/http/express.js';
import { CONTRACT, createExampleKernel } from '../../example-app/app.js';
import { prepareDatabase, type PreparedDatabase } from '../../example-app/db.js';
import type { paths, Services } from '../../example-app/generated/api.js';
import { DEMO_PASSWORD } from '../../example-app/seed.js';

/** `Authorization: Basic` for a demo user: a principal without a session. */
const basic = (user: string) => `Basic ${Buffer.from(`${user}@example.com:${DEMO_PASSWORD}`).toString('base64')}`;

/** What `burrow client` writes as `<out>/index.ts`, typed by the example's generated types. */
type CreateApiClient = (options: Omit<ClientOptions, 'services'>) => BurrowClient<paths, ServiceClients<Services>>;

/**
 * The example's services over real HTTP: the example kernel (`createExampleKernel`, as
 * `npm start` builds it) served through Express on a free port, on a fresh SQLite file
 * migrated and seeded as `npm start` does. Calculator (shared, public), Cart (perSession),
 * Report (perUser), Import (clientDriven), over REST and JSON-RPC (`POST /rpc`), and the
 * typed client `burrow client` generates from the contract (`burrowjs/client`).
 */
describe('example app services', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'burrow-e2e-services-'));
  let prepared: PreparedDatabase;
  let kernel: Kernel;
  let base = '';
  /** Bearer tokens of the demo users (one login session each). */
  const as = { ada: '', grace: '', alan: '' };
  /** The client `burrow client` generates from the example's contract (written to the temporary folder). */
  let createApiClient: CreateApiClient;

  beforeAll(async () => {
    const out = path.join(dir, 'client');
    await writeClient(CONTRACT, out);
    ({ createApiClient } = (await import(path.join(out, 'index.ts'))) as { createApiClient: CreateApiClient });
    prepared = await prepareDatabase({ url: `file:${path.join(dir, 'tasks.db')}` });
    kernel = await createExampleKernel({ prisma: prepared.prisma, provider: 'sqlite', redis: '', admin: false, logger: { level: 'silent' } });
    ({ url: base } = await listen(kernel, { port: 0, host: '127.0.0.1' }));
    for (const name of ['ada', 'grace', 'alan'] as const) as[name] = await login(name);
  }, 60_000);

  afterAll(async () => {
    // The resources plugin disconnects Prisma when the kernel closes.
    if (kernel) await kernel.close();
    else await prepared?.prisma.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A POST with a JSON body (none when `body` is undefined); `authorization` as given (none by default). */
  async function post(url: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(base + url, {
      method: 'POST',
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  async function login(name: string): Promise<string> {
    const res = await post('/auth/login', { username: `${name}@example.com`, password: DEMO_PASSWORD });
    expect(res.status).toBe(200);
    return res.body.token;
  }
  const rpc = (payload: unknown, headers: Record<string, string> = {}) => post('/rpc', payload, headers);
  /** The tasks assigned to a user, read straight from the database. */
  const tasksOf = (userId: number) => prepared.prisma.task.findMany({ where: { assigneeId: userId }, select: { id: true, title: true, status: true } });

  describe('Calculator (shared, public)', () => {
    it('adds, subtracts, multiplies and divides over REST, without credentials', async () => {
      expect(await post('/calculator/add', { a: 10, b: 5 })).toMatchObject({ status: 200, body: { result: 15 } });
      expect(await post('/calculator/subtract', { a: 10, b: 5 })).toMatchObject({ status: 200, body: { result: 5 } });
      expect(await post('/calculator/multiply', { a: 10, b: 5 })).toMatchObject({ status: 200, body: { result: 50 } });
      expect(await post('/calculator/divide', { a: 10, b: 4 })).toMatchObject({ status: 200, body: { result: 2.5 } });
    });

    it('division by zero: 422 problem+json EXAMPLE_ERR_DIVISION_BY_ZERO on REST, listed in /errors', async () => {
      const res = await post('/calculator/divide', { a: 7, b: 0 });
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 422, code: 'EXAMPLE_ERR_DIVISION_BY_ZERO', title: 'Division by zero', detail: 'cannot divide 7 by zero' });
      const catalogue = await fetch(`${base}/errors`, { headers: { accept: 'application/json' } });
      expect(await catalogue.text()).toContain('EXAMPLE_ERR_DIVISION_BY_ZERO');
    });

    it('a body that does not fit Operands: 400 BURROW_ERR_REQUEST_VALIDATION (missing b, a string, an extra property)', async () => {
      for (const body of [{ a: 1 }, { a: '1', b: 2 }, { a: 1, b: 2, c: 3 }]) {
        const res = await post('/calculator/add', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      }
    });

    it('JSON-RPC: a call answers the result; division by zero is error -32000 with the problem in data', async () => {
      expect((await rpc({ jsonrpc: '2.0', method: 'Calculator.add', params: { a: 10, b: 5 }, id: 1 })).body).toEqual({ jsonrpc: '2.0', result: { result: 15 }, id: 1 });
      const res = await rpc({ jsonrpc: '2.0', method: 'Calculator.divide', params: { a: 7, b: 0 }, id: 'd' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ jsonrpc: '2.0', id: 'd', error: { code: -32000, message: 'Division by zero', data: { code: 'EXAMPLE_ERR_DIVISION_BY_ZERO', status: 422, detail: 'cannot divide 7 by zero' } } });
    });

    it('JSON-RPC batch: results, a coded error, invalid params and an unknown method in order; a notification has no answer', async () => {
      const res = await rpc([
        { jsonrpc: '2.0', method: 'Calculator.multiply', params: { a: 6, b: 7 }, id: 1 },
        { jsonrpc: '2.0', method: 'Calculator.add', params: { a: 1, b: 1 } },
        { jsonrpc: '2.0', method: 'Calculator.divide', params: { a: 1, b: 0 }, id: 2 },
        { jsonrpc: '2.0', method: 'Calculator.add', params: { a: 'one', b: 1 }, id: 3 },
        { jsonrpc: '2.0', method: 'Calculator.power', params: { a: 2, b: 8 }, id: 4 },
      ]);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(4);
      expect(res.body[0]).toEqual({ jsonrpc: '2.0', result: { result: 42 }, id: 1 });
      expect(res.body[1]).toMatchObject({ id: 2, error: { code: -32000, data: { code: 'EXAMPLE_ERR_DIVISION_BY_ZERO' } } });
      expect(res.body[2]).toMatchObject({ id: 3, error: { code: -32602, data: { code: 'BURROW_ERR_REQUEST_VALIDATION' } } });
      expect(res.body[3]).toMatchObject({ id: 4, error: { code: -32601 } });
    });

    it('the typed client calls Calculator through its proxy; a coded error is a ProblemError', async () => {
      const client = createApiClient({ baseUrl: base });
      expect(await client.services.Calculator.add({ a: 10, b: 5 })).toEqual({ result: 15 });
      const error = await client.services.Calculator.divide({ a: 1, b: 0 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProblemError);
      expect(error).toMatchObject({ status: 422, code: 'EXAMPLE_ERR_DIVISION_BY_ZERO' });
    });
  });

  describe('Cart (perSession)', () => {
    it('keeps the cart of each login session between calls: two logins of one user, two carts', async () => {
      const first = as.alan;
      const second = await login('alan');
      expect((await post('/cart/items', { sku: 'BOOK-42' }, bearer(first))).body).toEqual({ items: [{ sku: 'BOOK-42', quantity: 1 }], totalQuantity: 1 });
      expect((await post('/cart/items', { sku: 'PEN-7', quantity: 3 }, bearer(first))).body.totalQuantity).toBe(4);
      expect((await post('/cart/items', { sku: 'BOOK-42', quantity: 2 }, bearer(first))).body).toEqual({
        items: [{ sku: 'BOOK-42', quantity: 3 }, { sku: 'PEN-7', quantity: 3 }],
        totalQuantity: 6,
      });
      expect((await post('/cart/view', undefined, bearer(second))).body).toEqual({ items: [], totalQuantity: 0 });
      expect((await post('/cart/view', undefined, bearer(first))).body.totalQuantity).toBe(6);
    });

    it('REST and JSON-RPC reach the same instance of a session; clear answers 204', async () => {
      const token = await login('grace');
      await post('/cart/items', { sku: 'MUG-1', quantity: 2 }, bearer(token));
      const viewed = await rpc({ jsonrpc: '2.0', method: 'Cart.view', id: 1 }, bearer(token));
      expect(viewed.body).toEqual({ jsonrpc: '2.0', result: { items: [{ sku: 'MUG-1', quantity: 2 }], totalQuantity: 2 }, id: 1 });
      const cleared = await post('/cart/clear', undefined, bearer(token));
      expect(cleared.status).toBe(204);
      expect((await post('/cart/view', undefined, bearer(token))).body).toEqual({ items: [], totalQuantity: 0 });
    });

    it('a session that ended (logout) has its cart disposed; its token is refused', async () => {
      const token = await login('grace');
      await post('/cart/items', { sku: 'LAMP-3' }, bearer(token));
      let off = () => {};
      const disposed = new Promise<unknown>((resolve) => {
        off = kernel.events.on('service.instance.disposed', (event) => void (event.service === 'Cart' && resolve(event)));
      });
      expect((await post('/auth/logout', undefined, bearer(token))).status).toBe(204);
      expect(await disposed).toMatchObject({ service: 'Cart', lifetime: 'perSession' });
      off();
      expect((await post('/cart/view', undefined, bearer(token))).status).toBe(401);
    });

    it('Basic credentials carry no session: 403 BURROW_ERR_SERVICE_SESSION_REQUIRED; none: 401', async () => {
      const res = await post('/cart/items', { sku: 'BOOK-42' }, { authorization: basic('grace') });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('BURROW_ERR_SERVICE_SESSION_REQUIRED');
      const anonymous = await post('/cart/view');
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe('BURROW_ERR_AUTH_UNAUTHENTICATED');
      const overRpc = await rpc({ jsonrpc: '2.0', method: 'Cart.view', id: 1 });
      expect(overRpc.body).toMatchObject({ id: 1, error: { code: -32000, data: { status: 401, code: 'BURROW_ERR_AUTH_UNAUTHENTICATED' } } });
    });

    it('an item that does not fit CartItemInput: 400 (no sku, quantity 0, an unknown property)', async () => {
      for (const body of [{}, { sku: 'X', quantity: 0 }, { sku: 'X', price: 3 }]) {
        const res = await post('/cart/items', body, bearer(as.grace));
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      }
    });
  });

  describe('Report (perUser)', () => {
    it("counts the caller's tasks by status, from the database", async () => {
      const res = await post('/report/summary', undefined, bearer(as.alan));
      expect(res.status).toBe(200);
      const tasks = await tasksOf(3);
      expect(res.body).toMatchObject({
        userId: '3',
        total: tasks.length,
        byStatus: { todo: tasks.filter((t) => t.status === 'todo').length, in_progress: tasks.filter((t) => t.status === 'in_progress').length, done: tasks.filter((t) => t.status === 'done').length },
      });
      expect(res.body.total).toBeGreaterThan(0);
    });

    it('keeps one summary per user, whatever the session or scheme, until refresh; another user has their own', async () => {
      const first = (await post('/report/summary', undefined, bearer(as.ada))).body;
      const created = await post('/tasks', { title: 'Counted after refresh', projectId: 1, assigneeId: 1 }, bearer(as.ada));
      expect(created.status).toBe(201);
      // The same user by Basic (no session) and by a second login: the same instance, the same summary.
      expect((await post('/report/summary', undefined, { authorization: basic('ada') })).body).toEqual(first);
      expect((await post('/report/summary', undefined, bearer(await login('ada')))).body).toEqual(first);
      const refreshed = (await post('/report/refresh', undefined, bearer(as.ada))).body;
      expect(refreshed.total).toBe(first.total + 1);
      expect(refreshed.byStatus.todo).toBe(first.byStatus.todo + 1);
      expect((await rpc({ jsonrpc: '2.0', method: 'Report.summary', id: 1 }, bearer(as.ada))).body.result).toEqual(refreshed);
      expect((await post('/report/summary', undefined, bearer(as.grace))).body.userId).toBe('2');
    });

    it('without credentials: 401', async () => {
      expect((await post('/report/summary')).status).toBe(401);
    });
  });

  describe('Import (clientDriven)', () => {
    const rows = (n: number, projectId = 3) => Array.from({ length: n }, (_, i) => ({ title: `Imported ${i + 1}`, projectId, priority: 2 }));

    it('accumulates rows in the instance the first call made, then commits them in one transaction, assigned to the caller', async () => {
      const before = await tasksOf(2);
      const started = await post('/imports/rows', { rows: rows(2) }, bearer(as.grace));
      expect(started.status).toBe(200);
      expect(started.body).toEqual({ pending: 2 });
      const instance = started.headers.get('x-burrow-instance')!;
      expect(instance).toBeTruthy();
      const more = await post('/imports/rows', { rows: [{ title: 'Imported 3', projectId: 1, status: 'in_progress', dueDate: '2026-12-31' }] }, { ...bearer(as.grace), 'x-burrow-instance': instance });
      expect(more.body).toEqual({ pending: 3 });
      // Nothing written yet.
      expect(await tasksOf(2)).toHaveLength(before.length);

      const committed = await post('/imports/commit', undefined, { ...bearer(as.grace), 'x-burrow-instance': instance });
      expect(committed.status).toBe(200);
      expect(committed.body.created).toBe(3);
      expect(committed.body.ids).toHaveLength(3);
      const after = await tasksOf(2);
      expect(after).toHaveLength(before.length + 3);
      const read = await fetch(`${base}/tasks/${committed.body.ids[2]}`, { headers: bearer(as.grace) });
      expect(await read.json()).toMatchObject({ title: 'Imported 3', status: 'in_progress', dueDate: '2026-12-31', projectId: 1, assigneeId: 2 });
      // The import is empty again: a second commit writes nothing.
      expect((await post('/imports/commit', undefined, { ...bearer(as.grace), 'x-burrow-instance': instance })).body).toEqual({ created: 0, ids: [] });
    });

    it('discard drops the rows: nothing is written', async () => {
      const before = await tasksOf(2);
      const started = await post('/imports/rows', { rows: rows(4) }, bearer(as.grace));
      const instance = started.headers.get('x-burrow-instance')!;
      expect((await post('/imports/discard', undefined, { ...bearer(as.grace), 'x-burrow-instance': instance })).body).toEqual({ discarded: 4 });
      expect((await post('/imports/commit', undefined, { ...bearer(as.grace), 'x-burrow-instance': instance })).body).toEqual({ created: 0, ids: [] });
      expect(await tasksOf(2)).toHaveLength(before.length);
    });

    it('a row naming an unknown project fails the whole commit (422 EXAMPLE_ERR_IMPORT_PROJECT_UNKNOWN): none written, the rows kept', async () => {
      const before = await tasksOf(2);
      const started = await post('/imports/rows', { rows: [...rows(2), { title: 'Lost', projectId: 999 }] }, bearer(as.grace));
      const headers = { ...bearer(as.grace), 'x-burrow-instance': started.headers.get('x-burrow-instance')! };
      const res = await post('/imports/commit', undefined, headers);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'EXAMPLE_ERR_IMPORT_PROJECT_UNKNOWN', detail: expect.stringContaining('row 2: no project has the id 999') });
      expect(await tasksOf(2)).toHaveLength(before.length);
      expect((await post('/imports/discard', undefined, headers)).body).toEqual({ discarded: 3 });
    });

    it("another user's instance id, an unknown one and a released one: 404 BURROW_ERR_SERVICE_INSTANCE_NOT_FOUND, the same answer", async () => {
      const started = await post('/imports/rows', { rows: rows(1) }, bearer(as.grace));
      const instance = started.headers.get('x-burrow-instance')!;
      const stolen = await post('/imports/commit', undefined, { ...bearer(as.alan), 'x-burrow-instance': instance });
      expect(stolen.status).toBe(404);
      expect(stolen.body.code).toBe('BURROW_ERR_SERVICE_INSTANCE_NOT_FOUND');
      const unknown = await post('/imports/commit', undefined, { ...bearer(as.alan), 'x-burrow-instance': 'no-such-instance' });
      expect({ status: unknown.status, code: unknown.body.code, detail: unknown.body.detail }).toEqual({ status: 404, code: stolen.body.code, detail: stolen.body.detail.replace(instance, 'no-such-instance') });
      // Grace's rows are still hers.
      expect((await post('/imports/discard', undefined, { ...bearer(as.grace), 'x-burrow-instance': instance })).body).toEqual({ discarded: 1 });

      const released = await fetch(`${base}/services/Import/instances/${instance}`, { method: 'DELETE', headers: bearer(as.grace) });
      expect(released.status).toBe(204);
      const gone = await post('/imports/discard', undefined, { ...bearer(as.grace), 'x-burrow-instance': instance });
      expect(gone.status).toBe(404);
      expect(gone.body.code).toBe('BURROW_ERR_SERVICE_INSTANCE_NOT_FOUND');
    });

    it('rows that do not fit: 400 (none, an assigneeId of their own, a bad status); more than 5000 pending: 422 EXAMPLE_ERR_IMPORT_TOO_MANY_ROWS', async () => {
      for (const body of [{ rows: [] }, { rows: [{ title: 'Mine', projectId: 1, assigneeId: 1 }] }, { rows: [{ title: 'X', projectId: 1, status: 'lost' }] }]) {
        const res = await post('/imports/rows', body, bearer(as.grace));
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      }
      const started = await post('/imports/rows', { rows: rows(500) }, bearer(as.grace));
      const headers = { ...bearer(as.grace), 'x-burrow-instance': started.headers.get('x-burrow-instance')! };
      for (let i = 0; i < 9; i++) expect((await post('/imports/rows', { rows: rows(500) }, headers)).body).toEqual({ pending: 1000 + i * 500 });
      const over = await post('/imports/rows', { rows: rows(1) }, headers);
      expect(over.status).toBe(422);
      expect(over.body.code).toBe('EXAMPLE_ERR_IMPORT_TOO_MANY_ROWS');
      expect((await post('/imports/discard', undefined, headers)).body).toEqual({ discarded: 5000 });
    });

    it('over JSON-RPC: the instance travels in the `instance` member; Import._free releases it', async () => {
      const before = await tasksOf(3);
      const first = await rpc({ jsonrpc: '2.0', method: 'Import.addRows', params: { rows: rows(2, 2) }, id: 1 }, bearer(as.alan));
      expect(first.body).toMatchObject({ jsonrpc: '2.0', result: { pending: 2 }, id: 1, instance: expect.any(String) });
      const committed = await rpc({ jsonrpc: '2.0', method: 'Import.commit', id: 2, instance: first.body.instance }, bearer(as.alan));
      expect(committed.body).toMatchObject({ result: { created: 2 }, instance: first.body.instance });
      expect(await tasksOf(3)).toHaveLength(before.length + 2);
      const stolen = await rpc({ jsonrpc: '2.0', method: 'Import.commit', id: 3, instance: first.body.instance }, bearer(as.grace));
      expect(stolen.body).toMatchObject({ id: 3, error: { code: -32000, data: { status: 404, code: 'BURROW_ERR_SERVICE_INSTANCE_NOT_FOUND' } } });
      expect((await rpc({ jsonrpc: '2.0', method: 'Import._free', id: 4, instance: first.body.instance }, bearer(as.alan))).body).toEqual({ jsonrpc: '2.0', result: null, id: 4 });
      const freed = await rpc({ jsonrpc: '2.0', method: 'Import.discard', id: 5, instance: first.body.instance }, bearer(as.alan));
      expect(freed.body).toMatchObject({ id: 5, error: { code: -32000, data: { status: 404, code: 'BURROW_ERR_SERVICE_INSTANCE_NOT_FOUND' } } });
    });

    it('the typed client keeps the instance id between calls and releases it', async () => {
      const client = createApiClient({ baseUrl: base, auth: sessionAuth({ username: 'alan@example.com', password: DEMO_PASSWORD }) });
      const before = await tasksOf(3);
      expect(await client.services.Import.addRows({ rows: rows(1) })).toEqual({ pending: 1 });
      const instance = client.services.Import.instance();
      expect(instance).toBeTruthy();
      expect(await client.services.Import.addRows({ rows: rows(1) })).toEqual({ pending: 2 });
      expect(client.services.Import.instance()).toBe(instance);
      expect((await client.services.Import.commit()).created).toBe(2);
      expect(await tasksOf(3)).toHaveLength(before.length + 2);
      await client.services.Import.release();
      expect(client.services.Import.instance()).toBeUndefined();
    });
  });
});
