import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expressMiddleware } from '../../../core/http/express.js';
import { createKernel, type Kernel, type RequestContext } from '../../../core/index.js';
import { ADAPTERS, agent } from '../../helpers.js';

/** Answers what the handler received: the kind of `ctx.body`, its text, and the key it fell under. */
const echo = (ctx: RequestContext) => ({
  status: 200,
  body: {
    kind: ctx.body === undefined ? 'undefined' : Buffer.isBuffer(ctx.body) ? 'buffer' : typeof ctx.body,
    text: Buffer.isBuffer(ctx.body) ? ctx.body.toString('utf8') : typeof ctx.body === 'string' ? ctx.body : JSON.stringify(ctx.body),
    key: ctx.bodyContentKey ?? null,
  },
});

const SCHEMA = { type: 'object', required: ['n'], properties: { n: { type: 'integer' } }, additionalProperties: false };
const EchoResponse = { '200': { description: 'what arrived', content: { 'application/json': { schema: { type: 'object' } } } } };

const contract = {
  openapi: '3.1.0',
  info: { title: 'raw bodies', version: '1' },
  paths: {
    '/raw': {
      post: {
        operationId: 'postRaw',
        requestBody: { content: { 'application/json': { schema: SCHEMA, 'x-burrow-raw-body': true } } },
        responses: EchoResponse,
      },
    },
    '/parsed': {
      post: {
        operationId: 'postParsed',
        requestBody: { content: { 'application/json': { schema: SCHEMA } } },
        responses: EchoResponse,
      },
    },
  },
};

function rawKernel(): Promise<Kernel> {
  return createKernel({ contract: structuredClone(contract), handlers: { postRaw: echo, postParsed: echo }, logger: { level: 'silent' }, bodyLimit: 100 });
}

describe.each(ADAPTERS)('x-burrow-raw-body (%s)', (adapter) => {
  let kernel: Kernel;
  beforeAll(async () => void (kernel = await rawKernel()));
  afterAll(() => kernel.close());
  const post = (path: string, body: string, type = 'application/json') => agent(kernel, adapter).post(path).set('content-type', type).send(body);

  it('hands invalid JSON to the handler as its bytes, where the same key without the marker answers 400 BURROW_ERR_REQUEST_MALFORMED_BODY', async () => {
    const raw = await post('/raw', '{"n": 1,');
    expect(raw.status).toBe(200);
    expect(raw.body).toEqual({ kind: 'buffer', text: '{"n": 1,', key: 'application/json' });
    const parsed = await post('/parsed', '{"n": 1,');
    expect(parsed.status).toBe(400);
    expect(parsed.body.code).toBe('BURROW_ERR_REQUEST_MALFORMED_BODY');
  });

  it('does not validate a raw body against its schema (the schema documents it)', async () => {
    const raw = await post('/raw', '[1, "two"]');
    expect(raw.status).toBe(200);
    expect(raw.body).toEqual({ kind: 'buffer', text: '[1, "two"]', key: 'application/json' });
    expect((await post('/parsed', '[1, "two"]')).body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
  });

  it('keeps the bytes exactly as they arrived (no re-encoding)', async () => {
    const res = await post('/raw', '{ "n" :  1 }');
    expect(res.body.text).toBe('{ "n" :  1 }');
  });

  it('still answers a raw body over the size limit with 413 BURROW_ERR_REQUEST_BODY_TOO_LARGE', async () => {
    const res = await post('/raw', JSON.stringify({ n: 1, pad: 'x'.repeat(200) }));
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('BURROW_ERR_REQUEST_BODY_TOO_LARGE');
  });

  it('still answers a media type the key does not match with 415 BURROW_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await post('/raw', 'n=1', 'application/x-www-form-urlencoded');
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('BURROW_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE');
  });

  it('hands an empty body over as nothing (the request body is not required)', async () => {
    const res = await agent(kernel, adapter).post('/raw');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ kind: 'undefined', text: undefined, key: null });
  });
});

describe('x-burrow-raw-body behind a host parser (express.json())', () => {
  let kernel: Kernel;
  beforeAll(async () => void (kernel = await rawKernel()));
  afterAll(() => kernel.close());

  it('hands what the host parsed over re-encoded as JSON bytes, still unvalidated', async () => {
    const app = express();
    app.use(express.json());
    app.use(expressMiddleware(kernel));
    const res = await request(app).post('/raw').set('content-type', 'application/json').send('[1, "two"]');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ kind: 'buffer', text: '[1,"two"]', key: 'application/json' });
  });
});
