/**
 * Discriminator Object (OpenAPI 3.0.3 and 3.1.0, same text).
 *
 * "When request bodies or response payloads may be one of a number of different schemas,
 * a discriminator object can be used to aid in serialization, deserialization, and
 * validation." "The expectation now is that a property with name petType MUST be present
 * in the response payload, and the value will correspond to the name of a schema defined
 * in the OAS document." "Here the discriminator value of dog will map to the schema
 * #/components/schemas/Dog, rather than the default (implicit) value of Dog. If the
 * discriminator value does not match an implicit or explicit mapping, no schema can be
 * determined and validation SHOULD fail." mapping: "An object to hold mappings between
 * payload values and schema names or references." "In both the oneOf and anyOf use cases,
 * all possible schemas MUST be listed explicitly."
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createKernel, type BurrowError, type Kernel, type RequestContext } from '../../core/index.js';

const FIXTURE = 'test/fixtures/spec/schemas/discriminator.yaml';
const contractAs = (openapi: string) => ({ ...parse(readFileSync(FIXTURE, 'utf8')), openapi });

/** Each handler answers the body it was given (after validation: defaults applied), or what `x-reply` holds. */
const echo = (ctx: RequestContext) => ({ status: 201, body: ctx.headers['x-reply'] ? JSON.parse(String(ctx.headers['x-reply'])) : ctx.body });

const post = (kernel: Kernel, url: string, body: unknown, reply?: unknown) =>
  kernel.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...(reply !== undefined && { 'x-reply': JSON.stringify(reply) }) }, payload: JSON.stringify(body) });

const errorsOf = async (kernel: Kernel, url: string, body: unknown) => {
  const res = await post(kernel, url, body);
  expect(res.statusCode).toBe(400);
  expect(res.json().code).toBe('BURROW_ERR_REQUEST_VALIDATION');
  return res.json().errors;
};

