/**
 * OpenAPI 3.0.3 and 3.1.0, Parameter Object: *Style Values* and *Style Examples*,
 * and the serialization fields `explode`, `allowReserved` and `allowEmptyValue`.
 * Every row of the Style Examples table is sent in each location that allows its
 * style, in both dialects, and must reach the handler as the value it serializes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, type Kernel, type RequestContext } from '../../core/index.js';
import { parameterProblems } from '../../core/request/parameters.js';
import { combinations, receivedValue, requestFor, seen, seenHandlers, styleContract, type Kind, type Location } from '../fixtures/spec/parameters/styles.js';

/*
 * "Assume a parameter named `color` has one of the following values:
 *    string -> "blue"
 *    array -> ["blue","black","brown"]
 *    object -> { "R": 100, "G": 200, "B": 150 }
 *  The following table shows examples of rendering differences for each value."
 * (3.1.0; 3.0.3 has the same rows, with a typo in pipeDelimited's object: `G|150` for `B|150`.)
 */
const VALUES: Record<Kind | 'empty', unknown> = { empty: '', string: 'blue', array: ['blue', 'black', 'brown'], object: { R: 100, G: 200, B: 150 } };

/** style | explode | empty | string | array | object — `undefined` where the table says n/a. */
const STYLE_EXAMPLES: [string, boolean, string | undefined, string | undefined, string | undefined, string][] = [
  ['matrix', false, ';color', ';color=blue', ';color=blue,black,brown', ';color=R,100,G,200,B,150'],
  ['matrix', true, ';color', ';color=blue', ';color=blue;color=black;color=brown', ';R=100;G=200;B=150'],
  ['label', false, '.', '.blue', '.blue.black.brown', '.R.100.G.200.B.150'],
  ['label', true, '.', '.blue', '.blue.black.brown', '.R=100.G=200.B=150'],
  ['form', false, 'color=', 'color=blue', 'color=blue,black,brown', 'color=R,100,G,200,B,150'],
  ['form', true, 'color=', 'color=blue', 'color=blue&color=black&color=brown', 'R=100&G=200&B=150'],
  ['simple', false, undefined, 'blue', 'blue,black,brown', 'R,100,G,200,B,150'],
  ['simple', true, undefined, 'blue', 'blue,black,brown', 'R=100,G=200,B=150'],
  // 3.0.3 and 3.1.0 leave out `color=` in these two rows; 3.0.4 and 3.1.1 write `?color=blue%20black%20brown`.
  ['spaceDelimited', false, undefined, undefined, 'color=blue%20black%20brown', 'color=R%20100%20G%20200%20B%20150'],
  ['pipeDelimited', false, undefined, undefined, 'color=blue|black|brown', 'color=R|100|G|200|B|150'],
  ['deepObject', true, undefined, undefined, undefined, 'color[R]=100&color[G]=200&color[B]=150'],
];

/** The Cookie header separates pairs with `; ` where a query string has `&`. */
const forLocation = (location: Location, serialized: string) => (location === 'cookie' ? serialized.replaceAll('&', '; ') : serialized);

const ROWS = combinations().flatMap(({ location, style, explode, kind }) => {
  const row = STYLE_EXAMPLES.find(([s, e]) => s === style && e === explode)!;
  const serialized = row[{ string: 3, array: 4, object: 5 }[kind]] as string | undefined;
  return serialized === undefined ? [] : [{ location, style, explode, kind, serialized: forLocation(location, serialized), expected: VALUES[kind] }];
});

