/**
 * OpenAPI 3.0.3 and 3.1.0, Response Object, `content`: "A map containing descriptions of
 * potential response payloads. The key is a media type or media type range and the
 * value describes it. For responses that match multiple keys, only the most specific
 * key is applicable. e.g. text/plain overrides text/*".
 *
 * `Accept` is RFC 9110 §12.5.1's: "The asterisk "*" character is used to group media
 * types into ranges, with "*\/*" indicating all media types and "type/*" indicating all
 * subtypes of that type"; "Media ranges can be overridden by more specific media ranges
 * or specific media types"; and a server that cannot match it "can either honor the
 * header field by sending a 406 (Not Acceptable) response or disregard the header field".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, type Kernel, type RequestContext } from '../../core/index.js';
import { ADAPTERS, agent } from '../helpers.js';
import { parseAccept, weightOf } from '../../core/request/negotiate.js';
import { parseMediaType } from '../../core/request/media-type.js';

const RESPONSES = 'test/fixtures/spec/media-types/responses.yaml';

/** Each handler answers the reply the test put in `x-reply` (JSON; `bytes` becomes a Buffer). */
const replyFromHeader = (ctx: RequestContext) => {
  const reply = JSON.parse(String(ctx.headers['x-reply'])) as { status: number; body?: unknown; headers?: Record<string, string>; bytes?: number[] };
  return reply.bytes ? { status: reply.status, body: Buffer.from(reply.bytes), headers: reply.headers } : reply;
};

describe('Accept, parsed', () => {
  it('weighs a type by the most specific range that matches it', () => {
    const accept = parseAccept('text/*;q=0.3, text/html;q=0.7, text/html;level=1, */*;q=0.5');
    expect(weightOf(accept, parseMediaType('text/html;level=1')!)).toBe(1);
    expect(weightOf(accept, parseMediaType('text/html')!)).toBe(0.7);
    expect(weightOf(accept, parseMediaType('text/plain')!)).toBe(0.3);
    expect(weightOf(accept, parseMediaType('image/jpeg')!)).toBe(0.5);
  });

  it('skips malformed ranges and weights', () => {
    expect(parseAccept('nonsense, text/plain;q=2, application/json;q=0.5').map((r) => [r.essence, r.q])).toEqual([['application/json', 0.5]]);
  });
});

