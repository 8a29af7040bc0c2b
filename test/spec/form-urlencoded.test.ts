/**
 * OpenAPI 3.0.3 and 3.1.0, Media Type Object, "Support for x-www-form-urlencoded Request
 * Bodies": "When passing complex objects in the `application/x-www-form-urlencoded`
 * content type, the default serialization strategy of such properties is described in
 * the Encoding Object's style property as form."
 *
 * Encoding Object: `style` "Describes how a specific property value will be serialized
 * depending on its type. See Parameter Object for details on the style property. The
 * behavior follows the same values as query parameters, including default values";
 * `explode` "When this is true, property values of type array or object generate
 * separate parameters for each value of the array, or key-value-pair of the map … When
 * style is form, the default value is true"; `contentType` "The Content-Type for encoding
 * a specific property".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, type Kernel, type RequestContext } from '../../core/index.js';
import { ADAPTERS, agent } from '../helpers.js';

const FORM = 'test/fixtures/spec/media-types/form.yaml';

describe.each(ADAPTERS)('form bodies (%s)', (adapter) => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await createKernel({ contract: FORM, handlers: { form: (ctx: RequestContext) => ({ status: 200, body: ctx.body as object }) }, logger: { level: 'silent' } });
  });
  afterAll(() => kernel.close());
  const post = (body: string) => agent(kernel, adapter).post('/form').set('content-type', 'application/x-www-form-urlencoded').send(body);

  it('coerces primitive values to their schema types (integer, boolean, number)', async () => {
    const res = await post('name=Ada&age=36&admin=true&score=9.5');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'Ada', age: 36, admin: true, score: 9.5 });
  });

  it('answers a value that is not of its schema type with 400 BURROW_ERR_REQUEST_VALIDATION naming the property', async () => {
    const res = await post('name=Ada&age=old&admin=maybe');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
    expect(res.body.errors).toEqual([
      { in: 'body', pointer: '/age', message: 'must be integer' },
      { in: 'body', pointer: '/admin', message: 'must be boolean' },
    ]);
  });

  it('reads an array from repeated keys by default (form, explode: true), one key as a list of one', async () => {
    expect((await post('name=a&tags=x&tags=y')).body.tags).toEqual(['x', 'y']);
    expect((await post('name=a&tags=x')).body.tags).toEqual(['x']);
  });

  it('splits form with explode: false on commas, spaceDelimited on spaces, pipeDelimited on pipes, coercing the items', async () => {
    const res = await post('name=a&ids=1,2,3&words=big%20red+dog&pipes=4|5');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ids: [1, 2, 3], words: ['big', 'red', 'dog'], pipes: [4, 5] });
    const bad = await post('name=a&ids=1,two');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ in: 'body', pointer: '/ids/1', message: 'must be integer' }]);
  });

  it('reads an object from its own keys by default (form, explode: true)', async () => {
    const res = await post('name=a&R=100&G=200&B=150');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'a', color: { R: 100, G: 200, B: 150 } });
  });

  it('reads an object from k,v pairs (form, explode: false) and from name[k] keys (deepObject)', async () => {
    const res = await post('name=a&point=x,1.5,y,-2&filter[status]=open&filter[size]=3');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'a', point: { x: 1.5, y: -2 }, filter: { status: 'open', size: 3 } });
    const bad = await post('name=a&filter[status]=lost');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ in: 'body', pointer: '/filter/status', message: 'must be one of "open", "closed"' }]);
  });

  it('parses a property whose encoding contentType is application/json as JSON', async () => {
    const res = await post(`name=a&meta=${encodeURIComponent('{"author":"Ada","pages":"12"}')}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'a', meta: { author: 'Ada', pages: 12 } });
    const missing = await post(`name=a&meta=${encodeURIComponent('{}')}`);
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ in: 'body', pointer: '/meta/author', message: 'is required' }]);
  });

  it('answers a JSON-encoded property that does not parse with 400 BURROW_ERR_REQUEST_MALFORMED_BODY naming it', async () => {
    const res = await post('name=a&meta={author');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('BURROW_ERR_REQUEST_MALFORMED_BODY');
    expect(res.body.detail).toMatch(/^the body is not valid JSON in "meta": /);
  });

  it('answers an undeclared key (additionalProperties: false) and a missing required one with 400 BURROW_ERR_REQUEST_VALIDATION', async () => {
    const res = await post('age=1&nickname=x');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { in: 'body', pointer: '/name', message: 'is required' },
        { in: 'body', pointer: '/nickname', message: 'is not declared by the contract' },
      ]),
    );
  });

  it('is not polluted by a deepObject key named __proto__', async () => {
    const res = await post('name=a&filter[__proto__][polluted]=1&filter[size]=1');
    expect(res.status).toBe(200);
    expect(res.body.filter).toEqual({ size: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
