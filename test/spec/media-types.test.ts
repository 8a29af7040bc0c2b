/**
 * OpenAPI 3.0.3 and 3.1.0, Request Body Object, `content`: "The content of the request
 * body. The key is a media type or media type range and the value describes it. For
 * requests that match multiple keys, only the most specific key is applicable. e.g.
 * text/plain overrides text/*" — and Media Types: "Some examples of possible media type
 * definitions: text/plain; charset=utf-8, application/json, application/vnd.github+json …".
 *
 * Ranges and their precedence are RFC 9110 §12.5.1's: "Media ranges can be overridden by
 * more specific media ranges or specific media types. If more than one media range
 * applies to a given type, the most specific reference has precedence."
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, type Kernel, type RequestContext } from '../../core/index.js';
import { ADAPTERS, agent } from '../helpers.js';
import { bySpecificity, contentTypeOf, parseMediaType, rangeMatches } from '../../core/request/media-type.js';

const KEYS = 'test/fixtures/spec/media-types/request-keys.yaml';

/** Answers the content key the body fell under, and what the handler received. */
const echo = (ctx: RequestContext) => ({
  status: 200,
  body: {
    key: ctx.bodyContentKey ?? 'none',
    kind: ctx.body === undefined ? 'undefined' : Buffer.isBuffer(ctx.body) ? 'buffer' : typeof ctx.body,
    value: Buffer.isBuffer(ctx.body) ? ctx.body.toString('hex') : ctx.body,
  },
});

describe('media ranges, parsed and matched', () => {
  const range = (text: string) => parseMediaType(text)!;

  it('reads type, subtype and parameters case-insensitively, values unquoted', () => {
    expect(range('Application/JSON; Charset="UTF-8"; version=1')).toMatchObject({ essence: 'application/json', params: { charset: 'utf-8', version: '1' }, level: 2 });
    expect(range('text/*').level).toBe(1);
    expect(range('*/*').level).toBe(0);
    expect(parseMediaType('json')).toBeUndefined();
    expect(parseMediaType('*/json')).toBeUndefined();
  });

  it('takes no range for a Content-Type: a request body has one media type', () => {
    expect(contentTypeOf('*/*')).toBeUndefined();
    expect(contentTypeOf('text/*')).toBeUndefined();
    expect(contentTypeOf('text/plain')!.essence).toBe('text/plain');
  });

  it('matches a key only when every parameter it names has the same value in the request', () => {
    expect(rangeMatches(range('application/json; version=1'), range('application/json; version=1; charset=utf-8'))).toBe(true);
    expect(rangeMatches(range('application/json; version=1'), range('application/json; version=2'))).toBe(false);
    expect(rangeMatches(range('application/json; version=1'), range('application/json'))).toBe(false);
    expect(rangeMatches(range('application/json'), range('application/json; version=1'))).toBe(true);
  });

  it('orders keys most specific first: parameters, then a type, then its range, then */*', () => {
    const keys = ['*/*', 'text/*', 'text/plain', 'text/plain; format=flowed', 'application/json'].map((key) => ({ key, range: range(key) }));
    expect(bySpecificity(keys).map((k) => k.key)).toEqual(['text/plain; format=flowed', 'text/plain', 'application/json', 'text/*', '*/*']);
  });
});

