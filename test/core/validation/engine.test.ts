import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, type Kernel, type RequestContext } from '../../../core/index.js';
import { fixtureKernel } from '../../helpers.js';

const post = (kernel: Kernel, url: string, body: unknown) =>
  kernel.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });

describe('one validator per schema shape', () => {
  let kernel: Kernel;
  beforeAll(async () => void (kernel = await fixtureKernel({ compile: 'eager' })));
  afterAll(() => kernel.close());
  const op = (id: string) => kernel.operations.get(id)!;

  it('shares the compiled validator between operations whose schemas have the same shape', () => {
    // createItem answers 201 with an Item, getItem 200 with an Item: one function for both.
    expect(op('createItem').responseValidators()['201']['application/json']).toBe(op('getItem').responseValidators()['200']['application/json']);
  });

  it('compiles a schema of another shape on its own', () => {
    expect(op('listItems').responseValidators()['200']['application/json']).not.toBe(op('getItem').responseValidators()['200']['application/json']);
    expect(op('listItems').parameterValidator()).not.toBe(op('getItem').parameterValidator());
  });
});

describe.each(['3.0', '3.1'] as const)('the %s schema dialect', (version) => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await createKernel({
      contract: `test/fixtures/dialect-${version}.yaml`,
      handlers: { addReading: (ctx: RequestContext) => ({ status: 201, body: ctx.body as object }) },
      logger: { level: 'silent' },
      compile: 'eager',
    });
  });
  afterAll(() => kernel.close());

  it('is the one the contract declares', () => expect(kernel.version).toBe(version));

  it('fills in a default the body leaves out, and keeps a value it gives', async () => {
    expect((await post(kernel, '/readings', { value: 1, note: 'n' })).json()).toEqual({ value: 1, note: 'n', unit: 'celsius' });
    expect((await post(kernel, '/readings', { value: 1, note: 'n', unit: 'kelvin' })).json()).toEqual({ value: 1, note: 'n', unit: 'kelvin' });
  });

  it(`accepts null where the schema allows it (${version === '3.0' ? 'nullable: true' : "type: [string, 'null']"})`, async () => {
    expect((await post(kernel, '/readings', { value: 1, note: null })).statusCode).toBe(201);
    const res = await post(kernel, '/readings', { value: 1, note: 5 });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('BURROW_ERR_REQUEST_VALIDATION');
    expect(res.json().errors).toEqual([{ in: 'body', pointer: '/note', message: version === '3.0' ? 'must be string' : 'must be string,null' }]);
  });
});

describe('the 3.1 dialect is JSON Schema 2020-12', () => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await createKernel({
      contract: 'test/fixtures/dialect-3.1.yaml',
      handlers: { addReading: (ctx: RequestContext) => ({ status: 201, body: ctx.body as object }) },
      logger: { level: 'silent' },
    });
  });
  afterAll(() => kernel.close());
  const errorsOf = async (body: unknown) => {
    const res = await post(kernel, '/readings', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('BURROW_ERR_REQUEST_VALIDATION');
    return res.json().errors;
  };

  it('reads exclusiveMinimum as a number', async () => {
    expect(await errorsOf({ value: 0, note: null })).toEqual([{ in: 'body', pointer: '/value', message: 'must be > 0' }]);
  });

  it('checks prefixItems, with items: false closing the tuple', async () => {
    expect((await post(kernel, '/readings', { value: 1, note: null, range: [1, 2] })).statusCode).toBe(201);
    expect(await errorsOf({ value: 1, note: null, range: [1, 'two', 3] })).toEqual([
      { in: 'body', pointer: '/range/1', message: 'must be number' },
      { in: 'body', pointer: '/range', message: 'must NOT have more than 2 items' },
    ]);
  });

  it('checks dependentRequired', async () => {
    expect(await errorsOf({ value: 1, note: null, to: 'b' })).toEqual([{ in: 'body', pointer: '/from', message: 'must have property from when property to is present' }]);
    expect((await post(kernel, '/readings', { value: 1, note: null, from: 'a', to: 'b' })).statusCode).toBe(201);
  });
});

describe('schemas with $id', () => {
  const things = {
    listThings: () => ({ status: 200, body: [{ name: 'a' }] }),
    createThing: (ctx: RequestContext) => ({ status: 201, body: ctx.body as object }),
    getThing: (ctx: RequestContext) => ({ status: 200, body: { name: ctx.params.id === 'nameless' ? '' : 'b' } }),
    getTree: () => ({ status: 200, body: { label: 'root', children: [{ label: 'leaf' }] } }),
    getForest: () => ({ status: 200, body: { label: 'forest', children: [{ label: 5 }] } }),
  };

  describe.each(['eager', 'lazy'] as const)('compiled %s', (compile) => {
    let kernel: Kernel;
    beforeAll(async () => {
      kernel = await createKernel({ contract: 'test/fixtures/schema-ids.yaml', handlers: things, logger: { level: 'silent' }, compile });
    });
    afterAll(() => kernel.close());

    it('compiles a schema with an $id used by several operations in several shapes (a body, array items, a response)', async () => {
      // listThings first: its array items register the $id before getThing's response root does.
      expect((await kernel.inject('/things')).statusCode).toBe(200);
      expect((await kernel.inject('/things/1')).statusCode).toBe(200);
      const created = await post(kernel, '/things', { name: 'c' });
      expect(created.statusCode).toBe(201);
      for (const id of ['listThings', 'getThing', 'createThing']) expect(kernel.operations.get(id)!.compiled).toBe(true);
    });

    it('validates with it in every operation that uses it', async () => {
      const invalid = await post(kernel, '/things', {});
      expect(invalid.statusCode).toBe(400);
      expect(invalid.json().code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      expect(invalid.json().errors).toEqual([{ in: 'body', pointer: '/name', message: 'is required' }]);
      const nameless = await kernel.inject('/things/nameless');
      expect(nameless.statusCode).toBe(500);
      expect(nameless.json().code).toBe('BURROW_ERR_RESPONSE_INVALID');
    });

    it('fills in defaults in a request body, not in a response', async () => {
      expect((await post(kernel, '/things', { name: 'c' })).json()).toEqual({ name: 'c', colour: 'grey' });
      expect((await kernel.inject('/things')).json()).toEqual([{ name: 'a' }]);
    });

    it('still shares validators between operations without an $id, cyclic schemas included', async () => {
      expect((await kernel.inject('/trees/1')).statusCode).toBe(200);
      const forest = await kernel.inject('/forests/1');
      expect(forest.statusCode).toBe(500);
      expect(forest.json().errors).toEqual([{ in: 'response', pointer: '/children/0/label', message: 'must be string' }]);
      const tree = kernel.operations.get('getTree')!;
      const otherTree = kernel.operations.get('getForest')!;
      expect(tree.responseValidators()['200']['application/json']).toBe(otherTree.responseValidators()['200']['application/json']);
      expect(tree.parameterValidator()).toBe(otherTree.parameterValidator());
    });
  });
});