describe.each(ADAPTERS)('responses negotiated by Accept (%s)', (adapter) => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await createKernel({
      contract: RESPONSES,
      handlers: { anything: replyFromHeader, application: replyFromHeader, choice: replyFromHeader, bytes: replyFromHeader },
      logger: { level: 'silent' },
    });
  });
  afterAll(() => kernel.close());
  const get = (path: string, accept: string | undefined, reply: object) => {
    const req = agent(kernel, adapter).get(path).set('x-reply', JSON.stringify(reply)).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
    });
    return accept === undefined ? req : req.set('accept', accept);
  };

  describe('a */* response', () => {
    it('answers Accept: text/html (not 406), sent as text/html, the string not JSON-quoted', async () => {
      const res = await get('/anything', 'text/html', { status: 200, body: '<p>hi</p>' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toBe('<p>hi</p>');
    });

    it('checks the string against the schema of */*', async () => {
      const res = await get('/anything', 'text/html', { status: 200, body: '<p>far too long a paragraph</p>' });
      expect(res.status).toBe(500);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'BURROW_ERR_RESPONSE_INVALID', errors: [{ in: 'response', pointer: '', message: 'must NOT have more than 20 characters' }] });
    });

    it('sends a string as text/plain when the client accepts anything', async () => {
      const res = await get('/anything', undefined, { status: 200, body: 'plain' });
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.body).toBe('plain');
    });
  });

  describe('an application/* response', () => {
    it('answers Accept: application/ld+json (not 406), as JSON of that type, checked against the schema', async () => {
      const ok = await get('/application', 'application/ld+json', { status: 200, body: { id: 1 } });
      expect(ok.status).toBe(200);
      expect(ok.headers['content-type']).toBe('application/ld+json; charset=utf-8');
      expect(JSON.parse(ok.body)).toEqual({ id: 1 });
      const bad = await get('/application', 'application/ld+json', { status: 200, body: { id: 'one' } });
      expect(bad.status).toBe(500);
      expect(JSON.parse(bad.body)).toMatchObject({ code: 'BURROW_ERR_RESPONSE_INVALID', errors: [{ in: 'response', pointer: '/id', message: 'must be integer' }] });
    });

    it('sends a JSON value as application/json when the client accepts any application type', async () => {
      const res = await get('/application', 'application/*', { status: 200, body: { id: 2 } });
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    });

    it('answers Accept: text/html with 406 BURROW_ERR_REQUEST_NOT_ACCEPTABLE', async () => {
      const res = await get('/application', 'text/html', { status: 200, body: { id: 1 } });
      expect(res.status).toBe(406);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'BURROW_ERR_REQUEST_NOT_ACCEPTABLE', detail: 'operation application answers application/*; Accept allows none of them' });
    });
  });

  describe('several representations of one status', () => {
    it('sends the one Accept prefers, and checks the body against that key’s schema', async () => {
      const text = await get('/choice', 'text/plain', { status: 200, body: 'hello' });
      expect(text.status).toBe(200);
      expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(text.body).toBe('hello');
      const v2 = await get('/choice', 'application/vnd.v2+json', { status: 200, body: { v2: true } });
      expect(v2.headers['content-type']).toBe('application/vnd.v2+json; charset=utf-8');
      expect(JSON.parse(v2.body)).toEqual({ v2: true });
      const wrong = await get('/choice', 'application/vnd.v2+json', { status: 200, body: { json: true } });
      expect(wrong.status).toBe(500);
      expect(JSON.parse(wrong.body)).toMatchObject({ code: 'BURROW_ERR_RESPONSE_INVALID', errors: [{ in: 'response', pointer: '/v2', message: 'is required' }] });
    });

    it('weighs by q, and takes the contract’s first on a tie or with no Accept', async () => {
      expect((await get('/choice', 'application/json;q=0.5, text/plain', { status: 200, body: 'hi' })).headers['content-type']).toBe('text/plain; charset=utf-8');
      expect((await get('/choice', 'text/plain, application/json', { status: 200, body: { json: true } })).headers['content-type']).toBe('application/json; charset=utf-8');
      expect((await get('/choice', undefined, { status: 200, body: { json: true } })).headers['content-type']).toBe('application/json; charset=utf-8');
      expect((await get('/choice', '*/*', { status: 200, body: { json: true } })).headers['content-type']).toBe('application/json; charset=utf-8');
    });

    it('keeps the content-type a handler sets, and checks the body under that key', async () => {
      const res = await get('/choice', 'application/json', { status: 200, body: 'short', headers: { 'content-type': 'text/plain; charset=utf-8' } });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.body).toBe('short');
      const long = await get('/choice', undefined, { status: 200, body: 'much too long', headers: { 'Content-Type': 'text/plain' } });
      expect(long.status).toBe(500);
      expect(JSON.parse(long.body)).toMatchObject({ errors: [{ in: 'response', pointer: '', message: 'must NOT have more than 10 characters' }] });
    });

    it('reports a content-type the status does not declare as a response violation (500 BURROW_ERR_RESPONSE_INVALID)', async () => {
      const res = await get('/choice', undefined, { status: 200, body: '<p/>', headers: { 'content-type': 'text/html' } });
      expect(res.status).toBe(500);
      expect(JSON.parse(res.body)).toMatchObject({
        code: 'BURROW_ERR_RESPONSE_INVALID',
        errors: [{ in: 'response', pointer: '', message: 'content-type text/html is not declared for status 200 of choice (declared: application/json, text/plain, application/vnd.v2+json)' }],
      });
    });

    it('sends a key with parameters with them', async () => {
      const res = await get('/choice', 'application/vnd.v3+json', { status: 201, body: { v3: true } });
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toBe('application/vnd.v3+json; version=3; charset=utf-8');
    });

    it('answers an Accept that allows none of the operation’s types with 406, naming them', async () => {
      for (const accept of ['image/png', 'text/html', 'application/json;q=0, text/plain;q=0, application/vnd.v2+json;q=0, application/vnd.v3+json;q=0']) {
        const res = await get('/choice', accept, { status: 200, body: { json: true } });
        expect(res.status).toBe(406);
        expect(JSON.parse(res.body)).toMatchObject({
          code: 'BURROW_ERR_REQUEST_NOT_ACCEPTABLE',
          detail: 'operation choice answers application/json, text/plain, application/vnd.v2+json, application/vnd.v3+json; version=3; Accept allows none of them',
        });
      }
    });
  });

  describe('a range the reply cannot be narrowed from', () => {
    it('sends the type Accept names inside the range', async () => {
      const res = await get('/bytes', 'image/webp', { status: 200, bytes: [1, 2, 3] });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('image/webp');
    });

    it('reports a reply under image/* without a content-type as a response violation', async () => {
      const res = await get('/bytes', 'image/*', { status: 200, bytes: [1, 2, 3] });
      expect(res.status).toBe(500);
      expect(JSON.parse(res.body)).toMatchObject({
        code: 'BURROW_ERR_RESPONSE_INVALID',
        errors: [{ in: 'response', pointer: '', message: 'status 200 of bytes declares the range image/*: set a content-type header naming the media type sent' }],
      });
      const named = await get('/bytes', 'image/*', { status: 200, bytes: [1, 2, 3], headers: { 'content-type': 'image/gif' } });
      expect(named.status).toBe(200);
      expect(named.headers['content-type']).toBe('image/gif');
    });
  });
});