const bad = (res: { statusCode: number; json(): any }) => {
  expect(res.statusCode).toBe(400);
  const body = res.json();
  expect(body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
  return body.errors as { in: string; name: string; pointer: string; message: string }[];
};

describe.each(['3.0.3', '3.1.0'] as const)('Style Examples (OpenAPI %s)', (openapi) => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await createKernel({ contract: styleContract(openapi), handlers: seenHandlers(), logger: { level: 'silent' } });
  });
  afterAll(() => kernel.close());

  it('covers every row of the table in every location its style is defined for', () => {
    // 3 path styles × 2 explodes × 3 kinds, form × 2 × 3 in query and cookie, simple × 2 × 3 in
    // headers, space/pipe × 2 kinds, deepObject × 1.
    expect(ROWS).toHaveLength(18 + 6 + 6 + 6 + 4 + 1);
  });

  it.each(ROWS)('$location, style $style, explode $explode, $kind: $serialized', async ({ location, style, explode, kind, serialized, expected }) => {
    const res = await kernel.inject({ method: 'GET', ...requestFor(location, style, explode, kind, serialized) });
    expect(res.statusCode, res.body).toBe(200);
    expect(receivedValue(location, res.json())).toEqual(expected);
  });

  // The `empty` column: matrix `;color`, form `color=` (empty is n/a for the others). Label's `.`
  // is a dot-segment, which URL normalization removes before a request is sent (RFC 3986 §5.2.4).
  it.each([
    ['path', 'matrix', false, ';color'],
    ['path', 'matrix', true, ';color'],
    ['cookie', 'form', false, 'color='],
    ['cookie', 'form', true, 'color='],
  ] as [Location, string, boolean, string][])('the empty value: %s, style %s, explode %s: %s', async (location, style, explode, serialized) => {
    const res = await kernel.inject({ method: 'GET', ...requestFor(location, style, explode, 'string', serialized) });
    expect(res.statusCode, res.body).toBe(200);
    expect(receivedValue(location, res.json())).toBe('');
  });
});

describe('explode defaults and the styles of each location', () => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await createKernel({
      contract: {
        openapi: '3.1.0',
        info: { title: 'defaults', version: '1' },
        paths: {
          '/defaults/{ids}': {
            get: {
              operationId: 'defaults',
              parameters: [
                // "Default values (based on value of in): for query - form; for path - simple; for header - simple; for cookie - form."
                { name: 'ids', in: 'path', required: true, schema: { type: 'array', items: { type: 'integer' } } },
                { name: 'tags', in: 'query', schema: { type: 'array', items: { type: 'string' } } },
                { name: 'point', in: 'query', schema: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } } } },
                { name: 'x-flags', in: 'header', schema: { type: 'array', items: { type: 'boolean' } } },
                { name: 'prefs', in: 'cookie', explode: false, schema: { type: 'object', properties: { dark: { type: 'boolean' } } } },
              ],
              responses: { '200': { description: 'seen', content: { 'application/json': { schema: { type: 'object' } } } } },
            },
          },
        },
      },
      handlers: { defaults: (ctx: RequestContext) => ({ status: 200, body: { params: ctx.params, query: ctx.query, cookies: ctx.cookies, flags: ctx.headers['x-flags'] ?? null } }) },
      logger: { level: 'silent' },
    });
  });
  afterAll(() => kernel.close());

  it('reads path and header arrays as simple, query and cookie values as form; explode is true for form only', async () => {
    // "When style is form, the default value is true. For all other styles, the default value is false."
    const res = await kernel.inject({ url: '/defaults/1,2,3?tags=a&tags=b&x=1.5&y=-2', headers: { 'x-flags': 'true, false', cookie: 'prefs=dark,true' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      params: { ids: [1, 2, 3] },
      query: { tags: ['a', 'b'], point: { x: 1.5, y: -2 } },
      cookies: { prefs: { dark: true } },
      flags: [true, false],
    });
  });

  it('coerces the primitives inside arrays and objects to their schema types, naming the item that fails', async () => {
    const errors = bad(await kernel.inject({ url: '/defaults/1,two,3?x=left', headers: { 'x-flags': 'true,maybe' } }));
    expect(errors).toEqual(
      expect.arrayContaining([
        { in: 'path', name: 'ids', pointer: '/1', message: 'must be integer' },
        { in: 'query', name: 'point', pointer: '/x', message: 'must be number' },
        { in: 'header', name: 'x-flags', pointer: '/1', message: 'must be boolean' },
      ]),
    );
    expect(errors).toHaveLength(3);
  });

  it('keeps a percent-encoded delimiter inside its value (delimiters are found before decoding)', async () => {
    const res = await kernel.inject({ url: '/defaults/1?tags=a%2Cb&tags=c%26d' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().query.tags).toEqual(['a,b', 'c&d']);
  });
});

