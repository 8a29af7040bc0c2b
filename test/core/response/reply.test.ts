import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, type CompiledOperation, type Kernel, type RequestContext } from '../../../core/index.js';
import { checkReply, declaredStatusKey, type Reply } from '../../../core/response/reply.js';
import { RawConnection } from '../request/raw-http.js';

const REPLIES = 'test/fixtures/replies.yaml';

/** Each handler answers the reply the test put in `x-reply` (JSON; a `bytes` body becomes a Buffer). */
const replyFromHeader = (ctx: RequestContext): Reply => {
  const reply = JSON.parse(String(ctx.headers['x-reply'])) as Reply & { bytes?: number[] };
  if (reply.bytes) return { status: reply.status, body: Buffer.from(reply.bytes), headers: reply.headers };
  return reply;
};
const handlers = { exact: replyFromHeader, vendor: replyFromHeader, text: replyFromHeader, csv: replyFromHeader, file: replyFromHeader, empty: replyFromHeader };

function repliesKernel(options: { responseValidation?: boolean } = {}): Promise<Kernel> {
  return createKernel({ contract: REPLIES, handlers, logger: { level: 'silent' }, ...options });
}

// One kernel over the replies fixture for the checks that need compiled operations.
let kernel: Kernel;
const op = (id: string): CompiledOperation => kernel.operations.get(id)!;
beforeAll(async () => {
  kernel = await repliesKernel();
});
afterAll(() => kernel.close());

describe('declaredStatusKey', () => {
  it('prefers the exact status, then its range, then default', () => {
    expect(declaredStatusKey(op('exact'), 200)).toBe('200');
    expect(declaredStatusKey(op('exact'), 201)).toBe('2XX');
    expect(declaredStatusKey(op('exact'), 299)).toBe('2XX');
    expect(declaredStatusKey(op('exact'), 404)).toBe('default');
    expect(declaredStatusKey(op('exact'), 503)).toBe('default');
  });

  it('finds nothing for a status the contract does not declare, nor for the 4XX/5XX problems Burrow added', () => {
    expect(declaredStatusKey(op('text'), 201)).toBeUndefined();
    expect(declaredStatusKey(op('text'), 404)).toBeUndefined();
    expect(declaredStatusKey(op('text'), 500)).toBeUndefined();
    expect(declaredStatusKey(op('empty'), 404)).toBe('404');
  });
});

describe('checkReply', () => {
  it('finds nothing wrong with a reply that matches its declared status', () => {
    expect(checkReply(op('exact'), { status: 200, body: { ok: true } })).toEqual([]);
    expect(checkReply(op('exact'), { status: 202, body: { range: 'accepted' } })).toEqual([]);
    expect(checkReply(op('exact'), { status: 418, body: { fallback: 'teapot' } })).toEqual([]);
    expect(checkReply(op('empty'), { status: 204 })).toEqual([]);
  });

  it('checks the body against the schema of the key the status falls under', () => {
    expect(checkReply(op('exact'), { status: 200, body: { ok: 'yes' } })).toEqual([{ in: 'response', pointer: '/ok', message: 'must be boolean' }]);
    expect(checkReply(op('exact'), { status: 201, body: { ok: true } })).toEqual([{ in: 'response', pointer: '/range', message: 'is required' }]);
    expect(checkReply(op('exact'), { status: 500, body: {} })).toEqual([{ in: 'response', pointer: '/fallback', message: 'is required' }]);
  });

  it('reports an undeclared status and a body on a status that declares none', () => {
    expect(checkReply(op('text'), { status: 201, body: 'x' })).toEqual([{ in: 'response', pointer: '', message: 'status 201 is not declared for text' }]);
    expect(checkReply(op('empty'), { status: 204, body: { x: 1 } })).toEqual([{ in: 'response', pointer: '', message: 'status 204 of empty declares no body' }]);
  });

  it('does not check bodies of media types that are not JSON', () => {
    expect(checkReply(op('text'), { status: 200, body: 42 })).toEqual([]);
    expect(checkReply(op('file'), { status: 200, body: Buffer.from('x') })).toEqual([]);
  });
});

