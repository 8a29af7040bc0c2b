/**
 * Every contract boots and serves, or is refused at boot naming where the problem is —
 * never a contract that boots and then answers 500 to its requests. A corpus of odd but
 * valid contracts (test/fixtures/spec/corpus/) is booted and driven with valid and invalid
 * requests; contracts that cannot be served are refused with the pointer of the problem.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, type BurrowError, type Kernel, type KernelOptions, type RequestContext } from '../../core/index.js';

const CORPUS = 'test/fixtures/spec/corpus';

const boot = (contract: KernelOptions['contract'], handlers: KernelOptions['handlers']) => createKernel({ contract, handlers, logger: { level: 'silent' }, compile: 'eager' });
const json = (kernel: Kernel, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  kernel.inject({ method: method as 'POST', url, headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers }, ...(body !== undefined && { payload: JSON.stringify(body) }) });
const expectIssues = async (response: Promise<{ statusCode: number; json(): any }>, errors: unknown[]) => {
  const res = await response;
  expect(res.statusCode).toBe(400);
  expect(res.json().code).toBe('BURROW_ERR_REQUEST_VALIDATION');
  expect(res.json().errors).toEqual(errors);
};
/** A tree `depth` levels deep, as JSON text (JSON.stringify itself overflows the stack on a deep one). */
const nested = (depth: number) => '{"name":"n","children":['.repeat(depth) + '{"name":"leaf"}' + ']}'.repeat(depth);
const postText = (kernel: Kernel, url: string, payload: string) => kernel.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });

describe('recursive schemas (JSON Schema 2020-12 §9.4.1: "A schema MUST NOT be run into an infinite loop against an instance")', () => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await boot(`${CORPUS}/recursive-trees.yaml`, {
      addTree: (ctx: RequestContext) => ({ status: 201, body: ctx.body }),
      getTree: (ctx: RequestContext) => ({ status: 200, body: JSON.parse(nested(Number((ctx.params as { depth: number }).depth))) }),
      addFolder: () => ({ status: 204 }),
      addDocument: () => ({ status: 204 }),
    });
  });
  afterAll(() => kernel.close());

  it('validate a tree at every depth, request and response', async () => {
    const tree = { name: 'root', children: [{ name: 'a', children: [{ name: 'b', children: [] }] }, { name: 'c' }] };
    expect((await json(kernel, 'POST', '/trees', tree)).json()).toEqual(tree);
    await expectIssues(json(kernel, 'POST', '/trees', { name: 'root', children: [{ name: 'a', children: [{ children: [] }] }] }), [
      { in: 'body', pointer: '/children/0/children/0/name', message: 'is required' },
    ]);
    expect((await json(kernel, 'GET', '/trees/200')).statusCode).toBe(200);
  });

  it('validate mutual recursion through oneOf, and recursion through additionalProperties', async () => {
    expect((await json(kernel, 'POST', '/folders', { name: 'root', entries: [{ file: 'a' }, { name: 'sub', entries: [{ file: 'b' }] }] })).statusCode).toBe(204);
    // A union inside the closest branch of a union: one summary, the failures of the branches chosen on the way.
    await expectIssues(json(kernel, 'POST', '/folders', { name: 'root', entries: [{ name: 'sub', entries: [{ file: 3 }] }] }), [
      { in: 'body', pointer: '/entries/0', message: 'matches none of 2 schemas; closest: #/oneOf/1 (Folder): /entries/0/entries/0/file must be string' },
      { in: 'body', pointer: '/entries/0/entries/0/file', message: 'must be string' },
    ]);
    expect((await json(kernel, 'POST', '/documents', { a: 'x', b: { c: 1, d: { e: 'f' } } })).statusCode).toBe(204);
    await expectIssues(json(kernel, 'POST', '/documents', { b: { d: { e: true } } }), [
      { in: 'body', pointer: '/b', message: 'matches none of 3 schemas; closest: #/oneOf/2 (Json): /b/d/e must be string' },
      { in: 'body', pointer: '/b/d/e', message: 'must be string' },
    ]);
  });

  it('bound the depth of the value before recursing: a 400, not a stack overflow', async () => {
    expect((await postText(kernel, '/trees', nested(200))).statusCode).toBe(201);
    await expectIssues(postText(kernel, '/trees', nested(5000)), [{ in: 'body', pointer: '/children', message: 'nests deeper than 512 levels' }]);
  });
});