describe('values that do not follow their style', () => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await createKernel({ contract: styleContract('3.1.0'), handlers: seenHandlers(), logger: { level: 'silent' } });
  });
  afterAll(() => kernel.close());
  const send = (location: Location, style: string, explode: boolean, kind: Kind, serialized: string) =>
    kernel.inject({ method: 'GET', ...requestFor(location, style, explode, kind, serialized) });

  it.each([
    ['path', 'matrix', false, 'string', 'blue', 'is not a matrix-style value: expected ";color=…"'],
    ['path', 'matrix', false, 'string', ';colour=blue', 'is not a matrix-style value: expected ";color=…"'],
    ['path', 'matrix', true, 'array', ';color=blue;shade=dark', 'is not a matrix-style value: expected ";color=…"'],
    ['path', 'label', false, 'array', 'blue.black', 'is not a label-style value: expected "." before the value'],
    ['path', 'simple', false, 'object', 'R,100,G', 'is not a simple-style object: expected name,value pairs'],
    ['path', 'simple', true, 'object', 'R=100,G', 'is not a simple-style object: expected name=value pairs'],
    ['path', 'label', true, 'object', '.R=100.G', 'is not a label-style object: expected name=value pairs'],
    ['query', 'form', false, 'object', 'color=R,100,G', 'is not a form-style object: expected name,value pairs'],
    ['query', 'form', true, 'string', 'color=blue&color=red', 'is given more than once'],
    ['query', 'pipeDelimited', false, 'object', 'color=R|100|G', 'is not a pipeDelimited-style object: expected name,value pairs'],
    ['query', 'deepObject', true, 'object', 'color[R]=1&color[G]x=2', 'is not a deepObject-style name: "color[G]x" (expected color[property])'],
    ['header', 'simple', false, 'object', 'R,100,G', 'is not a simple-style object: expected name,value pairs'],
  ] as [Location, string, boolean, Kind, string, string][])('%s %s (explode %s) %s: %s', async (location, style, explode, kind, serialized, message) => {
    const errors = bad(await send(location, style, explode, kind, serialized));
    // A value that cannot be read is reported once, by why, not again as missing.
    expect(errors).toEqual([{ in: location, name: 'color', pointer: '', message }]);
  });

  it('names each property of an object that fails its schema, by pointer', async () => {
    const errors = bad(await send('query', 'deepObject', true, 'object', 'color[R]=red&color[X]=1'));
    expect(errors).toEqual([
      { in: 'query', name: 'color', pointer: '/X', message: 'is not declared by the contract' },
      { in: 'query', name: 'color', pointer: '/R', message: 'must be integer' },
    ]);
  });

  it('refuses a deepObject parameter sent as a plain value, and undeclared query parameters by name', async () => {
    const errors = bad(await send('query', 'deepObject', true, 'object', 'color=red&other=1'));
    expect(errors).toEqual(
      expect.arrayContaining([
        { in: 'query', name: 'color', pointer: '', message: 'must be object' },
        { in: 'query', name: 'other', pointer: '', message: 'is not declared by the contract' },
      ]),
    );
  });
});

