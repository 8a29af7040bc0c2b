import { expect, it } from 'vitest';
import { createKernel } from '../../../core/index.js';
import { openapiDocs } from '../../../plugins/openapi-docs/index.js';
import { securityHeaders } from '../../../plugins/security-headers/index.js';

// The example of plugins/security-headers/README.md, with its logged values asserted.
it('runs the README example', async () => {
  const kernel = await createKernel({
    contract: { openapi: '3.1.0', info: { title: 'Hello', version: '1.0.0' }, paths: {} },
    logger: { level: 'silent' },
    plugins: [openapiDocs(), securityHeaders({ strictTransportSecurity: { maxAge: 63072000, includeSubDomains: true, preload: true } })],
  });

  const res = await kernel.inject('/docs/');
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-security-policy']).toBe(
    "default-src 'self';base-uri 'self';font-src 'self';form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';upgrade-insecure-requests",
  );
  expect(res.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains; preload');
  await kernel.close();
});