describe('OpenAPI 3.1: $ref with keywords beside it, and anchors (JSON Schema 2020-12 §8.2.3.1: "other keywords can appear alongside of "$ref" in the same schema object")', () => {
  let kernel: Kernel;
  beforeAll(async () => void (kernel = await boot(`${CORPUS}/ref-siblings-3.1.yaml`, { addPet: () => ({ status: 204 }), addNode: () => ({ status: 204 }) })));
  afterAll(() => kernel.close());

  it("apply the target's keywords and the siblings both", async () => {
    expect((await json(kernel, 'POST', '/pets', { id: 1, name: 'Tom', code: 'ABC' })).statusCode).toBe(204);
    await expectIssues(json(kernel, 'POST', '/pets', { id: 1 }), [{ in: 'body', pointer: '/name', message: 'is required' }]);
    await expectIssues(json(kernel, 'POST', '/pets', { name: 'Tom' }), [{ in: 'body', pointer: '/id', message: 'is required' }]);
    await expectIssues(json(kernel, 'POST', '/pets', { id: 1, name: 'Tom', code: 'ABCDE' }), [{ in: 'body', pointer: '/code', message: 'must NOT have more than 4 characters' }]);
    await expectIssues(json(kernel, 'POST', '/pets', { id: 1, name: 'Tom', code: 'ab' }), [{ in: 'body', pointer: '/code', message: 'must match pattern "^[A-Z]+$"' }]);
  });

  it('keep a recursion whose $ref has siblings, and resolve $anchor references', async () => {
    expect((await json(kernel, 'POST', '/nodes', { leaf: 'ab', children: [{ leaf: 'c', children: [{ leaf: 'd' }] }] })).statusCode).toBe(204);
    await expectIssues(json(kernel, 'POST', '/nodes', { children: [{ children: [{}] }] }), [{ in: 'body', pointer: '/children/0/children/0', message: 'must NOT have fewer than 1 properties' }]);
    await expectIssues(json(kernel, 'POST', '/nodes', { leaf: 'abc' }), [{ in: 'body', pointer: '/leaf', message: 'must NOT have more than 2 characters' }]);
  });
});

describe('OpenAPI 3.0: the forms Ajv alone refuses or reads otherwise', () => {
  let kernel: Kernel;
  beforeAll(async () => void (kernel = await boot(`${CORPUS}/odd-3.0.yaml`, { addOdd: () => ({ status: 204 }) })));
  afterAll(() => kernel.close());

  it('nullable without type (Ajv: "nullable" cannot be used without "type"): every value', async () => {
    for (const anything of [null, 1, 'x', {}]) expect((await json(kernel, 'POST', '/odd', { anything })).statusCode).toBe(204);
  });

  it('a pattern of ECMA 262 that is not valid in unicode mode ("This string SHOULD be a valid regular expression, according to the ECMA 262 regular expression dialect")', async () => {
    expect((await json(kernel, 'POST', '/odd', { slug: 'a-b.c_d' })).statusCode).toBe(204);
    await expectIssues(json(kernel, 'POST', '/odd', { slug: 'a b' }), [{ in: 'body', pointer: '/slug', message: 'must match pattern "^[\\w-.]+$"' }]);
  });

  it('the siblings of a $ref are ignored (Reference Object: "any properties added SHALL be ignored")', async () => {
    expect((await json(kernel, 'POST', '/odd', { name: 'longer than three' })).statusCode).toBe(204);
    await expectIssues(json(kernel, 'POST', '/odd', { name: '' }), [{ in: 'body', pointer: '/name', message: 'must NOT have fewer than 1 characters' }]);
  });

  it('exclusiveMinimum: true with minimum', async () => {
    await expectIssues(json(kernel, 'POST', '/odd', { positive: 0 }), [{ in: 'body', pointer: '/positive', message: 'must be > 0' }]);
  });
});

