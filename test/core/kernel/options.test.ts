import { describe, expect, it } from 'vitest';
import { createKernel, type BurrowError, type KernelOptions, type OpenApiDocument } from '../../../core/index.js';

const contract: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'options', version: '1' },
  paths: { '/a': { get: { operationId: 'getA', responses: { '204': { description: 'nothing' } } } } },
};
const handlers = { getA: () => ({ status: 204 }) };

const boot = (options: Partial<KernelOptions>) =>
  createKernel({ contract, handlers, logger: { level: 'silent' }, contractCache: false, ...options });

const bootError = (options: Record<string, unknown>) =>
  boot(options as Partial<KernelOptions>).then(
    async (kernel) => {
      await kernel.close();
      throw new Error('the kernel booted');
    },
    (error: BurrowError) => error,
  );

const POSITIVE = 'must be a positive number, got';

describe('kernel options', () => {
  it.each([
    ['bodyLimit', { bodyLimit: 0 }, `${POSITIVE} 0`],
    ['bodyLimit', { bodyLimit: -1 }, `${POSITIVE} -1`],
    ['bodyLimit', { bodyLimit: Number.NaN }, `${POSITIVE} NaN`],
    ['bodyLimit', { bodyLimit: Number.POSITIVE_INFINITY }, `${POSITIVE} Infinity`],
    ['bodyLimit', { bodyLimit: '1mb' }, `${POSITIVE} 1mb`],
    ['bodyTimeout', { bodyTimeout: 0 }, `${POSITIVE} 0`],
    ['bodyTimeout', { bodyTimeout: -5 }, `${POSITIVE} -5`],
    ['bodyTimeout', { bodyTimeout: 3e9 }, 'must be at most 2147483647 ms, the longest delay a Node timer takes, got 3000000000'],
    ['closeTimeout', { closeTimeout: 0 }, `${POSITIVE} 0`],
    ['closeTimeout', { closeTimeout: 2 ** 31 }, 'must be at most 2147483647 ms, the longest delay a Node timer takes, got 2147483648'],
    ['closeTimeout', { closeTimeout: Number.NaN }, `${POSITIVE} NaN`],
    ['compile', { compile: 'sometimes' }, 'must be background, lazy or eager, got "sometimes"'],
    ['responseValidation.rate', { responseValidation: { rate: 2 } }, 'must be within 0..1, got 2'],
    ['responseValidation.rate', { responseValidation: { rate: -0.5 } }, 'must be within 0..1, got -0.5'],
    ['responseValidation.rate', { responseValidation: { rate: Number.NaN } }, 'must be within 0..1, got NaN'],
    ['responseValidation.onViolation', { responseValidation: { onViolation: 'shout' } }, 'must be reject or log, got "shout"'],
    ['errorCatalog.typeBase', { errorCatalog: { typeBase: 'errors' } }, 'must be an absolute URI such as "https://api.example.com/errors", got "errors"'],
    ['errorCatalog.typeBase', { errorCatalog: { typeBase: 'https://api.example.com/my errors' } }, 'must be an absolute URI such as "https://api.example.com/errors", got "https://api.example.com/my errors"'],
    ['errorCatalog.path', { errorCatalog: { path: 'errors' } }, 'must be a path such as "/errors" (a leading slash, no trailing slash, no {template}), got "errors"'],
  ])('refuses an invalid %s (%j), naming the option', async (option, options, reason) => {
    const error = await bootError(options);
    expect(error.code).toBe('BURROW_ERR_BOOT_KERNEL_OPTION');
    expect(error.status).toBe(500);
    expect(error.detail).toBe(`createKernel option ${option}: ${reason}`);
  });

  it('checks options before it reads the contract', async () => {
    const error = await bootError({ contract: 'test/fixtures/boot/nowhere.yaml', bodyLimit: 0 });
    expect(error.code).toBe('BURROW_ERR_BOOT_KERNEL_OPTION');
  });

  it.each([
    [{ bodyLimit: 1, bodyTimeout: 1, closeTimeout: 1 }],
    [{ bodyLimit: 0.5 }],
    [{ bodyTimeout: 2_147_483_647, closeTimeout: 2_147_483_647 }],
    [{ compile: 'lazy' }],
    [{ compile: 'eager' }],
    [{ responseValidation: { rate: 0 } }],
    [{ responseValidation: { rate: 1, onViolation: 'log' } }],
    [{ responseValidation: false }],
    [{ errorCatalog: { typeBase: 'urn:example:errors' } }],
    [{ errorCatalog: { path: '/api-errors/v1.0' } }],
  ])('accepts %j', async (options) => {
    const kernel = await boot(options as Partial<KernelOptions>);
    expect((await kernel.inject('/a')).statusCode).toBe(204);
    await kernel.close();
  });

  it('applies bodyLimit: one byte over is a 413 naming the limit', async () => {
    const kernel = await createKernel({
      contract: {
        openapi: '3.1.0',
        info: { title: 'limit', version: '1' },
        paths: { '/a': { post: { operationId: 'postA', requestBody: { content: { 'application/json': { schema: {} } } }, responses: { '204': { description: 'ok' } } } } },
      },
      handlers: { postA: () => ({ status: 204 }) },
      logger: { level: 'silent' },
      contractCache: false,
      bodyLimit: 10,
    });
    expect((await kernel.inject({ method: 'POST', url: '/a', headers: { 'content-type': 'application/json' }, payload: '"12345678"' })).statusCode).toBe(204);
    const over = await kernel.inject({ method: 'POST', url: '/a', headers: { 'content-type': 'application/json' }, payload: '"123456789"' });
    expect(over.statusCode).toBe(413);
    expect(over.json()).toMatchObject({ code: 'BURROW_ERR_REQUEST_BODY_TOO_LARGE', detail: 'the body exceeds the limit of 10 bytes' });
    await kernel.close();
  });
});
