/**
 * Schema Object, in both dialects: each keyword with a value it accepts and one it refuses
 * (a 400 naming the pointer).
 *
 * OpenAPI 3.0.3: "This object is an extended subset of the JSON Schema Specification Wright
 * Draft 00." OpenAPI 3.1.0: "This object is a superset of the JSON Schema Specification
 * Draft 2020-12." Formats, both: "Primitives have an optional modifier property: format."
 * "The formats defined by the OAS are: integer int32 signed 32 bits; integer int64 signed
 * 64 bits (a.k.a long); string byte base64 encoded characters; string date As defined by
 * full-date - RFC3339; string date-time As defined by date-time - RFC3339", and "Formats
 * such as "email", "uuid", and so on, MAY be used even though undefined by this specification."
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '../../core/index.js';

interface Case {
  /** The sentence of the specification the case checks. */
  cites: string;
  property: string;
  valid: unknown[];
  invalid?: { value: unknown; pointer?: string; message: string };
}

const DIALECT_30: Case[] = [
  {
    cites: 'nullable: "A true value adds "null" to the allowed type specified by the type keyword"',
    property: 'nullableString',
    valid: [null, 'text'],
    invalid: { value: 5, message: 'must be string' },
  },
  {
    cites: 'nullable: "Other Schema Object constraints retain their defined behavior, and therefore may disallow the use of null as a value" (an enum without null)',
    property: 'nullableEnum',
    valid: ['a'],
    invalid: { value: null, message: 'must be one of "a", "b"' },
  },
  {
    cites: 'nullable with an enum that lists null',
    property: 'nullableEnumWithNull',
    valid: [null, 'b'],
    invalid: { value: 'c', message: 'must be one of "a", "b", null' },
  },
  {
    cites: 'nullable: "…only if type is explicitly defined within the same Schema Object" (without type, every value; Ajv alone refuses to compile it)',
    property: 'untypedNullable',
    valid: [null, 5, 'text', { any: 'thing' }],
  },
  {
    cites: 'nullable: "A false value leaves the specified or default type unmodified"',
    property: 'notNullable',
    valid: ['text'],
    invalid: { value: null, message: 'must be string' },
  },
  {
    cites: 'Wright draft 00 exclusiveMinimum: "If "exclusiveMinimum" is true, then a numeric instance SHOULD NOT be equal to the value specified in "minimum""',
    property: 'aboveZero',
    valid: [0.5],
    invalid: { value: 0, message: 'must be > 0' },
  },
  {
    cites: 'Wright draft 00 exclusiveMaximum: true, with maximum',
    property: 'belowTen',
    valid: [9.5],
    invalid: { value: 10, message: 'must be < 10' },
  },
  {
    cites: 'Wright draft 00: "If "exclusiveMinimum" is false (or not specified), then a numeric instance MAY be equal to the value of "minimum""',
    property: 'fromZero',
    valid: [0],
    invalid: { value: -1, message: 'must be >= 0' },
  },
];

