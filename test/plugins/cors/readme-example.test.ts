import { expect, it } from 'vitest';
import { createKernel } from '../../../core/index.js';
import { cors } from '../../../plugins/cors/index.js';

// The example of plugins/cors/README.md, with its logged values asserted.
it('runs the README example', async () => {
  const kernel = await createKernel({
    contract: {
      openapi: '3.1.0',
      info: { title: 'Pets', version: '1.0.0' },
      paths: {
        '/pets': {
          get: {
            operationId: 'listPets',
            parameters: [{ name: 'X-Page-Size', in: 'header', schema: { type: 'integer' } }],
            responses: { '200': { description: 'The pets.', headers: { 'X-Total-Count': { schema: { type: 'integer' } } } } },
          },
        },
      },
    },
    logger: { level: 'silent' },
    handlers: { listPets: () => ({ status: 200, headers: { 'x-total-count': '0' } }) },
    plugins: [cors({ origins: ['https://app.example.com', 'https://*.example.org'], credentials: true })],
  });

  const preflight = await kernel.inject({
    method: 'OPTIONS',
    url: '/pets',
    headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-page-size' },
  });
  expect([preflight.statusCode, preflight.headers['access-control-allow-headers']]).toEqual([204, 'Accept, Accept-Language, Content-Language, X-Page-Size, X-Request-Id']);

  const res = await kernel.inject({ url: '/pets', headers: { origin: 'https://shop.example.org' } });
  expect([res.headers['access-control-allow-origin'], res.headers['access-control-allow-credentials']]).toEqual(['https://shop.example.org', 'true']);
  expect(res.headers['access-control-expose-headers']).toBe('X-Total-Count, X-Request-Id, Retry-After, RateLimit, RateLimit-Policy, X-Burrow-Instance, ETag, Location, WWW-Authenticate');

  const stranger = await kernel.inject({ method: 'OPTIONS', url: '/pets', headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'GET' } });
  expect([stranger.statusCode, stranger.json().code]).toEqual([403, 'BURROW_ERR_CORS_ORIGIN_DENIED']);
  await kernel.close();
});