describe('sendReply', () => {
  let kernel: Kernel;
  beforeAll(async () => void (kernel = await repliesKernel()));
  afterAll(() => kernel.close());
  const answer = (url: string, reply: Reply & { bytes?: number[] }) => kernel.inject({ url, headers: { 'x-reply': JSON.stringify(reply) } });

  it('serialises JSON with a charset, after the media type its status declares', async () => {
    const ok = await answer('/exact', { status: 200, body: { ok: true } });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(ok.headers['content-length']).toBe(String(ok.rawPayload.length));
    expect(ok.json()).toEqual({ ok: true });
    const fallback = await answer('/exact', { status: 418, body: { fallback: 'é' } });
    expect(fallback.statusCode).toBe(418);
    expect(fallback.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(fallback.headers['content-length']).toBe(String(Buffer.byteLength('{"fallback":"é"}')));
    const vendor = await answer('/vendor', { status: 200, body: { v: 1 } });
    expect(vendor.headers['content-type']).toBe('application/vnd.example+json; charset=utf-8');
    expect(vendor.json()).toEqual({ v: 1 });
  });

  it('sends a string as it is for text types, with a charset', async () => {
    const text = await answer('/text', { status: 200, body: 'plain "text"' });
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.body).toBe('plain "text"');
    const csv = await answer('/csv', { status: 200, body: 'a,b\n1,2\n' });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body).toBe('a,b\n1,2\n');
  });

  it('sends bytes as they are, without a charset', async () => {
    const file = await answer('/file', { status: 200, bytes: [0, 1, 255] });
    expect(file.headers['content-type']).toBe('application/octet-stream');
    expect([...file.rawPayload]).toEqual([0, 1, 255]);
  });

  it('keeps a Content-Type the handler set', async () => {
    const res = await answer('/text', { status: 200, body: 'ok', headers: { 'content-type': 'text/plain; charset=iso-8859-1', 'x-extra': 'yes' } });
    expect(res.headers['content-type']).toBe('text/plain; charset=iso-8859-1');
    expect(res.headers['x-extra']).toBe('yes');
  });

  it('sends no body for a declared status without content', async () => {
    const res = await answer('/empty', { status: 404 });
    expect(res.statusCode).toBe(404);
    expect(res.rawPayload.length).toBe(0);
    expect(res.headers['content-type']).toBeUndefined();
  });
});

describe('sendReply without response validation', () => {
  let kernel: Kernel;
  beforeAll(async () => void (kernel = await repliesKernel({ responseValidation: false })));
  afterAll(() => kernel.close());

  it('sends 204 and 304 without a body, even when the handler gives one', async () => {
    for (const status of [204, 304]) {
      const res = await kernel.inject({ url: '/empty', headers: { 'x-reply': JSON.stringify({ status, body: { ignored: true } }) } });
      expect(res.statusCode).toBe(status);
      expect(res.rawPayload.length).toBe(0);
      expect(res.headers['content-type']).toBeUndefined();
      expect(res.headers['content-length']).toBeUndefined();
    }
  });
});

describe('sendProblem after the headers are sent', () => {
  let kernel: Kernel;
  let url: string;
  const errors: string[] = [];
  beforeAll(async () => {
    kernel = await createKernel({
      contract: REPLIES,
      logger: { level: 'silent' },
      handlers: {
        ...handlers,
        csv: (ctx: RequestContext) => {
          ctx.res.writeHead(200, { 'content-type': 'text/csv', 'transfer-encoding': 'chunked' });
          ctx.res.write('a,b\n');
          throw new Error('the export failed half-way');
        },
      },
    });
    kernel.hooks.add('onError', (_ctx, error) => void errors.push(error.code));
    ({ url } = await kernel.listen({ port: 0 }));
  });
  afterAll(() => kernel.close());

  it('cannot change the status: it destroys the connection instead of appending a problem', async () => {
    const connection = await RawConnection.open(url);
    await connection.write('GET /csv HTTP/1.1\r\nHost: x\r\n\r\n');
    await connection.closing();
    const received = connection.received();
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(received).toContain('a,b');
    // The chunked body never got its last chunk: the client knows the response is incomplete.
    expect(received).not.toContain('\r\n0\r\n\r\n');
    expect(received).not.toContain('problem+json');
    expect(errors).toEqual(['BURROW_ERR_SERVER_INTERNAL']);
  });
});
