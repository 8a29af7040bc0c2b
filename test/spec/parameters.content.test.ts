/**
 * OpenAPI 3.0.3 and 3.1.0, Parameter Object, `content`:
 * "For more complex scenarios, the content property can define the media type and
 * schema of the parameter." — "A map containing the representations for the
 * parameter. The key is the media type and the value describes it. The map MUST only
 * contain one entry."
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, type Kernel, type RequestContext } from '../../core/index.js';

const coordinates = {
  type: 'object',
  required: ['lat', 'long'],
  properties: { lat: { type: 'number' }, long: { type: 'number' } },
};

const contract = (openapi: string) => ({
  openapi,
  info: { title: 'content parameters', version: '1' },
  paths: {
    '/places/{where}': {
      get: {
        operationId: 'places',
        parameters: [
          { name: 'where', in: 'path', required: true, content: { 'application/json': { schema: coordinates } } },
          // "A complex parameter using content to define serialization" (Parameter Object Examples)
          { name: 'coordinates', in: 'query', content: { 'application/json': { schema: coordinates } } },
          { name: 'filter', in: 'query', content: { 'application/vnd.filter+json': { schema: { type: 'object', properties: { tags: { type: 'array', items: { type: 'string' } } }, additionalProperties: false } } } },
          { name: 'note', in: 'query', content: { 'text/plain': { schema: { type: 'string', maxLength: 10 } } } },
          { name: 'x-context', in: 'header', content: { 'application/json': { schema: { type: 'object', required: ['tenant'], properties: { tenant: { type: 'string' } } } } } },
          { name: 'prefs', in: 'cookie', content: { 'application/json': { schema: { type: 'object', properties: { dark: { type: 'boolean' } } } } } },
        ],
        responses: { '200': { description: 'seen', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
  },
});

const seen = (ctx: RequestContext) => ({
  status: 200,
  body: { params: ctx.params, query: ctx.query, cookies: ctx.cookies, context: ctx.headers['x-context'] ?? null },
});

const json = (value: unknown) => encodeURIComponent(JSON.stringify(value));

const bad = (res: { statusCode: number; json(): any }) => {
  expect(res.statusCode).toBe(400);
  const body = res.json();
  expect(body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
  return body.errors as { in: string; name: string; pointer: string; message: string }[];
};

describe.each(['3.0.3', '3.1.0'])('content parameters (OpenAPI %s)', (openapi) => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await createKernel({ contract: contract(openapi), handlers: { places: seen }, logger: { level: 'silent' } });
  });
  afterAll(() => kernel.close());
  const here = json({ lat: 1, long: 2 });

  it('parses a JSON value in every location and hands the handler the parsed value', async () => {
    const res = await kernel.inject({
      url: `/places/${here}?coordinates=${json({ lat: 48.85, long: 2.35 })}&filter=${json({ tags: ['a'] })}&note=hello`,
      headers: { 'x-context': '{"tenant":"acme"}', cookie: `prefs=${json({ dark: true })}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      params: { where: { lat: 1, long: 2 } },
      query: { coordinates: { lat: 48.85, long: 2.35 }, filter: { tags: ['a'] }, note: 'hello' },
      context: { tenant: 'acme' },
      cookies: { prefs: { dark: true } },
    });
  });

  it('validates the parsed value against the schema of its media type, naming each failure by pointer', async () => {
    const errors = bad(
      await kernel.inject({
        url: `/places/${json({ lat: 'north', long: 2 })}?coordinates=${json({ lat: 1 })}&filter=${json({ tags: [1], extra: true })}&note=much-too-long`,
        headers: { 'x-context': '{}' },
      }),
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        { in: 'path', name: 'where', pointer: '/lat', message: 'must be number' },
        { in: 'query', name: 'coordinates', pointer: '/long', message: 'is required' },
        { in: 'query', name: 'filter', pointer: '/extra', message: 'is not declared by the contract' },
        { in: 'query', name: 'note', pointer: '', message: 'must NOT have more than 10 characters' },
        { in: 'header', name: 'x-context', pointer: '/tenant', message: 'is required' },
      ]),
    );
  });

  it('answers a value that is not JSON with 400 naming the parameter, in every location, never 500', async () => {
    const errors = bad(
      await kernel.inject({
        url: `/places/${encodeURIComponent('{lat:1}')}?coordinates=${encodeURIComponent('{"lat":1,')}&filter=nope`,
        headers: { 'x-context': 'tenant=acme', cookie: 'prefs=%7B' },
      }),
    );
    expect(errors).toEqual([
      { in: 'path', name: 'where', pointer: '', message: 'is not valid JSON (its content is application/json)' },
      { in: 'query', name: 'coordinates', pointer: '', message: 'is not valid JSON (its content is application/json)' },
      { in: 'query', name: 'filter', pointer: '', message: 'is not valid JSON (its content is application/vnd.filter+json)' },
      { in: 'header', name: 'x-context', pointer: '', message: 'is not valid JSON (its content is application/json)' },
      { in: 'cookie', name: 'prefs', pointer: '', message: 'is not valid JSON (its content is application/json)' },
    ]);
  });

  it('takes the JSON as sent: allowReserved is a rule of style serialization, not of content', async () => {
    const res = await kernel.inject(`/places/${here}?coordinates={"lat":1,"long":2}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().query.coordinates).toEqual({ lat: 1, long: 2 });
  });

  it('refuses an empty value, which is not JSON either', async () => {
    expect(bad(await kernel.inject(`/places/${here}?coordinates=`))).toEqual([
      { in: 'query', name: 'coordinates', pointer: '', message: 'must not be empty (allowEmptyValue is false)' },
    ]);
  });
});
