import { describe, expect, it } from 'vitest';
import { createKernel } from '../../core/index.js';

// Ajv refuses `nullable: true` without `type` ("nullable" cannot be used without "type"): the
// contract booted, and every request of the operation answered 500. OpenAPI 3.0.3 gives such
// a `nullable` no effect ("only if type is explicitly defined within the same Schema Object").
describe('a 3.0 schema with nullable and no type', () => {
  it('accepts every value', async () => {
    const kernel = await createKernel({
      contract: {
        openapi: '3.0.3',
        info: { title: 'nullable', version: '1' },
        paths: { '/x': { post: { operationId: 'x', requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { any: { nullable: true } } } } } }, responses: { '204': { description: 'done' } } } } },
      },
      handlers: { x: () => ({ status: 204 }) },
      logger: { level: 'silent' },
    });
    for (const any of [null, 1, 'text']) {
      const res = await kernel.inject({ method: 'POST', url: '/x', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ any }) });
      expect(res.statusCode).toBe(204);
    }
    await kernel.close();
  });
});
