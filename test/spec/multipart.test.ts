/**
 * OpenAPI 3.0.3 and 3.1.0, Media Type Object, "Special Considerations for multipart
 * Content": "In contrast to 2.0, a schema is REQUIRED to define the input parameters to
 * the operation when using multipart content"; the default Content-Types: "If the
 * property is a primitive, or an array of primitive values, the default Content-Type is
 * text/plain; If the property is complex, or an array of complex values, the default
 * Content-Type is application/json"; 3.0.3: "If the property is a type: string with
 * format: binary or format: base64 (aka a file object), the default Content-Type is
 * application/octet-stream". 3.1.0 (Considerations for File Uploads): binary content is
 * described by `contentMediaType`; "To upload multiple files, a multipart media type
 * MUST be used" (an array whose items describe bytes). Encoding Object, `contentType`:
 * "The value can be a specific media type (e.g. application/json), a wildcard media type
 * (e.g. image/*), or a comma-separated list of the two types." Parts are RFC 7578's.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, type Kernel, type KernelOptions, type RequestContext } from '../../core/index.js';
import { ADAPTERS, agent } from '../helpers.js';

const MULTIPART = 'test/fixtures/spec/media-types/multipart.yaml';
const MULTIPART_31 = 'test/fixtures/spec/media-types/multipart-3.1.yaml';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);

interface Part {
  name: string;
  value: string | Buffer;
  filename?: string;
  type?: string;
}

/** A multipart/form-data body, as a browser sends one. */
function form(parts: Part[], boundary = 'burrow-test-boundary'): { payload: Buffer; headers: Record<string, string> } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\ncontent-disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    if (part.type) head += `\r\ncontent-type: ${part.type}`;
    chunks.push(Buffer.from(`${head}\r\n\r\n`), Buffer.from(part.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Describes a body value: Buffers by hex, streams as such. */
const describeValue = (value: unknown): unknown =>
  Buffer.isBuffer(value) ? { buffer: value.toString('hex') } : value instanceof Readable ? 'stream' : Array.isArray(value) ? value.map(describeValue) : value;

const seen = (ctx: RequestContext) => ({
  status: 200,
  body: { body: Object.fromEntries(Object.entries(ctx.body as object).map(([k, v]) => [k, describeValue(v)])), files: ctx.files },
});

function multipartKernel(options: Partial<KernelOptions> = {}, contract = MULTIPART, handlers: Record<string, (ctx: RequestContext) => unknown> = { upload: seen, avatar: seen }): Promise<Kernel> {
  return createKernel({ contract, handlers, logger: { level: 'silent' }, ...options });
}

const required = [
  { name: 'title', value: 'Holiday' },
  { name: 'file', value: PNG, filename: 'sea.png', type: 'image/png' },
];

describe('multipart/form-data bodies', () => {
  let kernel: Kernel;
  beforeAll(async () => void (kernel = await multipartKernel({ multipart: { partLimit: 64, parts: 8 } })));
  afterAll(() => kernel.close());
  const upload = (parts: Part[], url = '/upload') => kernel.inject({ method: 'POST', url, ...form(parts) });

  it('hands text parts over coerced to their schema types, a file as a Buffer, and the file’s name and type in ctx.files', async () => {
    const res = await upload([
      { name: 'title', value: 'Holiday' },
      { name: 'count', value: '3' },
      { name: 'public', value: 'true' },
      { name: 'tags', value: 'sea' },
      { name: 'meta', value: '{"author":"Ada"}' },
      { name: 'file', value: PNG, filename: 'sea.png', type: 'image/png' },
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      body: { title: 'Holiday', count: 3, public: true, tags: ['sea'], meta: { author: 'Ada' }, file: { buffer: PNG.toString('hex') } },
      files: [{ name: 'file', filename: 'sea.png', mimeType: 'image/png', size: PNG.length }],
    });
  });

  it('collects the parts of an array property, files included, into a list', async () => {
    const res = await upload([
      ...required,
      { name: 'tags', value: 'a' },
      { name: 'tags', value: 'b' },
      { name: 'attachments', value: 'one', filename: 'a.txt', type: 'text/plain' },
      { name: 'attachments', value: 'two', filename: 'b.bin', type: 'application/octet-stream' },
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json().body).toMatchObject({ tags: ['a', 'b'], attachments: [{ buffer: Buffer.from('one').toString('hex') }, { buffer: Buffer.from('two').toString('hex') }] });
  });

  it('answers a missing required part with 400 BURROW_ERR_REQUEST_VALIDATION naming it', async () => {
    const res = await upload([{ name: 'title', value: 'Holiday' }]);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'BURROW_ERR_REQUEST_VALIDATION', errors: [{ in: 'body', pointer: '/file', message: 'is required' }] });
  });

  it('validates a file part as present, not as a string, and text parts against their schemas', async () => {
    const res = await upload([...required, { name: 'count', value: 'zero' }, { name: 'title', value: '' }]);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('BURROW_ERR_REQUEST_VALIDATION');
    // Two title parts for a string property: a list that is not a string.
    expect(res.json().errors).toEqual(
      expect.arrayContaining([
        { in: 'body', pointer: '/title', message: 'must be string' },
        { in: 'body', pointer: '/count', message: 'must be integer' },
      ]),
    );
    const tooMany = await upload([...required, ...['a', 'b', 'c'].map((n) => ({ name: 'attachments', value: n, filename: `${n}.bin` }))]);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().errors).toEqual([{ in: 'body', pointer: '/attachments', message: 'must NOT have more than 2 items' }]);
  });

  it('answers a part whose Content-Type its encoding does not allow with 415 BURROW_ERR_REQUEST_PART_UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await upload([{ name: 'title', value: 'x' }, { name: 'file', value: 'GIF89a', filename: 'a.gif', type: 'image/gif' }]);
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({
      code: 'BURROW_ERR_REQUEST_PART_UNSUPPORTED_MEDIA_TYPE',
      detail: 'part "file" has Content-Type image/gif; the contract accepts image/png, image/jpeg',
    });
    const jpeg = await upload([{ name: 'title', value: 'x' }, { name: 'file', value: 'jpeg', filename: 'a.jpg', type: 'image/jpeg' }]);
    expect(jpeg.statusCode).toBe(200);
  });

  it('answers a JSON part (an object property) that does not parse with 400 BURROW_ERR_REQUEST_MALFORMED_BODY naming it', async () => {
    const res = await upload([...required, { name: 'meta', value: '{author' }]);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'BURROW_ERR_REQUEST_MALFORMED_BODY', detail: expect.stringMatching(/^the body is not valid JSON in "meta": /) });
  });

  it('answers a part larger than multipart.partLimit with 413 BURROW_ERR_REQUEST_PART_TOO_LARGE, a file or a field', async () => {
    const file = await upload([{ name: 'title', value: 'x' }, { name: 'file', value: Buffer.alloc(65), filename: 'big.png', type: 'image/png' }]);
    expect(file.statusCode).toBe(413);
    expect(file.json()).toMatchObject({ code: 'BURROW_ERR_REQUEST_PART_TOO_LARGE', detail: 'part "file" exceeds the limit of 64 bytes' });
    expect(file.headers.connection).not.toBe('close');
    const field = await upload([{ name: 'title', value: 'x'.repeat(65) }, required[1]!]);
    expect(field.statusCode).toBe(413);
    expect(field.json()).toMatchObject({ code: 'BURROW_ERR_REQUEST_PART_TOO_LARGE', detail: 'part "title" exceeds the limit of 64 bytes' });
  });

  it('accepts a part of exactly multipart.partLimit bytes', async () => {
    const res = await upload([{ name: 'title', value: 'x'.repeat(64) }, { name: 'file', value: Buffer.alloc(64), filename: 'a.png', type: 'image/png' }]);
    expect(res.statusCode).toBe(200);
  });

  it('answers more parts than multipart.parts with 413 BURROW_ERR_REQUEST_TOO_MANY_PARTS', async () => {
    const res = await upload([...required, ...Array.from({ length: 7 }, (_, i) => ({ name: 'tags', value: String(i) }))]);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'BURROW_ERR_REQUEST_TOO_MANY_PARTS', detail: 'the multipart body has more than 8 parts' });
    const exactly = await upload([...required, ...Array.from({ length: 6 }, (_, i) => ({ name: 'tags', value: String(i) }))]);
    expect(exactly.statusCode).toBe(200);
  });

  it('answers a malformed body with 400 BURROW_ERR_REQUEST_MALFORMED_BODY: no boundary, no closing boundary, a broken part header', async () => {
    const noBoundary = await kernel.inject({ method: 'POST', url: '/upload', headers: { 'content-type': 'multipart/form-data' }, payload: 'x' });
    expect(noBoundary.statusCode).toBe(400);
    expect(noBoundary.json()).toMatchObject({ code: 'BURROW_ERR_REQUEST_MALFORMED_BODY', detail: 'the body is not valid multipart/form-data: Multipart: Boundary not found' });
    const { payload, headers } = form(required);
    const truncated = await kernel.inject({ method: 'POST', url: '/upload', headers, payload: payload.subarray(0, payload.length - 30) });
    expect(truncated.statusCode).toBe(400);
    expect(truncated.json()).toMatchObject({ code: 'BURROW_ERR_REQUEST_MALFORMED_BODY', detail: 'the body is not valid multipart/form-data: Unexpected end of form' });
    const broken = await kernel.inject({ method: 'POST', url: '/upload', headers, payload: '--burrow-test-boundary\r\ncontent-disposition form-data\r\n\r\nx\r\n--burrow-test-boundary--\r\n' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().code).toBe('BURROW_ERR_REQUEST_MALFORMED_BODY');
  });

  it('parses a body that arrives a few bytes at a time, boundaries split across chunks', async () => {
    const { payload, headers } = form([...required, { name: 'meta', value: '{"author":"Ada"}' }, { name: 'tags', value: 'x' }]);
    const chunks = Array.from({ length: Math.ceil(payload.length / 7) }, (_, i) => payload.subarray(i * 7, i * 7 + 7));
    const res = await kernel.inject({ method: 'POST', url: '/upload', headers: { ...headers, 'transfer-encoding': 'chunked' }, payload: Readable.from(chunks) });
    expect(res.statusCode).toBe(200);
    expect(res.json().body).toEqual({ title: 'Holiday', file: { buffer: PNG.toString('hex') }, meta: { author: 'Ada' }, tags: ['x'] });
  });

  it('hands a binary property sent without a filename over as bytes too', async () => {
    const res = await upload([{ name: 'user', value: '7' }, { name: 'avatar', value: 'abc' }], '/avatar');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ body: { user: 7, avatar: { buffer: Buffer.from('abc').toString('hex') } }, files: [] });
  });
});

