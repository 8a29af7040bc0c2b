import { describe, expect, it } from 'vitest';
import { createKernel } from '../../core/index.js';

// json-schema-ref-parser merges the keys beside a `$ref` over a copy of its target, so the
// copy and the target shared their `properties` and `required`. openapi-backend's cycle
// removal then turned the second use of each shared object into a `$ref` — also where a
// `properties` map or a `required` array stood — and Ajv refused the schema ("properties/$ref
// must be object,boolean", "required must be array") on every request of the operation.
describe('a 3.1 $ref with keywords beside it, in a recursive schema used twice by one operation', () => {
  it('compiles and validates', async () => {
    const kernel = await createKernel({
      contract: {
        openapi: '3.1.0',
        info: { title: 'siblings', version: '1' },
        paths: {
          '/nodes': {
            post: {
              operationId: 'addNode',
              parameters: [{ name: 'filter', in: 'query', content: { 'application/json': { schema: { $ref: '#/components/schemas/Node' } } } }],
              requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Node' } } } },
              responses: { '204': { description: 'stored' } },
            },
          },
        },
        components: {
          schemas: {
            Node: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/components/schemas/Node', description: 'a child' } } } },
          },
        },
      },
      handlers: { addNode: () => ({ status: 204 }) },
      logger: { level: 'silent' },
    });
    const post = (body: unknown) => kernel.inject({ method: 'POST', url: '/nodes', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    expect((await post({ name: 'a', children: [{ name: 'b' }] })).statusCode).toBe(204);
    const res = await post({ name: 'a', children: [{}] });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ in: 'body', pointer: '/children/0/name', message: 'is required' }]);
    await kernel.close();
  });
});