describe('path-level parameters overridden per operation (Operation Object: "If a parameter is already defined at the Path Item, the new definition will override it but can never remove it")', () => {
  let kernel: Kernel;
  beforeAll(async () => void (kernel = await boot(`${CORPUS}/path-parameters.yaml`, { getItem: () => ({ status: 204 }), deleteItem: () => ({ status: 204 }) })));
  afterAll(() => kernel.close());

  it('the operation definition wins (a header name whatever its case)', async () => {
    expect((await json(kernel, 'GET', '/items/1?limit=50')).statusCode).toBe(204);
    await expectIssues(json(kernel, 'GET', '/items/1?limit=500'), [{ in: 'query', name: 'limit', pointer: '', message: 'must be <= 100' }]);
  });

  it('the path-level definition applies where the operation has none', async () => {
    await expectIssues(json(kernel, 'DELETE', '/items/0?limit=50'), [
      { in: 'path', name: 'id', pointer: '', message: 'must be >= 1' },
      { in: 'query', name: 'limit', pointer: '', message: 'must be <= 10' },
      { in: 'header', name: 'x-trace', pointer: '', message: 'is required' },
    ]);
    expect((await json(kernel, 'DELETE', '/items/1?limit=5', undefined, { 'x-trace': 't' })).statusCode).toBe(204);
  });
});

describe('parameters by $ref, at path level and per operation', () => {
  let kernel: Kernel;
  beforeAll(async () => void (kernel = await boot(`${CORPUS}/parameter-refs.yaml`, { getOrder: () => ({ status: 204 }), listOrders: (ctx: RequestContext) => ({ status: 204, headers: { 'x-page': String((ctx.query as { page: number }).page) } }) })));
  afterAll(() => kernel.close());

  it('validate in every operation that uses them', async () => {
    expect((await json(kernel, 'GET', '/orders/ord_42?fields=id,total')).statusCode).toBe(204);
    await expectIssues(json(kernel, 'GET', '/orders/42?fields=id,price'), [
      { in: 'path', name: 'orderId', pointer: '', message: 'must match pattern "^ord_[a-z0-9]+$"' },
      { in: 'query', name: 'fields', pointer: '/1', message: 'must be one of "id", "total", "items"' },
    ]);
    const list = await json(kernel, 'GET', '/orders?fields=id');
    expect(list.statusCode).toBe(204);
    expect(list.headers['x-page']).toBe('1');
    await expectIssues(json(kernel, 'GET', '/orders?page=0'), [{ in: 'query', name: 'page', pointer: '', message: 'must be >= 1' }]);
  });
});

describe("path items by $ref (Path Item Object: $ref \"Allows for an external definition of this path item\"; 3.1 components.pathItems)", () => {
  it('in another file (3.0)', async () => {
    const kernel = await boot(`${CORPUS}/path-item-ref/api.yaml`, { getThing: () => ({ status: 204 }), putThing: () => ({ status: 204 }) });
    expect((await json(kernel, 'GET', '/things/3')).statusCode).toBe(204);
    await expectIssues(json(kernel, 'GET', '/things/three'), [{ in: 'path', name: 'thingId', pointer: '', message: 'must be integer' }]);
    expect((await json(kernel, 'PUT', '/things/3', { name: 'x' })).statusCode).toBe(204);
    await expectIssues(json(kernel, 'PUT', '/things/3', { name: '' }), [{ in: 'body', pointer: '/name', message: 'must NOT have fewer than 1 characters' }]);
    await kernel.close();
  });

  it('to components.pathItems (3.1)', async () => {
    const kernel = await boot(`${CORPUS}/path-item-ref-3.1.yaml`, { listThings: () => ({ status: 204 }), addThing: () => ({ status: 204 }) });
    expect((await json(kernel, 'GET', '/things?tag=red')).statusCode).toBe(204);
    await expectIssues(json(kernel, 'GET', '/things?tag=much-too-long'), [{ in: 'query', name: 'tag', pointer: '', message: 'must NOT have more than 8 characters' }]);
    await expectIssues(json(kernel, 'POST', '/things?tag=much-too-long', {}), [
      { in: 'query', name: 'tag', pointer: '', message: 'must NOT have more than 8 characters' },
      { in: 'body', pointer: '/name', message: 'is required' },
    ]);
    await kernel.close();
  });
});

