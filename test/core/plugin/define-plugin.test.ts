import { describe, expect, it } from 'vitest';
import { createKernel, definePlugin, type BurrowError, type Kernel } from '../../../core/index.js';
import { FIXTURE, fixtureHandlers } from '../../helpers.js';

const noop = (name: string, dependsOn: string[] = [], log?: string[]) =>
  definePlugin({ name, dependsOn, setup: () => void log?.push(name) });

describe('plugins', () => {
  it('fails the boot when a dependency is missing, naming both plugins', async () => {
    const error = (await createKernel({ contract: FIXTURE, handlers: fixtureHandlers, plugins: [noop('rate-limit', ['auth'])] }).catch((e) => e)) as BurrowError;
    expect(error.code).toBe('BURROW_ERR_BOOT_PLUGIN_DEPENDENCY_MISSING');
    expect(error.detail).toBe('plugin "rate-limit" depends on "auth", which is not registered');
  });

  it('sets plugins up in dependency order, whatever order they are listed in', async () => {
    const log: string[] = [];
    const kernel = await createKernel({
      contract: FIXTURE,
      handlers: fixtureHandlers,
      logger: { level: 'silent' },
      plugins: [noop('c', ['b'], log), noop('b', ['a'], log), noop('a', [], log)],
    });
    expect(log).toEqual(['a', 'b', 'c']);
    await kernel.close();
  });

  it('refuses a dependency cycle and a plugin registered twice', async () => {
    const cycle = (await createKernel({ contract: FIXTURE, plugins: [noop('a', ['b']), noop('b', ['a'])] }).catch((e) => e)) as BurrowError;
    expect(cycle.code).toBe('BURROW_ERR_BOOT_PLUGIN_DEPENDENCY_CYCLE');
    expect(cycle.detail).toBe('plugin dependency cycle: a -> b -> a');
    const twice = (await createKernel({ contract: FIXTURE, plugins: [noop('a'), noop('a')] }).catch((e) => e)) as BurrowError;
    expect(twice.code).toBe('BURROW_ERR_BOOT_PLUGIN_DUPLICATE');
  });

  it('fails the boot on bad options, naming the plugin', async () => {
    const limited = definePlugin({
      name: 'limited',
      options: (input) => {
        const o = { max: 10, ...(input as object) };
        if (typeof o.max !== 'number' || o.max < 1) throw new Error(`max must be a positive number, got ${JSON.stringify(o.max)}`);
        return o;
      },
      setup: () => {},
    });
    const error = (await createKernel({ contract: FIXTURE, handlers: fixtureHandlers, plugins: [limited({ max: 'lots' })] }).catch((e) => e)) as BurrowError;
    expect(error.code).toBe('BURROW_ERR_BOOT_PLUGIN_OPTIONS');
    expect(error.detail).toBe('plugin "limited": max must be a positive number, got "lots"');
  });

  it('passes merged options to setup', async () => {
    let seen: unknown;
    const p = definePlugin({ name: 'p', options: (i) => ({ a: 1, ...(i as object) }), setup: (_k, o) => void (seen = o) });
    const kernel = await createKernel({ contract: FIXTURE, handlers: fixtureHandlers, logger: { level: 'silent' }, plugins: [p({ b: 2 })] });
    expect(seen).toEqual({ a: 1, b: 2 });
    await kernel.close();
  });

  it('refuses duplicates in every registry, naming both owners', async () => {
    const claims = definePlugin({ name: 'claims-hello', setup: (k) => k.handlers.add('hello', () => ({ status: 200, body: {} })) });
    const error = (await createKernel({ contract: FIXTURE, handlers: fixtureHandlers, plugins: [claims] }).catch((e) => e)) as BurrowError;
    expect(error.code).toBe('BURROW_ERR_BOOT_DUPLICATE');
    expect(error.detail).toBe('operation handler "hello" is registered twice: by app and by plugin claims-hello');
  });

  it('lets a plugin contribute operations and schemas to the contract, and serve them', async () => {
    const health = definePlugin({
      name: 'health',
      setup(kernel) {
        kernel.contract.add('health', {
          paths: {
            '/health': {
              get: {
                operationId: 'burrowHealth',
                responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } } } },
              },
            },
          },
          components: { schemas: { Health: { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' } } } } },
        });
        kernel.handlers.add('burrowHealth', async () => ({ status: 200, body: { ok: (await kernel.checkHealth()).ok } }));
        kernel.health.add('always', () => {});
      },
    });
    const kernel = await createKernel({ contract: FIXTURE, handlers: fixtureHandlers, logger: { level: 'silent' }, plugins: [health] });
    expect(kernel.document.paths!['/health'].get.operationId).toBe('burrowHealth');
    expect(kernel.document.components.schemas.Health).toBeDefined();
    expect((await kernel.inject('/health')).json()).toEqual({ ok: true });
    await kernel.close();
  });

  it('refuses a contribution that collides with the contract', async () => {
    const clash = definePlugin({
      name: 'clash',
      setup(kernel) {
        kernel.contract.add('clash', { paths: { '/hello': { get: { operationId: 'other', responses: { '204': { description: 'x' } } } } } });
      },
    });
    const error = (await createKernel({ contract: FIXTURE, handlers: fixtureHandlers, plugins: [clash] }).catch((e) => e)) as BurrowError;
    expect(error.code).toBe('BURROW_ERR_BOOT_CONTRIBUTION_CONFLICT');
    expect(error.detail).toContain('#/paths/~1hello/get: contributed by plugin clash, but the contract already has it');
  });

  it('adds the Problem schema and 4XX/5XX responses to every operation of the served contract', async () => {
    const kernel: Kernel = await createKernel({ contract: FIXTURE, handlers: fixtureHandlers, logger: { level: 'silent' } });
    expect(kernel.document.components.schemas.BurrowProblem.required).toContain('code');
    for (const item of Object.values(kernel.document.paths!)) {
      for (const [method, op] of Object.entries(item as Record<string, { responses: Record<string, unknown> }>)) {
        if (method === 'parameters') continue;
        expect(op.responses['4XX']).toEqual({ $ref: '#/components/responses/BurrowProblem' });
        expect(op.responses['5XX']).toEqual({ $ref: '#/components/responses/BurrowProblem' });
      }
    }
    await kernel.close();
  });

  it('runs close functions returned by setup, and shutdown steps, in reverse order', async () => {
    const log: string[] = [];
    const a = definePlugin({ name: 'a', setup: (k) => { k.shutdown.add('a-step', () => void log.push('a-step')); return () => void log.push('a-close'); } });
    const b = definePlugin({ name: 'b', dependsOn: ['a'], setup: () => () => void log.push('b-close') });
    const kernel = await createKernel({ contract: FIXTURE, handlers: fixtureHandlers, logger: { level: 'silent' }, plugins: [a, b] });
    await kernel.close();
    expect(log).toEqual(['b-close', 'a-close', 'a-step']);
  });
});

describe('readOptions', () => {
  it('takes an object and lists every unknown key as a problem', async () => {
    const { readOptions } = await import('../../../core/index.js');
    expect(readOptions({ path: '/x', colour: 'red', size: 1 }, ['path'])).toEqual({
      given: { path: '/x', colour: 'red', size: 1 },
      problems: ['unknown option "colour" (options are: path)', 'unknown option "size" (options are: path)'],
    });
    expect(readOptions({}, ['path']).problems).toEqual([]);
  });

  it('refuses what is not an object, naming what it got and the keys', async () => {
    const { readOptions } = await import('../../../core/index.js');
    expect(() => readOptions(null, ['path', 'tag'])).toThrow('options must be an object (path, tag), got null');
    expect(() => readOptions([1], ['path'])).toThrow('got an array');
    expect(() => readOptions('x', ['path'])).toThrow('got string');
  });
});
