import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernel } from 'burrowjs';
import { instanceCounts } from 'burrowjs/plugins/services';
import { basicOf, bearerOf, newJournal, nextDisposed, post, servicesKernel, type Journal } from './harness.js';

describe('services: each lifetime keeps its instances by its own key', () => {
  let kernel: Kernel;
  let journal: Journal;
  let ada: { authorization: string };
  let ada2: { authorization: string };
  let bob: { authorization: string };
  let cyd: { authorization: string };
  beforeAll(async () => {
    journal = newJournal();
    kernel = await servicesKernel({ journal });
    [ada, ada2, bob, cyd] = await Promise.all([bearerOf(kernel, 'ada'), bearerOf(kernel, 'ada'), bearerOf(kernel, 'bob'), bearerOf(kernel, 'cyd')]);
  });
  afterAll(() => kernel?.close());

  const instanceOf = async (path: string, headers: Record<string, string> = {}) => {
    const res = await post(kernel, path, headers);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.instance as number;
  };

  it('perCall: a new instance for every call, disposed when the call ends', async () => {
    const disposed = journal.disposed.length;
    const first = await instanceOf('/each/hit');
    const second = await instanceOf('/each/hit', ada);
    expect(second).not.toBe(first);
    expect(journal.disposed.slice(disposed)).toEqual([{ service: 'Each', instance: first }, { service: 'Each', instance: second }]);
    expect(instanceCounts(kernel).Each).toBe(0);
  });

  it('shared: one instance for every caller, with or without credentials', async () => {
    const ids = [await instanceOf('/shared/hit'), await instanceOf('/shared/hit', ada), await instanceOf('/shared/hit', basicOf('cyd'))];
    expect(new Set(ids).size).toBe(1);
    expect(journal.created.filter((c) => c.service === 'Shared')).toHaveLength(1);
  });

  it('perSession: one instance per session — two logins of one user get two, one token keeps one', async () => {
    const a = await instanceOf('/session/hit', ada);
    expect(await instanceOf('/session/hit', ada)).toBe(a);
    expect(await instanceOf('/session/hit', ada2)).not.toBe(a);
  });

  it('perSession: credentials without a session (Basic) → 403 BURROW_ERR_SERVICE_SESSION_REQUIRED naming the scheme', async () => {
    const res = await post(kernel, '/session/hit', basicOf('ada'));
    expect(res.status).toBe(403);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'BURROW_ERR_SERVICE_SESSION_REQUIRED', detail: expect.stringContaining('basicAuth') });
  });

  it('perUser: one instance per user, whatever the scheme or session', async () => {
    const a = await instanceOf('/user/hit', ada);
    expect(await instanceOf('/user/hit', ada2)).toBe(a);
    expect(await instanceOf('/user/hit', basicOf('ada'))).toBe(a);
    expect(await instanceOf('/user/hit', bob)).not.toBe(a);
    expect(journal.created.filter((c) => c.service === 'User').map((c) => c.key)).toEqual(['u1', 'u2']);
  });

  it('perGroup: one instance per first group (ada and bob share g1, cyd has g2)', async () => {
    const g1 = await instanceOf('/group/hit', ada);
    expect(await instanceOf('/group/hit', bob)).toBe(g1);
    expect(await instanceOf('/group/hit', cyd)).not.toBe(g1);
  });

  it('perGroup: a principal in no group → 403 BURROW_ERR_SERVICE_GROUP_REQUIRED', async () => {
    const res = await post(kernel, '/group/hit', basicOf('nog'));
    expect([res.status, res.body.code]).toEqual([403, 'BURROW_ERR_SERVICE_GROUP_REQUIRED']);
  });

  it('a keyed lifetime without a principal (the operation lets anonymous callers in) → 401 BURROW_ERR_SERVICE_PRINCIPAL_REQUIRED', async () => {
    const res = await post(kernel, '/user/anon-hit');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'BURROW_ERR_SERVICE_PRINCIPAL_REQUIRED', status: 401 });
    expect((await post(kernel, '/user/anon-hit', ada)).status).toBe(200);
  });

  it('logout disposes the perSession instance of that session (and only that one)', async () => {
    const token = await bearerOf(kernel, 'bob');
    const mine = await instanceOf('/session/hit', token);
    const other = await instanceOf('/session/hit', bob);
    const disposed = nextDisposed(kernel, 'Session');
    expect((await kernel.inject({ method: 'POST', url: '/auth/logout', headers: token })).statusCode).toBe(204);
    expect((await disposed).reason).toBe('session-ended');
    expect(journal.disposed).toContainEqual({ service: 'Session', instance: mine });
    expect(journal.disposed).not.toContainEqual({ service: 'Session', instance: other });
    expect(await instanceOf('/session/hit', bob)).toBe(other);
  });

  it('counts live instances per service for monitoring', () => {
    const counts = instanceCounts(kernel);
    expect(counts).toMatchObject({ Each: 0, Shared: 1, Calc: 0 });
    expect(counts.User).toBe(2);
    expect(instanceCounts({ events: {} } as Kernel)).toEqual({});
  });
});

