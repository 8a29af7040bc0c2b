import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, type BurrowError, type Kernel, type RequestContext } from '../../../core/index.js';
import { parseByteSize } from '../../../core/request/limits.js';
import { ADAPTERS, agent } from '../../helpers.js';

const OK = { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } };
const JSON_BODY = { content: { 'application/json': { schema: { type: 'object' } } } };
const MULTIPART_BODY = {
  content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } } },
};
const size = (ctx: RequestContext) => ({
  status: 200,
  body: { bytes: ctx.rawBody?.length ?? ctx.files?.reduce((n, f) => n + (f as { size: number }).size, 0) ?? 0 },
});

/** The root says 1kb (instead of the kernel's bodyLimit); `small` says 100 bytes, `large` "4kb". */
const contract = () => ({
  openapi: '3.1.0',
  info: { title: 'limits', version: '1' },
  'x-burrow-body-limit': '1kb',
  paths: {
    '/small': { post: { operationId: 'small', 'x-burrow-body-limit': 100, requestBody: JSON_BODY, responses: OK } },
    '/default': { post: { operationId: 'rootDefault', requestBody: JSON_BODY, responses: OK } },
    '/large': { post: { operationId: 'large', 'x-burrow-body-limit': '4kb', requestBody: JSON_BODY, responses: OK } },
    '/upload': { post: { operationId: 'upload', 'x-burrow-body-limit': '3KB', requestBody: MULTIPART_BODY, responses: OK } },
  },
});

/** A JSON object body of exactly `n` bytes. */
const bodyOf = (n: number) => JSON.stringify({ p: 'x'.repeat(n - 8) });

describe.each(ADAPTERS)('x-burrow-body-limit (%s)', (adapter) => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await createKernel({
      contract: contract(),
      handlers: { small: size, rootDefault: size, large: size, upload: size },
      logger: { level: 'silent' },
      // Smaller than the root's 1kb: the contract wins, for every operation.
      bodyLimit: 50,
    });
  });
  afterAll(() => kernel.close());
  const post = (path: string, body: string) => agent(kernel, adapter).post(path).set('content-type', 'application/json').send(body);

  it('answers 413 naming the operation limit, where another operation accepts the same body', async () => {
    expect(bodyOf(500).length).toBe(500);
    const refused = await post('/small', bodyOf(500));
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ code: 'BURROW_ERR_REQUEST_BODY_TOO_LARGE', detail: 'the body exceeds the limit of 100 bytes' });
    const accepted = await post('/default', bodyOf(500));
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ bytes: 500 });
  });

  it("applies the root's limit to an operation that sets none, and lets an operation raise it", async () => {
    const refused = await post('/default', bodyOf(2000));
    expect(refused.status).toBe(413);
    expect(refused.body.detail).toBe('the body exceeds the limit of 1024 bytes');
    expect((await post('/large', bodyOf(2000))).body).toEqual({ bytes: 2000 });
    expect((await post('/large', bodyOf(5000))).body.detail).toBe('the body exceeds the limit of 4096 bytes');
  });

  it('refuses a chunked body (no Content-Length) past the operation limit too', async () => {
    // Through inject (light-my-request), which sends the body as it is told: chunked, counted as it arrives.
    const chunked = (url: string, payload: string) =>
      kernel.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, payload });
    const res = await chunked('/small', bodyOf(300));
    expect(res.statusCode).toBe(413);
    expect(res.json().detail).toBe('the body exceeds the limit of 100 bytes');
    expect((await chunked('/default', bodyOf(300))).json()).toEqual({ bytes: 300 });
  });

  it('overrides the multipart limit too', async () => {
    const accepted = await agent(kernel, adapter).post('/upload').attach('file', Buffer.alloc(2000, 1), 'a.bin');
    expect(accepted.status).toBe(200);
    const refused = await agent(kernel, adapter).post('/upload').attach('file', Buffer.alloc(4000, 1), 'a.bin');
    expect(refused.status).toBe(413);
    expect(refused.body.detail).toBe('the body exceeds the limit of 3072 bytes');
  });
});

describe('body limit values', () => {
  it('reads bytes and sizes, 1024-based', () => {
    expect(parseByteSize(1)).toBe(1);
    expect(parseByteSize(1_048_576)).toBe(1_048_576);
    expect(parseByteSize('512kb')).toBe(512 * 1024);
    expect(parseByteSize('10mb')).toBe(10 * 1024 * 1024);
    expect(parseByteSize('1GB')).toBe(1024 ** 3);
    expect(parseByteSize('1.5 kb')).toBe(1536);
    expect(parseByteSize('100')).toBe(100);
    expect(parseByteSize('100b')).toBe(100);
    for (const bad of [0, -1, 1.5, '0kb', '0.1b', 'lots', ' 1kb', '1 tb', '', null, true, {}]) expect(parseByteSize(bad), String(bad)).toBeUndefined();
  });

  it('refuses a malformed x-burrow-body-limit at boot, naming its pointer', async () => {
    const error = (await createKernel({
      contract: {
        openapi: '3.1.0',
        info: { title: 'bad', version: '1' },
        'x-burrow-body-limit': 'lots',
        paths: {
          '/a': { post: { operationId: 'a', 'x-burrow-body-limit': '0kb', requestBody: JSON_BODY, responses: OK } },
          '/b': { post: { operationId: 'b', 'x-burrow-body-limit': 0, requestBody: JSON_BODY, responses: OK } },
        },
      },
      handlers: { a: size, b: size },
      logger: { level: 'silent' },
    }).catch((e) => e)) as BurrowError;
    expect(error.code).toBe('BURROW_ERR_BOOT_CONFORMANCE');
    expect(error.detail).toContain('#/x-burrow-body-limit: x-burrow-body-limit must match pattern');
    expect(error.detail).toContain('#/paths/~1a/post/x-burrow-body-limit: x-burrow-body-limit "0kb" is not a size of at least one byte');
    expect(error.detail).toContain('#/paths/~1b/post/x-burrow-body-limit: x-burrow-body-limit must be >= 1');
  });
});
