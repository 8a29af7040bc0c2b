import { describe, expect, it } from 'vitest';
import { checkAccess, coreError, definePlugin, recordConditions, type Guard, type RequestContext } from '../../../core/index.js';
import { fixtureKernel, memoryLogger } from '../../helpers.js';

const ctx = { principal: { id: '7' } } as unknown as RequestContext;
const target = { operationId: 'listTasks', resource: { model: 'Task', action: 'list' } };

describe('access guards', () => {
  it('gathers the record conditions of every guard, in registration order', async () => {
    const owner: Guard = { records: (c) => [{ field: 'ownerId', in: [(c.principal as { id: string }).id] }] };
    const silent: Guard = { records: () => undefined };
    const custom: Guard = { records: async () => [{ where: { archived: false } }] };
    expect(await recordConditions([owner, silent, custom], ctx, target)).toEqual([{ field: 'ownerId', in: ['7'] }, { where: { archived: false } }]);
    expect(await recordConditions([], ctx, target)).toEqual([]);
  });

  it('lets the first refusing guard answer', async () => {
    const calls: string[] = [];
    const yes: Guard = { operation: () => void calls.push('yes') };
    const no: Guard = {
      operation: () => {
        calls.push('no');
        throw coreError('BURROW_ERR_AUTH_FORBIDDEN', { reasons: 'not yours' });
      },
    };
    const never: Guard = { operation: () => void calls.push('never') };
    await expect(checkAccess([yes, no, never], ctx, target)).rejects.toMatchObject({ code: 'BURROW_ERR_AUTH_FORBIDDEN', status: 403 });
    expect(calls).toEqual(['yes', 'no']);
  });

  it('is a registry of the kernel that plugins add to, owned by the plugin', async () => {
    const plugin = definePlugin({ name: 'guarded', setup: (k) => k.guards.add('mine', { records: () => undefined }) });
    const kernel = await fixtureKernel({ plugins: [plugin] });
    expect(kernel.guards.keys()).toEqual(['mine']);
    expect(kernel.guards.ownerOf('mine')).toBe('plugin guarded');
    await kernel.close();
  });
});

describe('ctx.logWith', () => {
  it('adds fields to the later log lines of the request only', async () => {
    const { logger, lines } = memoryLogger();
    const plugin = definePlugin({
      name: 'who',
      setup: (k) =>
        k.hooks.add('preHandler', (c) => {
          c.log.info('before');
          c.logWith({ principalId: 'u1' });
          c.log.info('after');
        }),
    });
    const kernel = await fixtureKernel({ plugins: [plugin], logger });
    await kernel.inject({ method: 'GET', url: '/hello' });
    await kernel.inject({ method: 'GET', url: '/hello' });
    const before = lines.filter((l) => l.message === 'before');
    const after = lines.filter((l) => l.message === 'after');
    expect(before.map((l) => l.principalId)).toEqual([undefined, undefined]);
    expect(after.map((l) => [l.principalId, l.operationId])).toEqual([['u1', 'hello'], ['u1', 'hello']]);
    await kernel.close();
  });
});

describe('kernel.authorize', () => {
  it('checks an operation the request is not routed to: its security requirements, then every guard', async () => {
    const { createKernel, allow, deny } = await import('../../../core/index.js');
    const seen: string[] = [];
    const plugin = definePlugin({
      name: 'rights',
      setup: (k) =>
        k.guards.add('rights', {
          operation: (ctx, target) => {
            seen.push(`${(ctx.principal as { name?: string } | undefined)?.name ?? 'anonymous'}:${target.operationId}`);
            if (target.operationId === 'adminOnly') throw coreError('BURROW_ERR_AUTH_FORBIDDEN', { reasons: 'admins only' });
          },
        }),
    });
    const kernel = await createKernel({
      contract: {
        openapi: '3.1.0',
        info: { title: 'authorize', version: '1' },
        components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'x-key' } } },
        security: [{ key: [] }],
        paths: {
          '/entry': { post: { operationId: 'entry', security: [], responses: { '204': { description: 'ok' } } } },
          '/open': { get: { operationId: 'open', security: [], responses: { '204': { description: 'ok' } } } },
          '/user': { get: { operationId: 'userOnly', responses: { '204': { description: 'ok' } } } },
          '/admin': { get: { operationId: 'adminOnly', responses: { '204': { description: 'ok' } } } },
        },
      } as never,
      contractCache: false,
      logger: { level: 'silent' },
      plugins: [plugin],
      security: { key: (ctx) => (ctx.headers['x-key'] === 'ada' ? allow({ name: 'ada' }) : deny('no key', 'missing')) },
      handlers: {
        entry: async (ctx: RequestContext) => {
          const results: Record<string, unknown> = {};
          for (const id of ['open', 'userOnly', 'adminOnly', 'nope']) {
            try {
              await kernel.authorize(ctx, id);
              results[id] = 'ok';
            } catch (error) {
              results[id] = (error as { code: string }).code;
            }
          }
          return { status: 200, body: results };
        },
        open: () => ({ status: 204 }),
        userOnly: () => ({ status: 204 }),
        adminOnly: () => ({ status: 204 }),
      } as never,
      responseValidation: { rate: 0 },
    });
    const anonymous = await kernel.inject({ method: 'POST', url: '/entry' });
    expect(anonymous.json()).toEqual({ open: 'ok', userOnly: 'BURROW_ERR_AUTH_UNAUTHENTICATED', adminOnly: 'BURROW_ERR_AUTH_UNAUTHENTICATED', nope: 'BURROW_ERR_ROUTE_NOT_FOUND' });
    const ada = await kernel.inject({ method: 'POST', url: '/entry', headers: { 'x-key': 'ada' } });
    expect(ada.json()).toEqual({ open: 'ok', userOnly: 'ok', adminOnly: 'BURROW_ERR_AUTH_FORBIDDEN', nope: 'BURROW_ERR_ROUTE_NOT_FOUND' });
    expect(seen).toEqual(['anonymous:open', 'anonymous:open', 'ada:userOnly', 'ada:adminOnly']);
    await kernel.close();
  });
});