describe('services: clientDriven instances', () => {
  let kernel: Kernel;
  let ada: { authorization: string };
  beforeAll(async () => {
    kernel = await servicesKernel();
    ada = await bearerOf(kernel, 'ada');
  });
  afterAll(() => kernel?.close());

  it('a first call without X-Burrow-Instance makes one and answers its id; calls with the id reuse it', async () => {
    const first = await post(kernel, '/driven/hit', ada);
    const id = first.headers['x-burrow-instance'] as string;
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const again = await post(kernel, '/driven/hit', { ...ada, 'x-burrow-instance': id });
    expect([again.status, again.body.instance, again.body.hits, again.headers['x-burrow-instance']]).toEqual([200, first.body.instance, 2, id]);
    const other = await post(kernel, '/driven/hit', ada);
    expect(other.body.instance).not.toBe(first.body.instance);
  });

  it('an id used by another user is answered 404 exactly as an unknown id (nothing leaks)', async () => {
    const id = (await post(kernel, '/driven/hit', ada)).headers['x-burrow-instance'] as string;
    const foreign = await post(kernel, '/driven/hit', { ...basicOf('bob'), 'x-burrow-instance': id });
    const anonymous = await post(kernel, '/driven/hit', { 'x-burrow-instance': id });
    const unknown = await post(kernel, '/driven/hit', { ...basicOf('bob'), 'x-burrow-instance': 'A'.repeat(22) });
    for (const res of [foreign, anonymous, unknown]) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'BURROW_ERR_SERVICE_INSTANCE_NOT_FOUND', title: 'No such service instance' });
    }
    expect(foreign.body.detail.replace(id, 'X')).toBe(unknown.body.detail.replace('A'.repeat(22), 'X'));
    // The owner, by another scheme, still reaches it.
    expect((await post(kernel, '/driven/hit', { ...basicOf('ada'), 'x-burrow-instance': id })).status).toBe(200);
  });

  it('an instance made without credentials belongs to no user: anonymous callers reach it, users do not', async () => {
    const id = (await post(kernel, '/driven/hit')).headers['x-burrow-instance'] as string;
    expect((await post(kernel, '/driven/hit', { 'x-burrow-instance': id })).body.hits).toBe(2);
    expect((await post(kernel, '/driven/hit', { ...ada, 'x-burrow-instance': id })).status).toBe(404);
  });

  it('DELETE /services/{Service}/instances/{id} releases it (disposed), then it is unknown; another user cannot release it', async () => {
    const id = (await post(kernel, '/driven/hit', ada)).headers['x-burrow-instance'] as string;
    const release = (headers: Record<string, string>) => kernel.inject({ method: 'DELETE', url: `/services/Driven/instances/${id}`, headers });
    const foreign = await release(basicOf('bob'));
    expect([foreign.statusCode, foreign.json().code]).toEqual([404, 'BURROW_ERR_SERVICE_INSTANCE_NOT_FOUND']);
    const disposed = nextDisposed(kernel, 'Driven');
    expect((await release(ada)).statusCode).toBe(204);
    expect(await disposed).toMatchObject({ reason: 'released' });
    expect((await post(kernel, '/driven/hit', { ...ada, 'x-burrow-instance': id })).status).toBe(404);
    expect((await release(ada)).statusCode).toBe(404);
  });

  it('contributes the release operation, secured as the service methods are', () => {
    const op = (kernel.document.paths as Record<string, Record<string, { operationId: string; security: unknown }>>)['/services/Driven/instances/{instanceId}']!.delete!;
    expect(op.operationId).toBe('drivenReleaseInstance');
    expect(op.security).toEqual([{ bearerAuth: [] }, { basicAuth: [] }, {}]);
    expect(Object.keys(kernel.document.paths!).filter((p) => p.startsWith('/services/'))).toEqual(['/services/Driven/instances/{instanceId}']);
  });
});
