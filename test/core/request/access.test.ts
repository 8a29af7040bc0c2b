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
