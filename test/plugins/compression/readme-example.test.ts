import { gunzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { createKernel } from '../../../core/index.js';
import { compression } from '../../../plugins/compression/index.js';

// The example of plugins/compression/README.md, with its logged values asserted.
it('runs the README example', async () => {
  const kernel = await createKernel({
    contract: {
      openapi: '3.1.0',
      info: { title: 'Hello', version: '1.0.0' },
      paths: { '/items': { get: { operationId: 'listItems', responses: { '200': { description: 'the items', content: { 'application/json': { schema: { type: 'array' } } } } } } } },
    },
    handlers: { listItems: () => ({ status: 200, body: Array.from({ length: 100 }, (_, id) => ({ id, name: `item ${id}` })) }) },
    logger: { level: 'silent' },
    plugins: [compression({ threshold: 1024, encodings: ['br', 'gzip'] })],
  });

  const res = await kernel.inject({ url: '/items', headers: { 'accept-encoding': 'gzip;q=1, br;q=0.5' } });
  expect([res.headers['content-encoding'], res.headers.vary]).toEqual(['gzip', 'Accept-Encoding']);
  expect(JSON.parse(gunzipSync(res.rawPayload).toString())).toHaveLength(100);
  const plain = await kernel.inject('/items');
  expect([plain.headers['content-encoding'], plain.json().length]).toEqual([undefined, 100]);
  await kernel.close();
});
