import { describe, expect, it } from 'vitest';
import { createKernel, createRegistry, definePlugin, isBurrowError, type BurrowError } from '../../../core/index.js';
import { FIXTURE, fixtureHandlers } from '../../helpers.js';

/** Runs `fn` and returns what it threw. */
function thrown(fn: () => unknown): BurrowError {
  try {
    fn();
  } catch (error) {
    if (isBurrowError(error)) return error;
    throw error;
  }
  throw new Error('expected a BurrowError, nothing was thrown');
}

describe('createRegistry', () => {
  it('keeps values by key, in registration order, with their owner', () => {
    const registry = createRegistry<number>('health check');
    registry.add('db', 1, 'prisma');
    registry.add('cache', 2);
    expect(registry.kind).toBe('health check');
    expect(registry.get('db')).toBe(1);
    expect(registry.has('cache')).toBe(true);
    expect(registry.has('queue')).toBe(false);
    expect(registry.get('queue')).toBeUndefined();
    expect(registry.keys()).toEqual(['db', 'cache']);
    expect(registry.entries()).toEqual([
      ['db', 1],
      ['cache', 2],
    ]);
    expect(registry.ownerOf('db')).toBe('prisma');
    expect(registry.ownerOf('cache')).toBe('app');
    expect(registry.ownerOf('queue')).toBeUndefined();
  });

  it('refuses a duplicate with BURROW_ERR_BOOT_DUPLICATE naming the kind, the key and both owners', () => {
    const registry = createRegistry<() => void>('operation handler');
    registry.add('listTasks', () => {}, 'tasks-plugin');
    const error = thrown(() => registry.add('listTasks', () => {}, 'other-plugin'));
    expect(error.code).toBe('BURROW_ERR_BOOT_DUPLICATE');
    expect(error.status).toBe(500);
    expect(error.detail).toBe('operation handler "listTasks" is registered twice: by tasks-plugin and by other-plugin');
  });

  it('names the app as the owner when none is given, on either side of a duplicate', () => {
    const registry = createRegistry<number>('verifier');
    registry.add('bearerAuth', 1);
    expect(thrown(() => registry.add('bearerAuth', 2, 'jwt')).detail).toBe('verifier "bearerAuth" is registered twice: by app and by jwt');
    expect(thrown(() => registry.add('bearerAuth', 3)).detail).toBe('verifier "bearerAuth" is registered twice: by app and by app');
  });

  it('keeps the first value after refusing a duplicate', () => {
    const registry = createRegistry<string>('binder');
    registry.add('x-burrow-crud', 'first', 'crud');
    thrown(() => registry.add('x-burrow-crud', 'second', 'other'));
    expect(registry.get('x-burrow-crud')).toBe('first');
    expect(registry.ownerOf('x-burrow-crud')).toBe('crud');
    expect(registry.keys()).toEqual(['x-burrow-crud']);
  });

  it('hands out copies of its keys and entries', () => {
    const registry = createRegistry<number>('step');
    registry.add('a', 1);
    registry.keys().push('b');
    registry.entries().pop();
    expect(registry.keys()).toEqual(['a']);
    expect(registry.entries()).toEqual([['a', 1]]);
  });
});

describe('registries of a kernel', () => {
  it('refuse at boot a handler that the app and a plugin both register, naming both', async () => {
    const plugin = definePlugin({ name: 'greeter', setup: (kernel) => kernel.handlers.add('hello', () => ({ status: 200, body: { hello: 'plugin' } })) });
    const error = (await createKernel({ contract: FIXTURE, handlers: fixtureHandlers, plugins: [plugin], logger: { level: 'silent' } }).catch((e) => e)) as BurrowError;
    expect(error.code).toBe('BURROW_ERR_BOOT_DUPLICATE');
    expect(error.detail).toBe('operation handler "hello" is registered twice: by app and by plugin greeter');
  });

  it('record which plugin registered a key', async () => {
    const plugin = definePlugin({ name: 'health-plugin', setup: (kernel) => kernel.health.add('db', () => {}) });
    const kernel = await createKernel({ contract: FIXTURE, handlers: fixtureHandlers, plugins: [plugin], logger: { level: 'silent' } });
    expect(kernel.health.ownerOf('db')).toBe('plugin health-plugin');
    expect(kernel.handlers.ownerOf('hello')).toBe('app');
    await kernel.close();
  });
});