describe.each(['3.0.3', '3.1.0'])('the discriminator in OpenAPI %s', (openapi) => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await createKernel({ contract: contractAs(openapi), handlers: { addPet: echo, addAnyPet: echo, addShelter: () => ({ status: 201 }) }, logger: { level: 'silent' } });
  });
  afterAll(() => kernel.close());

  describe('selects the branch', () => {
    it('by the schema name (implicit mapping), where plain oneOf would find two matching branches', async () => {
      // {petType: Cat, name} is a Cat and a Lizard: without the discriminator, "must match exactly one schema in oneOf".
      const res = await post(kernel, '/pets', { petType: 'Cat', name: 'Tom' });
      expect(res.statusCode).toBe(201);
    });

    it('by an explicit mapping to a reference ("dog" → #/components/schemas/Dog)', async () => {
      expect((await post(kernel, '/pets', { petType: 'dog', packSize: 3 })).statusCode).toBe(201);
    });

    it('by an explicit mapping to a schema name ("lizard" → Lizard)', async () => {
      expect((await post(kernel, '/pets', { petType: 'lizard', lovesRocks: true })).statusCode).toBe(201);
    });

    it('in anyOf too', async () => {
      expect((await post(kernel, '/any-pets', { petType: 'Dog', packSize: 1 })).statusCode).toBe(201);
      expect(await errorsOf(kernel, '/any-pets', { petType: 'Dog', packSize: -1 })).toEqual([
        { in: 'body', pointer: '', message: 'petType "Dog" selects #/anyOf/1 (Dog): /packSize must be >= 0' },
        { in: 'body', pointer: '/packSize', message: 'must be >= 0' },
      ]);
    });
  });

  describe("applies the selected branch's defaults", () => {
    it('in oneOf', async () => {
      const res = await post(kernel, '/pets', { petType: 'Cat', name: 'Tom' });
      expect(res.json()).toEqual({ petType: 'Cat', name: 'Tom', huntingSkill: 'lazy' });
    });

    it('in anyOf, and only the selected branch', async () => {
      const res = await post(kernel, '/any-pets', { petType: 'Dog', packSize: 2 });
      expect(res.json()).toEqual({ petType: 'Dog', packSize: 2, goodBoy: true });
    });
  });

  describe('a failure', () => {
    it("names the discriminator value and that branch's failures only", async () => {
      // Dog's `packSize is required` and Lizard's nothing are not reported: the value says it is a Cat.
      expect(await errorsOf(kernel, '/pets', { petType: 'Cat', name: 5, huntingSkill: 'sleepy' })).toEqual([
        { in: 'body', pointer: '', message: 'petType "Cat" selects #/oneOf/0 (Cat): /name must be string; /huntingSkill must be one of "clueless", "lazy", "adventurous", "aggressive"' },
        { in: 'body', pointer: '/name', message: 'must be string' },
        { in: 'body', pointer: '/huntingSkill', message: 'must be one of "clueless", "lazy", "adventurous", "aggressive"' },
      ]);
    });

    it('keeps the JSON pointer of a discriminated value nested in an array', async () => {
      expect(await errorsOf(kernel, '/shelters', { pets: [{ petType: 'Cat', name: 'Tom' }, { petType: 'dog', packSize: -1 }] })).toEqual([
        { in: 'body', pointer: '/pets/1', message: 'petType "dog" selects #/oneOf/1 (Dog): /pets/1/packSize must be >= 0' },
        { in: 'body', pointer: '/pets/1/packSize', message: 'must be >= 0' },
      ]);
    });

    it('is one issue when the discriminator property is missing ("MUST be present")', async () => {
      expect(await errorsOf(kernel, '/pets', { name: 'Tom' })).toEqual([{ in: 'body', pointer: '/petType', message: 'is required: it selects the schema (one of "dog", "lizard", "Cat")' }]);
    });

    it('is one issue when the value matches no mapping ("no schema can be determined and validation SHOULD fail")', async () => {
      expect(await errorsOf(kernel, '/pets', { petType: 'Lion', name: 'Leo' })).toEqual([{ in: 'body', pointer: '/petType', message: '"Lion" selects no schema: must be one of "dog", "lizard", "Cat"' }]);
    });

    it('does not take the schema name of a schema the mapping names otherwise ("rather than the default (implicit) value of Dog")', async () => {
      expect(await errorsOf(kernel, '/pets', { petType: 'Dog', packSize: 3 })).toEqual([{ in: 'body', pointer: '/petType', message: '"Dog" selects no schema: must be one of "dog", "lizard", "Cat"' }]);
    });

    it('is one issue when the value is not a string ("Mapping keys MUST be string values, but tooling MAY convert response values to strings": Burrow does not)', async () => {
      expect(await errorsOf(kernel, '/pets', { petType: 7 })).toEqual([{ in: 'body', pointer: '/petType', message: 'must be a string: it selects the schema (one of "dog", "lizard", "Cat")' }]);
    });

    it('checks a value that is no object against every branch', async () => {
      expect(await errorsOf(kernel, '/pets', 'Tom')).toEqual([
        { in: 'body', pointer: '', message: 'matches none of 3 schemas; closest: #/oneOf/0 (Cat): must be object' },
        { in: 'body', pointer: '', message: 'must be object' },
      ]);
    });

    it('in a response is a response violation naming the branch', async () => {
      const res = await post(kernel, '/pets', { petType: 'Cat', name: 'Tom' }, { petType: 'dog' });
      expect(res.statusCode).toBe(500);
      expect(res.json().code).toBe('BURROW_ERR_RESPONSE_INVALID');
      expect(res.json().errors).toEqual([
        { in: 'response', pointer: '', message: 'petType "dog" selects #/oneOf/1 (Dog): /packSize is required' },
        { in: 'response', pointer: '/packSize', message: 'is required' },
      ]);
    });
  });
});

describe('a discriminator mapping that selects nothing stops the boot', () => {
  const contract = (mapping: Record<string, string>) => ({
    openapi: '3.0.3',
    info: { title: 'bad mapping', version: '1' },
    paths: {
      '/pets': {
        post: {
          operationId: 'addPet',
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } },
          responses: { '204': { description: 'stored' } },
        },
      },
    },
    components: {
      schemas: {
        Pet: { oneOf: [{ $ref: '#/components/schemas/Cat' }], discriminator: { propertyName: 'petType', mapping } },
        Cat: { type: 'object', properties: { petType: { type: 'string' } } },
        Dog: { type: 'object', properties: { petType: { type: 'string' } } },
      },
    },
  });
  const bootError = async (mapping: Record<string, string>) =>
    (await createKernel({ contract: contract(mapping), handlers: { addPet: () => ({ status: 204 }) }, logger: { level: 'silent' } }).catch((e) => e)) as BurrowError;

  it('a mapping to a schema the contract does not have', async () => {
    const error = await bootError({ cat: '#/components/schemas/Cat', tiger: '#/components/schemas/Tiger' });
    expect(error.code).toBe('BURROW_ERR_BOOT_CONTRACT_INVALID');
    expect(error.detail).toContain('#/components/schemas/Pet/discriminator/mapping/tiger: "#/components/schemas/Tiger" names no schema of the contract');
  });

  it('a mapping to a schema that oneOf does not list ("all possible schemas MUST be listed explicitly")', async () => {
    const error = await bootError({ dog: 'Dog' });
    expect(error.code).toBe('BURROW_ERR_BOOT_CONTRACT_INVALID');
    expect(error.detail).toContain('#/components/schemas/Pet/discriminator/mapping/dog: "Dog" is not one of the schemas of oneOf');
  });
});
