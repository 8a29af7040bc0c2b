import { describe, expect, it } from 'vitest';
import { createKernel, definePlugin, type BurrowError, type OpenApiDocument } from '../../../core/index.js';
import { FIXTURE, fixtureHandlers } from '../../helpers.js';

const boot = (options: Parameters<typeof createKernel>[0]) =>
  createKernel({ logger: { level: 'silent' }, ...options }).then(
    () => undefined,
    (error: BurrowError) => error,
  );

const doc = (extra: Record<string, unknown> = {}, operation: Record<string, unknown> = {}): OpenApiDocument => ({
  openapi: '3.0.3',
  info: { title: 't', version: '1' },
  paths: { '/a': { get: { operationId: 'getA', responses: { '204': { description: 'none' } }, ...operation } } },
  ...extra,
});

describe('boot-time conformance', () => {
  it('refuses to start when an operation has no handler, naming the operationId', async () => {
    const { getItem: _removed, ...handlers } = fixtureHandlers;
    const error = await boot({ contract: FIXTURE, handlers });
    expect(error?.code).toBe('BURROW_ERR_BOOT_CONFORMANCE');
    expect(error?.detail).toContain('no handler for operation "getItem"');
  });

  it('lists every problem in one message: missing handler, stray handler, scheme without verifier', async () => {
    const error = await boot({
      contract: doc({ components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Key' } } } }),
      handlers: { stray: () => ({ status: 204 }) },
    });
    expect(error?.detail).toContain('no handler for operation "getA"');
    expect(error?.detail).toContain('handler "stray" has no operation in the contract');
    expect(error?.detail).toContain('no verifier for security scheme "key"');
    expect((error as BurrowError & { extensions: { problems: string[] } }).extensions.problems).toHaveLength(3);
  });

  it('refuses an operation without operationId and duplicate operationIds', async () => {
    const error = await boot({
      contract: {
        openapi: '3.0.3',
        info: { title: 't', version: '1' },
        paths: {
          '/a': { get: { responses: { '204': { description: 'x' } } } },
          '/b': { get: { operationId: 'same', responses: { '204': { description: 'x' } } } },
          '/c': { get: { operationId: 'same', responses: { '204': { description: 'x' } } } },
        },
      },
      handlers: { same: () => ({ status: 204 }) },
    });
    expect(error?.detail).toContain('GET /a (#/paths/~1a/get): has no operationId');
    expect(error?.detail).toContain('GET /c (#/paths/~1c/get): operationId "same" is also used by GET /b (#/paths/~1b/get)');
  });

  it('refuses an unknown x-burrow-* extension', async () => {
    const error = await boot({ contract: doc({}, { 'x-burrow-teleport': true }), handlers: { getA: () => ({ status: 204 }) } });
    expect(error?.detail).toContain('#/paths/~1a/get/x-burrow-teleport: x-burrow-teleport is used, but no registered plugin binds it (bound extensions: none)');
  });

  it("names the Burrow plugin that binds one of Burrow's extensions", async () => {
    const error = await boot({ contract: doc({}, { 'x-burrow-rights': { groups: ['admin'] } }), handlers: { getA: () => ({ status: 204 }) } });
    expect(error?.detail).toContain('x-burrow-rights is used, but no registered plugin binds it (add the auth plugin (burrowjs/plugins/auth))');
  });

  it("refuses a malformed extension with its JSON pointer, checked against the binder's schema", async () => {
    const limits = definePlugin({
      name: 'limits',
      setup(kernel) {
        kernel.extensions.add('x-burrow-rate-limit', {
          schema: { type: 'object', required: ['points'], properties: { points: { type: 'integer', minimum: 1 } }, additionalProperties: false },
          bind: () => {},
        });
      },
    });
    const error = await boot({
      contract: doc({}, { 'x-burrow-rate-limit': { points: 0, colour: 'red' } }),
      handlers: { getA: () => ({ status: 204 }) },
      plugins: [limits],
    });
    expect(error?.detail).toContain('#/paths/~1a/get/x-burrow-rate-limit/points: x-burrow-rate-limit must be >= 1');
    expect(error?.detail).toContain('#/paths/~1a/get/x-burrow-rate-limit/colour');
  });

  it('refuses a well-formed extension that no plugin binds', async () => {
    const error = await boot({
      contract: doc({}, { 'x-burrow-cache': { maxAge: 60 } }),
      handlers: { getA: () => ({ status: 204 }) },
    });
    expect(error?.detail).toContain('x-burrow-cache is used, but no registered plugin binds it');
  });

  it('binds a well-formed extension through the plugin that registered a binder', async () => {
    const seen: unknown[] = [];
    const cache = definePlugin({
      name: 'cache',
      setup(kernel) {
        kernel.extensions.add('x-burrow-cache', { schema: { type: 'object' }, bind: (site) => void seen.push([site.operation?.id, site.value, site.pointer]) });
      },
    });
    const kernel = await createKernel({
      contract: doc({}, { 'x-burrow-cache': { maxAge: 60 } }),
      handlers: { getA: () => ({ status: 204 }) },
      plugins: [cache],
      logger: { level: 'silent' },
    });
    expect(seen).toEqual([['getA', { maxAge: 60 }, '/paths/~1a/get/x-burrow-cache']]);
    expect(kernel.operations.get('getA')?.extensions['x-burrow-cache']).toEqual({ maxAge: 60 });
    await kernel.close();
  });

  it('lets a plugin define an extension of its own with a schema', async () => {
    const plugin = definePlugin({
      name: 'audit',
      setup(kernel) {
        kernel.extensions.add('x-burrow-audit', { schema: { type: 'boolean' }, bind: () => {} });
      },
    });
    const error = await boot({ contract: doc({}, { 'x-burrow-audit': 'yes' }), handlers: { getA: () => ({ status: 204 }) }, plugins: [plugin] });
    expect(error?.detail).toContain('x-burrow-audit must be boolean');
  });
});
