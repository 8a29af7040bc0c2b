import { describe, expect, it } from 'vitest';
import { createKernel, loadContract, type BurrowError } from '../../../core/index.js';

describe('contract loading', () => {
  it('joins split YAML files through relative $refs into one document', async () => {
    const contract = await loadContract('test/fixtures/split/api.yaml');
    expect(contract.version).toBe('3.1');
    expect(contract.document.paths!['/notes'].post.operationId).toBe('createNote');
    expect(JSON.stringify(contract.document)).not.toMatch(/\.yaml/);
  });

  it('validates a 3.1 contract as 3.1: type arrays and prefixItems work at request time', async () => {
    const kernel = await createKernel({
      contract: 'test/fixtures/split/api.yaml',
      logger: { level: 'silent' },
      handlers: { createNote: (ctx: { body: unknown }) => ({ status: 201, body: ctx.body }) },
    });
    const ok = await kernel.inject({ method: 'POST', url: '/notes', payload: { text: 'a', parent: null, tags: ['first', 'x'] } });
    expect(ok.statusCode).toBe(201);
    const bad = await kernel.inject({ method: 'POST', url: '/notes', payload: { text: 'a', parent: 3, tags: ['second'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/parent', '/tags/0']);
    await kernel.close();
  });

  it('validates a 3.0 contract as 3.0: nullable is honoured', async () => {
    const kernel = await createKernel({
      contract: {
        openapi: '3.0.3',
        info: { title: 'inline', version: '1' },
        paths: {
          '/x': {
            post: {
              operationId: 'x',
              requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { a: { type: 'string', nullable: true } } } } } },
              responses: { '204': { description: 'done' } },
            },
          },
        },
      },
      logger: { level: 'silent' },
      handlers: { x: () => ({ status: 204 }) },
    });
    expect((await kernel.inject({ method: 'POST', url: '/x', payload: { a: null } })).statusCode).toBe(204);
    expect((await kernel.inject({ method: 'POST', url: '/x', payload: { a: 1 } })).statusCode).toBe(400);
    await kernel.close();
  });

  it('refuses a 3.1 feature in a 3.0 contract', async () => {
    const error = await loadContract({
      openapi: '3.0.3',
      info: { title: 'x', version: '1', license: { name: 'MIT', identifier: 'MIT' } },
      paths: {},
    }).catch((e: BurrowError) => e);
    expect((error as BurrowError).code).toBe('BURROW_ERR_BOOT_CONTRACT_INVALID');
    expect((error as BurrowError).detail).toContain('/info/license');
  });

  it('stops the boot listing every problem with its file and JSON pointer', async () => {
    const error = (await loadContract('test/fixtures/broken/api.yaml').catch((e) => e)) as BurrowError & { extensions: any };
    expect(error.code).toBe('BURROW_ERR_BOOT_CONTRACT_INVALID');
    const problems = error.extensions.problems as { file: string; pointer: string; message: string }[];
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'test/fixtures/broken/paths.yaml', pointer: expect.stringMatching(/^\/a\/get\/parameters\/0/) }),
        expect.objectContaining({ file: 'test/fixtures/broken/api.yaml', pointer: '/paths/~1b/get/responses/200/description', message: 'must be string' }),
      ]),
    );
    expect(error.detail).toContain('test/fixtures/broken/paths.yaml#/a/get/parameters/0');
  });

  it('names the file when a $ref points at a missing file', async () => {
    const error = (await loadContract({ openapi: '3.0.3', info: { title: 'x', version: '1' }, paths: { '/a': { $ref: './does-not-exist.yaml' } } }).catch((e) => e)) as BurrowError;
    expect(error.code).toBe('BURROW_ERR_BOOT_CONTRACT_UNREADABLE');
    expect(error.detail).toContain('<inline>#/paths/~1a: $ref "./does-not-exist.yaml" names a file that cannot be read');
  });

  it('refuses a document that is not OpenAPI 3.0 or 3.1', async () => {
    const error = (await loadContract({ openapi: '2.0', info: { title: 'x', version: '1' }, paths: {} } as never).catch((e) => e)) as BurrowError;
    expect(error.detail).toContain('3.0.x or 3.1.x');
  });
});