describe('allowReserved and allowEmptyValue', () => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await createKernel({
      contract: {
        openapi: '3.0.3',
        info: { title: 'fields', version: '1' },
        paths: {
          '/search': {
            get: {
              operationId: 'search',
              parameters: [
                { name: 'q', in: 'query', schema: { type: 'string' } },
                { name: 'url', in: 'query', allowReserved: true, schema: { type: 'string' } },
                { name: 'ids', in: 'query', explode: false, schema: { type: 'array', items: { type: 'string' } } },
                { name: 'flag', in: 'query', allowEmptyValue: true, schema: { type: 'string' } },
                { name: 'tags', in: 'query', allowEmptyValue: true, explode: false, schema: { type: 'array', items: { type: 'string' } } },
                { name: 'where', in: 'query', style: 'deepObject', schema: { type: 'object', additionalProperties: { type: 'string' } } },
              ],
              responses: { '200': { description: 'seen', content: { 'application/json': { schema: { type: 'object' } } } } },
            },
          },
        },
      },
      handlers: { search: seen },
      logger: { level: 'silent' },
    });
  });
  afterAll(() => kernel.close());
  const get = (query: string) => kernel.inject(`/search?${query}`);

  /*
   * allowReserved: "Determines whether the parameter value SHOULD allow reserved characters,
   * as defined by RFC3986 :/?#[]@!$&'()*+,;= to be included without percent-encoding. This
   * property only applies to parameters with an in value of query. The default value is false."
   */
  // (`#` and `&` end a value, `'` is percent-encoded by URL parsers before a request is sent.)
  it.each([':', '/', '?', '[', ']', '@', '!', '$', '(', ')', '*', ',', ';', '='])('refuses %s left unencoded in a value by default', async (reserved) => {
    const errors = bad(await get(`q=a${reserved}b`));
    expect(errors).toEqual([{ in: 'query', name: 'q', pointer: '', message: 'holds reserved characters that must be percent-encoded (allowReserved is false)' }]);
  });

  it('accepts the same characters percent-encoded, and decodes them', async () => {
    // encodeURIComponent leaves !'()* alone: RFC 3986 encoding needs them encoded too.
    const strict = encodeURIComponent(":/?#[]@!$&'()*+,;=").replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const res = await get(`q=${strict}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().query.q).toBe(":/?#[]@!$&'()*+,;=");
  });

  it('reads + as a space (form-urlencoded query strings), not as a reserved character', async () => {
    const res = await get('q=big+red+dog');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().query.q).toBe('big red dog');
  });

  it('accepts reserved characters unencoded when allowReserved is true', async () => {
    const res = await get('url=https://example.com/a?b=c;d');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().query.url).toBe('https://example.com/a?b=c;d');
  });

  it('checks each item of a delimited value, not the delimiters, and each deepObject value', async () => {
    expect((await get('ids=a,b,c')).statusCode).toBe(200);
    expect(bad(await get('ids=a,b:c'))).toEqual([{ in: 'query', name: 'ids', pointer: '', message: 'holds reserved characters that must be percent-encoded (allowReserved is false)' }]);
    expect(bad(await get('where[a]=x/y'))).toEqual([{ in: 'query', name: 'where', pointer: '', message: 'holds reserved characters that must be percent-encoded (allowReserved is false)' }]);
  });

  /*
   * allowEmptyValue: "Sets the ability to pass empty-valued parameters. This is valid only for
   * query parameters and allows sending a parameter with an empty value. Default value is false."
   */
  it('refuses an empty value by default, with or without =', async () => {
    const message = 'must not be empty (allowEmptyValue is false)';
    expect(bad(await get('q='))).toEqual([{ in: 'query', name: 'q', pointer: '', message }]);
    expect(bad(await get('q'))).toEqual([{ in: 'query', name: 'q', pointer: '', message }]);
    expect(bad(await get('ids='))).toEqual([{ in: 'query', name: 'ids', pointer: '', message }]);
  });

  it('accepts an empty value when allowEmptyValue is true: an empty string, or an empty array', async () => {
    const res = await get('flag=&tags=');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().query).toEqual({ flag: '', tags: [] });
  });
});

describe('styles declared where the specification does not define them', () => {
  /* Style Values: "matrix … path; label … path; form … query, cookie; simple … path, header;
     spaceDelimited … query; pipeDelimited … query; deepObject … object … query" */
  it('names each parameter whose style its location or type of value does not allow', () => {
    const problems = parameterProblems({
      parameters: [
        { name: 'a', in: 'query', style: 'matrix', schema: { type: 'string' } },
        { name: 'b', in: 'header', style: 'form', schema: { type: 'string' } },
        { name: 'c', in: 'path', style: 'deepObject', schema: { type: 'object' } },
        { name: 'd', in: 'query', style: 'deepObject', schema: { type: 'array' } },
        { name: 'e', in: 'query', style: 'spaceDelimited', schema: { type: 'integer' } },
        { name: 'f', in: 'cookie', style: 'cookie', schema: { type: 'string' } },
        { name: 'ok', in: 'path', style: 'label', schema: { type: 'array' } },
        { name: 'ok2', in: 'query', style: 'pipeDelimited', schema: { type: 'object' } },
      ],
    });
    expect(problems).toEqual([
      'parameter "a" in query: style "matrix" is defined for path parameters only (OpenAPI Style Values)',
      'parameter "b" in header: style "form" is defined for query and cookie parameters only (OpenAPI Style Values)',
      'parameter "c" in path: style "deepObject" is defined for query parameters only (OpenAPI Style Values)',
      'parameter "d" in query: style "deepObject" serializes object values only, and the schema describes an array (OpenAPI Style Values)',
      'parameter "e" in query: style "spaceDelimited" serializes array and object values only, and the schema describes a primitive (OpenAPI Style Values)',
      'parameter "f" in cookie: style "cookie" is not one OpenAPI defines (matrix, label, form, simple, spaceDelimited, pipeDelimited, deepObject)',
    ]);
  });
});

describe('header parameters the specification ignores', () => {
  // "If in is "header" and the name field is "Accept", "Content-Type" or "Authorization", the parameter definition SHALL be ignored."
  it('does not validate Accept, Content-Type or Authorization header parameters', async () => {
    const kernel = await createKernel({
      contract: {
        openapi: '3.1.0',
        info: { title: 'ignored', version: '1' },
        paths: {
          '/ignored': {
            get: {
              operationId: 'ignored',
              parameters: [
                { name: 'Accept', in: 'header', required: true, schema: { type: 'string', enum: ['text/csv'] } },
                { name: 'Authorization', in: 'header', required: true, schema: { type: 'integer' } },
              ],
              responses: { '200': { description: 'seen', content: { 'application/json': { schema: { type: 'object' } } } } },
            },
          },
        },
      },
      handlers: { ignored: seen },
      logger: { level: 'silent' },
    });
    const res = await kernel.inject('/ignored');
    expect(res.statusCode, res.body).toBe(200);
    await kernel.close();
  });
});

describe('an exploded form object that is free-form', () => {
  // "A free-form query parameter, allowing undefined parameters of a specific type" (Parameter Object Examples)
  it('takes the query parameters no other parameter declares, each coerced to the additionalProperties type', async () => {
    const kernel = await createKernel({
      contract: {
        openapi: '3.0.3',
        info: { title: 'free form', version: '1' },
        paths: {
          '/free': {
            get: {
              operationId: 'free',
              parameters: [
                { name: 'limit', in: 'query', schema: { type: 'integer' } },
                { name: 'freeForm', in: 'query', style: 'form', schema: { type: 'object', additionalProperties: { type: 'integer' } } },
              ],
              responses: { '200': { description: 'seen', content: { 'application/json': { schema: { type: 'object' } } } } },
            },
          },
        },
      },
      handlers: { free: seen },
      logger: { level: 'silent' },
    });
    const res = await kernel.inject('/free?limit=5&a=1&b=2');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().query).toEqual({ limit: 5, freeForm: { a: 1, b: 2 } });
    const errors = bad(await kernel.inject('/free?a=x'));
    expect(errors).toEqual([{ in: 'query', name: 'freeForm', pointer: '/a', message: 'must be integer' }]);
    await kernel.close();
  });
});

describe('path parameters that share a segment with text', () => {
  // Path Templating: "template expressions, delimited by curly braces ({}), to mark a section of a URL path as replaceable"
  it('reads the parameter from its part of the segment, delimiters found before decoding', async () => {
    const kernel = await createKernel({
      contract: {
        openapi: '3.1.0',
        info: { title: 'partial', version: '1' },
        paths: {
          '/archives/{names}.zip': {
            get: {
              operationId: 'archive',
              parameters: [{ name: 'names', in: 'path', required: true, schema: { type: 'array', items: { type: 'string' }, minItems: 2 } }],
              responses: { '200': { description: 'seen', content: { 'application/json': { schema: { type: 'object' } } } } },
            },
          },
        },
      },
      handlers: { archive: seen },
      logger: { level: 'silent' },
    });
    const res = await kernel.inject('/archives/a%2Cb,c.zip');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().params.names).toEqual(['a,b', 'c']);
    expect(bad(await kernel.inject('/archives/solo.zip'))).toEqual([{ in: 'path', name: 'names', pointer: '', message: 'must NOT have fewer than 2 items' }]);
    await kernel.close();
  });
});
