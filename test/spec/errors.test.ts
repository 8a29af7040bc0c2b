/**
 * Validation failures a person can act on: every issue keeps the JSON pointer of the value
 * it is about, and a failed `oneOf`/`anyOf` says which branch came closest and why.
 *
 * JSON Schema 2020-12 (OpenAPI 3.1.0; 3.0.3 takes the same keywords from Wright draft 00):
 * oneOf "An instance validates successfully against this keyword if it validates
 * successfully against exactly one schema defined by this keyword's value." anyOf "...if it
 * validates successfully against at least one schema defined by this keyword's value."
 * RFC 6901 §3: "'~' needs to be encoded as '~0' and '/' needs to be encoded as '~1' when
 * these characters appear in a reference token."
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createKernel, type Kernel, type RequestContext } from '../../core/index.js';

const FIXTURE = 'test/fixtures/spec/schemas/errors.yaml';
const contractAs = (openapi: string) => ({ ...parse(readFileSync(FIXTURE, 'utf8')), openapi });

describe.each(['3.0.3', '3.1.0'])('failures in OpenAPI %s', (openapi) => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await createKernel({
      contract: contractAs(openapi),
      handlers: {
        addAnimal: (ctx: RequestContext) => ({ status: 201, body: ctx.headers['x-reply'] ? JSON.parse(String(ctx.headers['x-reply'])) : ctx.body }),
        addZoo: () => ({ status: 204 }),
        addShape: () => ({ status: 204 }),
        listEvents: () => ({ status: 204 }),
      },
      logger: { level: 'silent' },
    });
  });
  afterAll(() => kernel.close());
  const post = (url: string, body: unknown, reply?: unknown) =>
    kernel.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...(reply !== undefined && { 'x-reply': JSON.stringify(reply) }) }, payload: JSON.stringify(body) });
  const errorsOf = async (url: string, body: unknown) => {
    const res = await post(url, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('BURROW_ERR_REQUEST_VALIDATION');
    return res.json().errors;
  };

  describe('oneOf ("exactly one schema")', () => {
    it('names the closest branch and why, then lists that branch\'s failures only', async () => {
      // Dog fails on its tag (kind), the string branch on the type: Cat is what was meant.
      expect(await errorsOf('/animals', { kind: 'cat', meow: 'yes' })).toEqual([
        { in: 'body', pointer: '', message: 'matches none of 3 schemas; closest: #/oneOf/1 (Cat): /meow must be boolean' },
        { in: 'body', pointer: '/meow', message: 'must be boolean' },
      ]);
    });

    it('prefers a branch failing on the values given over one missing properties', async () => {
      expect(await errorsOf('/animals', { kind: 'dog', bark: 3 })).toEqual([
        { in: 'body', pointer: '', message: 'matches none of 3 schemas; closest: #/oneOf/0 (Dog): /bark must be string' },
        { in: 'body', pointer: '/bark', message: 'must be string' },
      ]);
    });

    it('names an inline branch by its place', async () => {
      expect(await errorsOf('/animals', '')).toEqual([
        { in: 'body', pointer: '', message: 'matches none of 3 schemas; closest: #/oneOf/2: must NOT have fewer than 1 characters' },
        { in: 'body', pointer: '', message: 'must NOT have fewer than 1 characters' },
      ]);
    });

    it('names the two branches a value matches when it matches more than one', async () => {
      expect(await errorsOf('/shapes', { colour: 'red' })).toEqual([{ in: 'body', pointer: '', message: 'must match exactly one schema, but matches #/oneOf/0 and #/oneOf/1' }]);
    });

    it('keeps the pointers of a union nested in an array, in its message too', async () => {
      expect(await errorsOf('/zoos', { animals: [{ kind: 'dog', bark: 'woof' }, 'Rex', { kind: 'cat' }] })).toEqual([
        { in: 'body', pointer: '/animals/2', message: 'matches none of 3 schemas; closest: #/oneOf/1 (Cat): /animals/2/meow is required' },
        { in: 'body', pointer: '/animals/2/meow', message: 'is required' },
      ]);
    });

    it('in a response, is a response violation with the same words', async () => {
      const res = await post('/animals', 'Rex', { kind: 'cat', meow: 'yes' });
      expect(res.statusCode).toBe(500);
      expect(res.json().code).toBe('BURROW_ERR_RESPONSE_INVALID');
      expect(res.json().errors).toEqual([
        { in: 'response', pointer: '', message: 'matches none of 3 schemas; closest: #/oneOf/1 (Cat): /meow must be boolean' },
        { in: 'response', pointer: '/meow', message: 'must be boolean' },
      ]);
    });

    it('in a parameter, names the parameter and the branch', async () => {
      const res = await kernel.inject({ method: 'GET', url: '/events?when=2024-02-30' });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      expect(res.json().errors).toEqual([
        { in: 'query', name: 'when', pointer: '', message: 'matches none of 2 schemas; closest: #/oneOf/0: must match format "date"' },
        { in: 'query', name: 'when', pointer: '', message: 'must match format "date"' },
      ]);
      expect((await kernel.inject({ method: 'GET', url: '/events?when=today' })).statusCode).toBe(204);
    });
  });

  describe('anyOf ("at least one schema")', () => {
    it('names the closest branch: the one that fails on the value given', async () => {
      expect(await errorsOf('/zoos', { contact: { phone: '0123' } })).toEqual([
        { in: 'body', pointer: '/contact', message: 'matches none of 2 schemas; closest: #/anyOf/1: /contact/phone must match pattern "^\\+[0-9]+$"' },
        { in: 'body', pointer: '/contact/phone', message: 'must match pattern "^\\+[0-9]+$"' },
      ]);
      expect((await post('/zoos', { contact: { phone: '+33123' } })).statusCode).toBe(204);
    });
  });

  describe('every issue keeps its JSON pointer', () => {
    it('reports every failure of a body at once, escaping "~" and "/" in names', async () => {
      expect(await errorsOf('/zoos', { animals: [{ kind: 'dog', bark: 'woof' }], tags: { 'a/b': 'too long', 'c~d': 7, ok: 'fine' } })).toEqual([
        { in: 'body', pointer: '/tags/a~1b', message: 'must NOT have more than 5 characters' },
        { in: 'body', pointer: '/tags/c~0d', message: 'must be string' },
      ]);
    });
  });
});
