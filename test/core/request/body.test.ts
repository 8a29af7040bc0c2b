import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expressMiddleware } from '../../../core/http/express.js';
import { createKernel, type Kernel, type RequestContext } from '../../../core/index.js';
import { ADAPTERS, agent } from '../../helpers.js';

const BODIES = 'test/fixtures/bodies.yaml';

/** Answers what the handler received as its body: its kind, and its value (bytes as hex). */
const echo = (ctx: RequestContext) => ({
  status: 200,
  body: {
    kind: ctx.body === undefined ? 'undefined' : Buffer.isBuffer(ctx.body) ? 'buffer' : typeof ctx.body,
    value: Buffer.isBuffer(ctx.body) ? ctx.body.toString('hex') : ctx.body,
  },
});

const handlers = { postJson: echo, postJsonRequired: echo, postForm: echo, postText: echo, postAnyText: echo, postBinary: echo, postNothing: echo };

function bodiesKernel(options: { bodyLimit?: number } = {}): Promise<Kernel> {
  return createKernel({ contract: BODIES, handlers, logger: { level: 'silent' }, ...options });
}

describe.each(ADAPTERS)('request bodies (%s)', (adapter) => {
  let kernel: Kernel;
  beforeAll(async () => void (kernel = await bodiesKernel({ bodyLimit: 1000 })));
  afterAll(() => kernel.close());
  const post = (path: string, contentType: string | undefined, body: string | Buffer) => {
    const req = agent(kernel, adapter).post(path);
    if (contentType !== undefined) req.set('content-type', contentType);
    return req.send(body);
  };

  describe('media types', () => {
    it('parses a JSON body, whatever the charset parameter and the case of the type', async () => {
      for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON']) {
        const res = await post('/json', type, '{"n":1}');
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ kind: 'object', value: { n: 1 } });
      }
    });

    it('parses a +json type the operation declares as JSON', async () => {
      const res = await post('/json', 'application/merge-patch+json', '{"n":2}');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ kind: 'object', value: { n: 2 } });
    });

    it('answers a Content-Type the operation does not declare with 415 BURROW_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE and Accept-Post', async () => {
      for (const type of ['text/plain', 'application/jsonp', 'application/x-www-form-urlencoded']) {
        const res = await post('/json', type, '{"n":1}');
        expect(res.status).toBe(415);
        expect(res.body.code).toBe('BURROW_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE');
        expect(res.body.detail).toBe(`Content-Type "${type}"; operation postJson accepts application/json, application/merge-patch+json`);
        expect(res.headers['accept-post']).toBe('application/json, application/merge-patch+json');
      }
    });

    it('answers a body without a Content-Type with 415 BURROW_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE', async () => {
      const res = await kernel.inject({ method: 'POST', url: '/json', payload: '{"n":1}' });
      expect(res.statusCode).toBe(415);
      expect(res.json()).toMatchObject({ code: 'BURROW_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE', detail: expect.stringMatching(/^Content-Type missing;/) });
    });

    it('answers a body sent to an operation that declares none with 415 BURROW_ERR_REQUEST_BODY_UNEXPECTED', async () => {
      const res = await post('/nothing', 'application/json', '{}');
      expect(res.status).toBe(415);
      expect(res.body.code).toBe('BURROW_ERR_REQUEST_BODY_UNEXPECTED');
      expect(res.body.detail).toBe('operation postNothing takes no request body');
      expect(res.headers['accept-post']).toBeUndefined();
    });

    it('serves an operation that declares no body when none is sent', async () => {
      const res = await agent(kernel, adapter).post('/nothing');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ kind: 'undefined' });
    });

    it('matches a declared text/* range and hands the text over as a string', async () => {
      const res = await post('/any-text', 'text/csv', 'a,b\n1,2');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ kind: 'string', value: 'a,b\n1,2' });
      const json = await post('/any-text', 'application/json', '{}');
      expect(json.status).toBe(415);
      expect(json.body.code).toBe('BURROW_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE');
    });
  });

  describe('JSON', () => {
    it('takes an empty JSON body as no body', async () => {
      const res = await post('/json', 'application/json', '');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ kind: 'undefined' });
    });

    it('answers an empty JSON body to an operation that requires one with 400 BURROW_ERR_REQUEST_VALIDATION', async () => {
      const res = await post('/json-required', 'application/json', '');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      expect(res.body.errors).toEqual([{ in: 'body', pointer: '', message: 'a request body is required' }]);
    });

    it('answers malformed JSON with 400 BURROW_ERR_REQUEST_MALFORMED_BODY naming the format', async () => {
      for (const malformed of ['{"n":', "{'n':1}", '{"n":1,}', 'undefined']) {
        const res = await post('/json', 'application/json', malformed);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('BURROW_ERR_REQUEST_MALFORMED_BODY');
        expect(res.body.detail).toMatch(/^the body is not valid JSON: /);
      }
    });

    it('validates the parsed body against the schema of the operation', async () => {
      const res = await post('/json', 'application/json', '{"n":"one"}');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      expect(res.body.errors).toEqual([{ in: 'body', pointer: '/n', message: 'must be integer' }]);
    });
  });

  describe('other media types', () => {
    it('parses form-urlencoded into an object, a repeated key into an array', async () => {
      const res = await post('/form', 'application/x-www-form-urlencoded', 'name=Ada+Lovelace&tag=a&tag=b%20c');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ kind: 'object', value: { name: 'Ada Lovelace', tag: ['a', 'b c'] } });
    });

    it('parses a key sent once as a list of one where the contract declares an array', async () => {
      const res = await post('/form', 'application/x-www-form-urlencoded', 'name=Ada&tag=solo');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ kind: 'object', value: { name: 'Ada', tag: ['solo'] } });
    });

    it('validates a form-urlencoded body against its schema', async () => {
      const res = await post('/form', 'application/x-www-form-urlencoded', 'name=&tag=a&tag=b');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      expect(res.body.errors).toEqual([{ in: 'body', pointer: '/name', message: 'must NOT have fewer than 1 characters' }]);
      const missing = await post('/form', 'application/x-www-form-urlencoded', 'tag=a');
      expect(missing.body.errors).toEqual([{ in: 'body', pointer: '/name', message: 'is required' }]);
    });

    it('hands text/plain over as a string decoded as UTF-8', async () => {
      const res = await post('/text', 'text/plain; charset=utf-8', Buffer.from('héllo → wörld', 'utf8'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ kind: 'string', value: 'héllo → wörld' });
    });

    it('hands application/octet-stream over as the bytes received', async () => {
      const res = await post('/binary', 'application/octet-stream', Buffer.from([0x00, 0x01, 0xfe, 0xff]));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ kind: 'buffer', value: '0001feff' });
    });
  });

  describe('size', () => {
    it('answers a body over bodyLimit with 413 BURROW_ERR_REQUEST_BODY_TOO_LARGE, reading it to its end', async () => {
      const res = await post('/json', 'application/json', JSON.stringify({ n: 1, pad: 'x'.repeat(2000) }));
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ code: 'BURROW_ERR_REQUEST_BODY_TOO_LARGE', detail: 'the body exceeds the limit of 1000 bytes' });
    });

    it('accepts a body of exactly bodyLimit bytes', async () => {
      const body = JSON.stringify({ n: 1, pad: '' });
      const exact = JSON.stringify({ n: 1, pad: 'x'.repeat(1000 - body.length) });
      expect(Buffer.byteLength(exact)).toBe(1000);
      expect((await post('/json', 'application/json', exact)).status).toBe(200);
    });
  });
});

