import { describe, expect, it } from 'vitest';
import { createKernel } from '../../../core/index.js';

// RFC 6585 §3: "The 428 status code indicates that the origin server requires the request to be conditional."
const contract = {
  openapi: '3.1.0',
  info: { title: 'preconditions', version: '1' },
  paths: {
    '/notes/{id}': {
      put: {
        operationId: 'replaceNote',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'integer' } },
          { name: 'If-Match', in: 'header', required: true, schema: { type: 'string' } },
        ],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { text: { type: 'string' } } } } } },
        responses: { '200': { description: 'replaced', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
  },
};

describe('a required If-Match header', () => {
  const boot = () => createKernel({ contract, handlers: { replaceNote: () => ({ status: 200, body: {} }) }, logger: { level: 'silent' }, contractCache: false });

  it('answers 428 with its code when the header is missing', async () => {
    const kernel = await boot();
    const res = await kernel.inject({ method: 'PUT', url: '/notes/1', payload: { text: 'a' } });
    expect(res.statusCode).toBe(428);
    expect(res.json()).toMatchObject({ code: 'BURROW_ERR_REQUEST_PRECONDITION_REQUIRED', status: 428 });
    expect(res.json().detail).toBe('replaceNote requires the If-Match header');
    await kernel.close();
  });

  it('still answers 400 for other failures when the header is present', async () => {
    const kernel = await boot();
    const res = await kernel.inject({ method: 'PUT', url: '/notes/x', headers: { 'if-match': '"a"' }, payload: { text: 'a' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('BURROW_ERR_REQUEST_VALIDATION');
    const ok = await kernel.inject({ method: 'PUT', url: '/notes/1', headers: { 'if-match': '"a"' }, payload: { text: 'a' } });
    expect(ok.statusCode).toBe(200);
    await kernel.close();
  });
});

describe('extension binders', () => {
  it('report problems from bind and from done, gathered into one boot error', async () => {
    const attempt = createKernel({
      contract: { ...contract, 'x-acme-check': { n: 1 } },
      handlers: { replaceNote: () => ({ status: 200, body: {} }) },
      logger: { level: 'silent' },
      contractCache: false,
      plugins: [
        {
          name: 'acme',
          dependsOn: [],
          setup(kernel) {
            kernel.extensions.add('x-acme-check', {
              schema: { type: 'object' },
              bind: () => ({ problems: ['first problem'] }),
              done: () => ['second problem'],
            });
          },
        },
      ],
    });
    await expect(attempt).rejects.toMatchObject({ code: 'BURROW_ERR_BOOT_CONFORMANCE', extensions: { problems: expect.arrayContaining(['first problem', 'second problem']) } });
  });
});