const DIALECT_31: Case[] = [
  {
    cites: '2020-12 type: "If it is an array, elements of the array MUST be strings and MUST be unique"; "An instance validates if and only if the instance is in any of the sets listed for this keyword"',
    property: 'maybe',
    valid: [null, 'text'],
    invalid: { value: 5, message: 'must be string,null' },
  },
  {
    cites: '2020-12 type with three types',
    property: 'anything',
    valid: [1, 'text', null],
    invalid: { value: 1.5, message: 'must be integer,string,null' },
  },
  {
    cites: '2020-12 const: "An instance validates successfully against this keyword if its value is equal to the value of the keyword"',
    property: 'version',
    valid: [2],
    invalid: { value: 3, message: 'must be equal to constant' },
  },
  {
    cites: '2020-12 exclusiveMinimum: "the instance is valid only if it has a value strictly greater than (not equal to) "exclusiveMinimum""',
    property: 'aboveZero',
    valid: [0.5],
    invalid: { value: 0, message: 'must be > 0' },
  },
  {
    cites: '2020-12 exclusiveMaximum: "strictly less than (not equal to)"',
    property: 'belowTen',
    valid: [9.5],
    invalid: { value: 10, message: 'must be < 10' },
  },
  {
    cites: '3.1 Schema Object: "In addition to the JSON Schema properties comprising the OAS dialect, the Schema Object supports keywords from any other vocabularies, or entirely arbitrary properties" — nullable is no keyword of 2020-12',
    property: 'notAKeyword',
    valid: ['text'],
    invalid: { value: null, message: 'must be string' },
  },
  {
    cites: '2020-12 $defs: "The "$defs" keyword reserves a location for schema authors to inline re-usable JSON Schemas into a more general schema"',
    property: 'tree',
    valid: [['ab', 'c']],
    invalid: { value: ['ab', 'abcd'], pointer: '/tree/1', message: 'must NOT have more than 3 characters' },
  },
  {
    cites: '2020-12 unevaluatedProperties: "applies only to the child values of instance names that do not appear in the "properties", "patternProperties", "additionalProperties", or "unevaluatedProperties" annotation results"',
    property: 'closed',
    valid: [{ a: 'x', b: 1 }],
    invalid: { value: { a: 'x', c: 1 }, pointer: '/closed/c', message: 'is not declared by the contract' },
  },
  {
    cites: '2020-12 dependentRequired: "Validation succeeds if, for each name that appears in both the instance and as a name within this keyword\'s value, every item in the corresponding array is also the name of a property in the instance"',
    property: 'window',
    valid: [{ from: '2024-01-01', to: '2024-01-02' }, { from: '2024-01-01' }],
    invalid: { value: { to: '2024-01-02' }, pointer: '/window/from', message: 'must have property from when property to is present' },
  },
];

const FORMATS: Case[] = [
  { cites: 'int32 "signed 32 bits"', property: 'int32', valid: [2 ** 31 - 1, -(2 ** 31)], invalid: { value: 2 ** 31, message: 'must match format "int32"' } },
  { cites: 'int64 "signed 64 bits (a.k.a long)"', property: 'int64', valid: [2 ** 53 + 2, -(2 ** 62)], invalid: { value: 1e19, message: 'must match format "int64"' } },
  { cites: 'byte "base64 encoded characters"', property: 'byte', valid: ['aGVsbG8=', ''], invalid: { value: 'hello!', message: 'must match format "byte"' } },
  { cites: 'date "As defined by full-date - RFC3339"', property: 'date', valid: ['2024-02-29'], invalid: { value: '2023-02-29', message: 'must match format "date"' } },
  { cites: 'date-time "As defined by date-time - RFC3339"', property: 'date-time', valid: ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00.5+02:00'], invalid: { value: '2024-02-29T12:00:00', message: 'must match format "date-time"' } },
  { cites: '"uuid" (RFC 4122)', property: 'uuid', valid: ['0f8fad5b-d9cb-469f-a165-70867728950e'], invalid: { value: '0f8fad5b-d9cb-469f-a165', message: 'must match format "uuid"' } },
  { cites: '"email" (RFC 5321 mailbox)', property: 'email', valid: ['ada@example.com'], invalid: { value: 'ada@', message: 'must match format "email"' } },
  { cites: 'uri (RFC 3986)', property: 'uri', valid: ['https://example.com/a?b=c#d', 'urn:isbn:0451450523'], invalid: { value: 'example.com/a', message: 'must match format "uri"' } },
];

describe.each([
  ['3.0', 'test/fixtures/spec/schemas/dialect-3.0.yaml', DIALECT_30],
  ['3.1', 'test/fixtures/spec/schemas/dialect-3.1.yaml', DIALECT_31],
] as const)('the %s dialect', (_version, contract, cases) => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await createKernel({ contract, handlers: { addValues: () => ({ status: 204 }), addFormats: () => ({ status: 204 }) }, logger: { level: 'silent' } });
  });
  afterAll(() => kernel.close());
  const post = (path: string, body: unknown) => kernel.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });

  describe.each([
    ['/values', cases],
    ['/formats', FORMATS],
  ] as const)('%s', (path, table) => {
    it.each(table.map((c) => [c.cites, c] as const))('%s', async (_cites, c) => {
      for (const value of c.valid) {
        const res = await post(path, { [c.property]: value });
        expect(res.statusCode, `${JSON.stringify(value)} is valid`).toBe(204);
      }
      if (!c.invalid) return;
      const res = await post(path, { [c.property]: c.invalid.value });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      expect(res.json().errors).toEqual([{ in: 'body', pointer: c.invalid.pointer ?? `/${c.property}`, message: c.invalid.message }]);
    });
  });
});
