import { describe, expect, it } from 'vitest';
import { createKernel } from '../../core/index.js';

// Ajv validates a recursive schema by recursion, one call per level of the value: a body of a
// few thousand nested levels overflowed the stack inside the validator, a 500 on every such
// request. The depth of a value validated against a recursive schema is bounded first.
describe('a deeply nested body against a recursive schema', () => {
  it('is a 400 naming where it nests too deep, not a stack overflow', async () => {
    const node = { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } } };
    const kernel = await createKernel({
      contract: {
        openapi: '3.0.3',
        info: { title: 'trees', version: '1' },
        paths: { '/trees': { post: { operationId: 'addTree', requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Node' } } } }, responses: { '204': { description: 'stored' } } } } },
        components: { schemas: { Node: node } },
      },
      handlers: { addTree: () => ({ status: 204 }) },
      logger: { level: 'silent' },
    });
    const payload = '{"children":['.repeat(10_000) + '{}' + ']}'.repeat(10_000);
    const res = await kernel.inject({ method: 'POST', url: '/trees', headers: { 'content-type': 'application/json' }, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('BURROW_ERR_REQUEST_VALIDATION');
    expect(res.json().errors).toEqual([{ in: 'body', pointer: '/children', message: 'nests deeper than 512 levels' }]);
    await kernel.close();
  });
});