describe('contracts that cannot be served are refused at boot, naming the pointer', () => {
  const contract = (openapi: string, schema: object, components: object = {}) => ({
    openapi,
    info: { title: 'refused', version: '1' },
    paths: {
      '/x': {
        post: {
          operationId: 'x',
          requestBody: { content: { 'application/json': { schema } } },
          responses: { '204': { description: 'done' } },
        },
      },
    },
    components: { schemas: components },
  });
  const refusal = async (document: object) => (await boot(document as never, { x: () => ({ status: 204 }) }).catch((e) => e)) as BurrowError;

  it('a local $ref without the slash after "#" (RFC 6901: a JSON pointer is a sequence of "/" reference-token)', async () => {
    const error = await refusal(contract('3.0.3', { $ref: '#components/schemas/Thing' }, { Thing: { type: 'object' } }));
    expect(error.code).toBe('BURROW_ERR_BOOT_CONTRACT_UNREADABLE');
    expect(error.detail).toContain(
      '<inline>#/paths/~1x/post/requestBody/content/application~1json/schema: $ref "#components/schemas/Thing" is not a JSON pointer: after "#" a pointer starts with "/" (did you mean "#/components/schemas/Thing"?)',
    );
  });

  it('a 3.1 $ref to an anchor no schema declares', async () => {
    const error = await refusal(contract('3.1.0', { $ref: '#thing' }, { Thing: { $anchor: 'other' } }));
    expect(error.code).toBe('BURROW_ERR_BOOT_CONTRACT_UNREADABLE');
    expect(error.detail).toContain('$ref "#thing" names an anchor no schema of the contract declares');
  });

  it('a pattern that is no regular expression', async () => {
    // 3.0: the OpenAPI schema check has it (its pattern is `format: regex`); 3.1's does not look into schemas.
    const error30 = await refusal(contract('3.0.3', { $ref: '#/components/schemas/Code' }, { Code: { type: 'string', pattern: '([A-Z]' } }));
    expect(error30.code).toBe('BURROW_ERR_BOOT_CONTRACT_INVALID');
    expect(error30.detail).toContain('<inline>#/components/schemas/Code/pattern: must match format "regex"');
    const error31 = await refusal(contract('3.1.0', { $ref: '#/components/schemas/Code' }, { Code: { type: 'string', pattern: '([A-Z]' } }));
    expect(error31.code).toBe('BURROW_ERR_BOOT_CONTRACT_INVALID');
    expect(error31.detail).toContain('#/components/schemas/Code/pattern: "([A-Z]" is not a regular expression');
  });

  it('schemas that apply each other to the same value forever ("Schemas SHOULD NOT make use of infinite recursive nesting like this")', async () => {
    const error = await refusal(contract('3.1.0', { $ref: '#/components/schemas/Alice' }, { Alice: { allOf: [{ $ref: '#/components/schemas/Bob' }] }, Bob: { allOf: [{ $ref: '#/components/schemas/Alice' }] } }));
    expect(error.code).toBe('BURROW_ERR_BOOT_CONTRACT_INVALID');
    expect(error.detail).toContain('#/components/schemas/Bob/allOf/0: leads back to #/components/schemas/Alice, applied to the same value, without descending into a property or an item');
  });
});