describe('request bodies in-process (kernel.inject)', () => {
  let kernel: Kernel;
  beforeAll(async () => void (kernel = await bodiesKernel({ bodyLimit: 1000 })));
  afterAll(() => kernel.close());
  const chunked = (payload: string) =>
    kernel.inject({ method: 'POST', url: '/json', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, payload });

  it('reads and parses a chunked body under the limit', async () => {
    const res = await chunked('{"n":3}');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ kind: 'object', value: { n: 3 } });
  });

  it('answers a body over the limit with 413 and no Connection: close once it is drained', async () => {
    const res = await kernel.inject({ method: 'POST', url: '/json', headers: { 'content-type': 'application/json' }, payload: 'x'.repeat(5000) });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('BURROW_ERR_REQUEST_BODY_TOO_LARGE');
    expect(res.headers.connection).not.toBe('close');
  });

  it('answers a chunked body whose running total passes the limit with 413', async () => {
    const res = await chunked(JSON.stringify({ n: 1, pad: 'x'.repeat(5000) }));
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('BURROW_ERR_REQUEST_BODY_TOO_LARGE');
    expect(res.headers.connection).not.toBe('close');
  });
});

describe('a body already parsed by express.json()', () => {
  let kernel: Kernel;
  let app: express.Express;
  beforeAll(async () => {
    kernel = await bodiesKernel();
    app = express();
    app.use(express.json());
    app.use(expressMiddleware(kernel));
  });
  afterAll(() => kernel.close());

  it('is taken as it is, not read again', async () => {
    const res = await request(app).post('/json').send({ n: 5 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ kind: 'object', value: { n: 5 } });
  });

  it('is still validated against the contract', async () => {
    const res = await request(app).post('/json').send({ n: 'five' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
    expect(res.body.errors).toEqual([{ in: 'body', pointer: '/n', message: 'must be integer' }]);
  });

  it('still answers a media type the operation does not declare with 415', async () => {
    const res = await request(app).post('/form').set('content-type', 'application/json').send('{"name":"Ada"}');
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('BURROW_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE');
  });
});