describe.each(ADAPTERS)('request bodies by content key (%s)', (adapter) => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await createKernel({ contract: KEYS, handlers: { versioned: echo, charset: echo, ranges: echo, vendor: echo, text: echo }, logger: { level: 'silent' } });
  });
  afterAll(() => kernel.close());
  const post = (path: string, contentType: string, body: string | Buffer) => agent(kernel, adapter).post(path).set('content-type', contentType).send(body);

  describe('keys with parameters', () => {
    it('takes the exact declared type with its parameter, and validates against that key’s schema', async () => {
      const v1 = await post('/versioned', 'application/json; version=1', '{"a":1}');
      expect(v1.status).toBe(200);
      expect(v1.body).toEqual({ key: 'application/json; version=1', kind: 'object', value: { a: 1 } });
      const v2 = await post('/versioned', 'application/json;version="2"', '{"b":"x"}');
      expect(v2.status).toBe(200);
      expect(v2.body.key).toBe('application/json; version=2');
    });

    it('answers a body that breaks the schema of the key it matched with 400 BURROW_ERR_REQUEST_VALIDATION', async () => {
      const res = await post('/versioned', 'application/json; version=2', '{"a":1}');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      expect(res.body.errors).toEqual([{ in: 'body', pointer: '/b', message: 'is required' }]);
    });

    it('answers a parameter value no key declares, or its absence, with 415 BURROW_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE', async () => {
      for (const type of ['application/json; version=3', 'application/json']) {
        const res = await post('/versioned', type, '{"a":1}');
        expect(res.status).toBe(415);
        expect(res.body.code).toBe('BURROW_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE');
        expect(res.body.detail).toBe(`Content-Type ${JSON.stringify(type)}; operation versioned accepts application/json; version=1, application/json; version=2`);
        expect(res.headers['accept-post']).toBe('application/json; version=1, application/json; version=2');
      }
    });

    it('takes `charset=utf-8` as said for JSON with no charset (RFC 8259 §8.1: JSON is UTF-8), and refuses another charset with 415', async () => {
      for (const type of ['application/json; charset=utf-8', 'application/json; charset=UTF-8', 'application/json']) {
        const res = await post('/charset', type, '{"n":1}');
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ key: 'application/json; charset=utf-8', kind: 'object', value: { n: 1 } });
      }
      const latin = await post('/charset', 'application/json; charset=iso-8859-1', '{"n":1}');
      expect(latin.status).toBe(415);
      expect(latin.body.code).toBe('BURROW_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE');
    });
  });

  describe('ranges: "only the most specific key is applicable. e.g. text/plain overrides text/*"', () => {
    it('reads text/plain under text/plain, not text/* (its pattern applies, not text/*’s maxLength)', async () => {
      const ok = await post('/ranges', 'text/plain', 'abcdefgh');
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ key: 'text/plain', kind: 'string', value: 'abcdefgh' });
      const bad = await post('/ranges', 'text/plain', 'ABC');
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      expect(bad.body.errors).toEqual([{ in: 'body', pointer: '', message: 'must match pattern "^[a-z]+$"' }]);
    });

    it('reads another text type under text/*', async () => {
      const ok = await post('/ranges', 'text/csv', 'A,B');
      expect(ok.body).toEqual({ key: 'text/*', kind: 'string', value: 'A,B' });
      const long = await post('/ranges', 'text/csv', 'a,b,c,d');
      expect(long.status).toBe(400);
      expect(long.body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      expect(long.body.errors).toEqual([{ in: 'body', pointer: '', message: 'must NOT have more than 5 characters' }]);
    });

    it('reads application/json under application/json, other application types under application/*', async () => {
      expect((await post('/ranges', 'application/json', '{"exact":1}')).body.key).toBe('application/json');
      const ld = await post('/ranges', 'application/ld+json', '{"range":1}');
      expect(ld.status).toBe(200);
      expect(ld.body).toEqual({ key: 'application/*', kind: 'object', value: { range: 1 } });
      const wrong = await post('/ranges', 'application/json', '{"range":1}');
      expect(wrong.status).toBe(400);
      expect(wrong.body.errors).toEqual([{ in: 'body', pointer: '/exact', message: 'is required' }]);
    });

    it('reads anything else under */*, as the bytes its binary schema describes', async () => {
      const res = await post('/ranges', 'image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ key: '*/*', kind: 'buffer', value: '89504e47' });
    });
  });

  describe('+json types', () => {
    it('parses each as JSON and tells two apart by their schemas', async () => {
      const cat = await post('/vendor', 'application/vnd.cat+json', '{"meow":true}');
      expect(cat.status).toBe(200);
      expect(cat.body).toEqual({ key: 'application/vnd.cat+json', kind: 'object', value: { meow: true } });
      const dog = await post('/vendor', 'application/vnd.dog+json', '{"woof":3}');
      expect(dog.body).toEqual({ key: 'application/vnd.dog+json', kind: 'object', value: { woof: 3 } });
    });

    it('answers a cat sent as a dog with 400 BURROW_ERR_REQUEST_VALIDATION against the dog’s schema', async () => {
      const res = await post('/vendor', 'application/vnd.dog+json', '{"meow":true}');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      expect(res.body.errors).toEqual([{ in: 'body', pointer: '/woof', message: 'is required' }]);
    });

    it('answers a +json body that does not parse with 400 BURROW_ERR_REQUEST_MALFORMED_BODY', async () => {
      const res = await post('/vendor', 'application/vnd.cat+json', '{"meow":');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('BURROW_ERR_REQUEST_MALFORMED_BODY');
      expect(res.body.detail).toMatch(/^the body is not valid JSON: /);
    });
  });

  describe('text bodies', () => {
    it('validates a text/plain body against its string schema, not the JSON key’s object schema', async () => {
      const ok = await post('/text', 'text/plain', 'hello');
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ key: 'text/plain', kind: 'string', value: 'hello' });
      const long = await post('/text', 'text/plain', 'hello world');
      expect(long.status).toBe(400);
      expect(long.body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      expect(long.body.errors).toEqual([{ in: 'body', pointer: '', message: 'must NOT have more than 5 characters' }]);
    });

    it('hands a text body over as a string where its schema describes another shape Burrow does not parse (XML)', async () => {
      const res = await post('/text', 'text/xml', '<item><id>1</id></item>');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ key: 'text/xml', kind: 'string', value: '<item><id>1</id></item>' });
    });

    it('decodes a text body in the charset it declares', async () => {
      const res = await post('/text', 'text/plain; charset=iso-8859-1', Buffer.from([0x63, 0x61, 0x66, 0xe9]));
      expect(res.body.value).toBe('café');
    });

    it('still validates a JSON string sent as JSON against the JSON key’s schema', async () => {
      const res = await post('/text', 'application/json', '"hello"');
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ in: 'body', pointer: '', message: 'must be object' }]);
    });
  });
});