describe('multipart limits', () => {
  it('answers a body over multipart.limit with 413 BURROW_ERR_REQUEST_BODY_TOO_LARGE once it has arrived', async () => {
    const kernel = await multipartKernel({ bodyLimit: 100_000, multipart: { limit: 500 } });
    try {
      const res = await kernel.inject({ method: 'POST', url: '/upload', ...form([{ name: 'title', value: 'x' }, { name: 'file', value: Buffer.alloc(600), filename: 'a.png', type: 'image/png' }]) });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ code: 'BURROW_ERR_REQUEST_BODY_TOO_LARGE', detail: 'the body exceeds the limit of 500 bytes' });
      expect(res.headers.connection).not.toBe('close');
      // A chunked body is counted as it arrives.
      const { payload, headers } = form([{ name: 'title', value: 'x' }, { name: 'file', value: Buffer.alloc(600), filename: 'a.png', type: 'image/png' }]);
      const chunked = await kernel.inject({ method: 'POST', url: '/upload', headers: { ...headers, 'transfer-encoding': 'chunked' }, payload });
      expect(chunked.statusCode).toBe(413);
      expect(chunked.json().code).toBe('BURROW_ERR_REQUEST_BODY_TOO_LARGE');
    } finally {
      await kernel.close();
    }
  });

  it('defaults the multipart limit and each part’s limit to bodyLimit', async () => {
    const kernel = await multipartKernel({ bodyLimit: 300 });
    try {
      const res = await kernel.inject({ method: 'POST', url: '/upload', ...form([{ name: 'title', value: 'x' }, { name: 'file', value: Buffer.alloc(400), filename: 'a.png', type: 'image/png' }]) });
      expect(res.statusCode).toBe(413);
      expect(res.json().code).toBe('BURROW_ERR_REQUEST_BODY_TOO_LARGE');
    } finally {
      await kernel.close();
    }
  });

  it('refuses malformed multipart options at boot with BURROW_ERR_BOOT_KERNEL_OPTION', async () => {
    await expect(multipartKernel({ multipart: { files: 'disk' as never } })).rejects.toMatchObject({ code: 'BURROW_ERR_BOOT_KERNEL_OPTION', detail: expect.stringContaining('multipart.files') });
    await expect(multipartKernel({ multipart: { partLimit: 0 } })).rejects.toMatchObject({ code: 'BURROW_ERR_BOOT_KERNEL_OPTION', detail: expect.stringContaining('multipart.partLimit') });
  });
});

