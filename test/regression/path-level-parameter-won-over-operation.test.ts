import { describe, expect, it } from 'vitest';
import { createKernel } from '../../core/index.js';

// openapi-backend lists an operation's parameters, then its path item's: a parameter defined
// at both levels was validated twice and the path-level schema won, though OpenAPI says the
// operation's definition "will override it but can never remove it".
describe('a path-level parameter the operation defines again', () => {
  it('is validated by the operation definition', async () => {
    const kernel = await createKernel({
      contract: {
        openapi: '3.0.3',
        info: { title: 'override', version: '1' },
        paths: {
          '/items': {
            parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', maximum: 10 } }],
            get: { operationId: 'listItems', parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', maximum: 100 } }], responses: { '204': { description: 'listed' } } },
          },
        },
      },
      handlers: { listItems: () => ({ status: 204 }) },
      logger: { level: 'silent' },
    });
    expect((await kernel.inject({ method: 'GET', url: '/items?limit=50' })).statusCode).toBe(204);
    const res = await kernel.inject({ method: 'GET', url: '/items?limit=500' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ in: 'query', name: 'limit', pointer: '', message: 'must be <= 100' }]);
    await kernel.close();
  });
});