describe.each(ADAPTERS)('multipart from a client (%s)', (adapter) => {
  let kernel: Kernel;
  beforeAll(async () => void (kernel = await multipartKernel()));
  afterAll(() => kernel.close());

  it('reads what supertest’s field() and attach() send', async () => {
    const res = await agent(kernel, adapter).post('/upload').field('title', 'Holiday').field('count', '2').attach('file', PNG, { filename: 'sea.png', contentType: 'image/png' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ body: { title: 'Holiday', count: 2, file: { buffer: PNG.toString('hex') } }, files: [{ name: 'file', filename: 'sea.png', mimeType: 'image/png', size: PNG.length }] });
  });
});

describe('multipart in OpenAPI 3.1: binary by contentMediaType', () => {
  let kernel: Kernel;
  beforeAll(async () => void (kernel = await multipartKernel({}, MULTIPART_31, { upload: seen })));
  afterAll(() => kernel.close());

  it('takes a contentMediaType property as bytes, validated as present', async () => {
    const res = await kernel.inject({
      method: 'POST',
      url: '/upload',
      ...form([
        { name: 'title', value: 'scan' },
        { name: 'picture', value: PNG, filename: 'p.png', type: 'image/png' },
        { name: 'scans', value: '%PDF', filename: 'a.pdf', type: 'application/pdf' },
      ]),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().body).toEqual({ title: 'scan', picture: { buffer: PNG.toString('hex') }, scans: [{ buffer: Buffer.from('%PDF').toString('hex') }] });
    const missing = await kernel.inject({ method: 'POST', url: '/upload', ...form([{ name: 'title', value: 'scan' }]) });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toEqual([{ in: 'body', pointer: '/picture', message: 'is required' }]);
  });
});

describe('multipart files as streams (multipart.files: stream)', () => {
  let kernel: Kernel;
  const read = async (ctx: RequestContext) => {
    const body = ctx.body as { user: number; avatar: Readable };
    const chunks: Buffer[] = [];
    for await (const chunk of body.avatar) chunks.push(chunk as Buffer);
    return { status: 200, body: { user: body.user, size: Buffer.concat(chunks).length, files: ctx.files } };
  };
  beforeAll(async () => void (kernel = await multipartKernel({ multipart: { files: 'stream', partLimit: 100_000, limit: 200_000 } }, MULTIPART, { upload: seen, avatar: read })));
  afterAll(() => kernel.close());
  const send = (parts: Part[]) => kernel.inject({ method: 'POST', url: '/avatar', ...form(parts) });

  it('hands the handler a Readable of the file, once the parts before it are read and validated', async () => {
    const res = await send([{ name: 'user', value: '7' }, { name: 'avatar', value: Buffer.alloc(50_000, 1), filename: 'me.png', type: 'image/png' }]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ user: 7, size: 50_000, files: [{ name: 'avatar', filename: 'me.png', mimeType: 'image/png' }] });
  });

  it('streams a file that arrives a few kilobytes at a time', async () => {
    const { payload, headers } = form([{ name: 'user', value: '7' }, { name: 'avatar', value: Buffer.alloc(90_000, 3), filename: 'me.png' }]);
    const chunks = Array.from({ length: Math.ceil(payload.length / 4096) }, (_, i) => payload.subarray(i * 4096, i * 4096 + 4096));
    const res = await kernel.inject({ method: 'POST', url: '/avatar', headers: { ...headers, 'transfer-encoding': 'chunked' }, payload: Readable.from(chunks) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ user: 7, size: 90_000 });
  });

  it('validates the parts before the file before the handler runs (400 BURROW_ERR_REQUEST_VALIDATION)', async () => {
    const res = await send([{ name: 'user', value: 'me' }, { name: 'avatar', value: 'x', filename: 'me.png' }]);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'BURROW_ERR_REQUEST_VALIDATION', errors: [{ in: 'body', pointer: '/user', message: 'must be integer' }] });
  });

  it('fails the stream with 400 BURROW_ERR_REQUEST_PART_ORDER when a part follows the file', async () => {
    const res = await send([{ name: 'user', value: '7' }, { name: 'avatar', value: 'x', filename: 'me.png' }, { name: 'note', value: 'late' }]);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'BURROW_ERR_REQUEST_PART_ORDER', detail: 'part "note" follows the file part "avatar"; with streamed uploads, the file must be the last part' });
  });

  it('fails the stream with 413 BURROW_ERR_REQUEST_PART_TOO_LARGE when the file passes the part limit', async () => {
    const res = await send([{ name: 'user', value: '7' }, { name: 'avatar', value: Buffer.alloc(100_001), filename: 'me.png' }]);
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('BURROW_ERR_REQUEST_PART_TOO_LARGE');
  });

  it('drains an upload the handler does not read, and the connection serves the next request', async () => {
    const ignoring = await multipartKernel({ multipart: { files: 'stream' } }, MULTIPART, { upload: seen, avatar: () => ({ status: 200, body: { ignored: true } }) });
    try {
      const { url } = await ignoring.listen({ port: 0 });
      const big = form([{ name: 'user', value: '7' }, { name: 'avatar', value: Buffer.alloc(200_000, 2), filename: 'me.png' }]);
      const first = await fetch(`${url}/avatar`, { method: 'POST', headers: big.headers, body: new Uint8Array(big.payload) });
      expect(first.status).toBe(200);
      expect(await first.json()).toEqual({ ignored: true });
      const second = await fetch(`${url}/avatar`, { method: 'POST', headers: big.headers, body: new Uint8Array(big.payload) });
      expect(second.status).toBe(200);
    } finally {
      await ignoring.close();
    }
  });
});
