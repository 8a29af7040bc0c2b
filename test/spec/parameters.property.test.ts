/**
 * OpenAPI 3.0.3 and 3.1.0, Parameter Object, *Style Values*: a property test.
 * "In order to support common ways of serializing simple parameters, a set of style
 * values are defined." Generated values — primitives, arrays of primitives, flat
 * objects — are serialized as a client following the specification (RFC 6570, with
 * RFC 3986 percent-encoding) would, in every style and explode combination of every
 * location, sent through a real kernel, and must reach the handler unchanged.
 *
 * FAST_CHECK_RUNS raises the number of values per combination (default 40).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '../../core/index.js';
import { combinations, receivedValue, requestFor, seenHandlers, styleContract, type Kind, type Location, type Schemas } from '../fixtures/spec/parameters/styles.js';

const RUNS = Number(process.env.FAST_CHECK_RUNS ?? 40);

/** RFC 3986 percent-encoding of everything but unreserved characters (encodeURIComponent leaves !'()* alone). */
const encode = (value: string) => encodeURIComponent(value).replace(/[!'()*.]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

type Primitive = string | number | boolean;
type Value = Primitive | Primitive[] | Record<string, Primitive>;

/**
 * Serializes a value as the *Style Examples* table shows, for a parameter named
 * `color`. `commas` picks RFC 6570's `.a,b` for label with explode false (3.0.4 and
 * 3.1.1) instead of the 3.0.3 table's `.a.b`; both must be read.
 */
function serialize(location: Location, style: string, explode: boolean, value: Value, commas: boolean): string {
  const enc = location === 'header' ? String : (v: Primitive) => encode(String(v));
  const kind = Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : 'primitive';
  const items = kind === 'array' ? (value as Primitive[]).map(enc) : [];
  const entries = kind === 'object' ? Object.entries(value as Record<string, Primitive>).map(([k, v]) => [enc(k), enc(v)] as const) : [];
  const pairs = entries.flat();
  const joined = (separator: string) => (kind === 'array' ? items.join(separator) : pairs.join(separator));
  const single = kind === 'primitive' ? enc(value as Primitive) : '';
  switch (style) {
    case 'matrix':
      if (kind === 'primitive') return `;color=${single}`;
      if (!explode) return `;color=${joined(',')}`;
      return kind === 'array' ? items.map((i) => `;color=${i}`).join('') : entries.map(([k, v]) => `;${k}=${v}`).join('');
    case 'label':
      if (kind === 'primitive') return `.${single}`;
      if (!explode) return `.${joined(commas ? ',' : '.')}`;
      return kind === 'array' ? `.${items.join('.')}` : `.${entries.map(([k, v]) => `${k}=${v}`).join('.')}`;
    case 'simple':
      if (kind === 'primitive') return single;
      if (!explode || kind === 'array') return joined(',');
      return entries.map(([k, v]) => `${k}=${v}`).join(',');
    case 'form': {
      const and = location === 'cookie' ? '; ' : '&';
      if (kind === 'primitive') return `color=${single}`;
      if (!explode) return `color=${joined(',')}`;
      return kind === 'array' ? items.map((i) => `color=${i}`).join(and) : entries.map(([k, v]) => `${k}=${v}`).join(and);
    }
    case 'spaceDelimited':
      return `color=${joined('%20')}`;
    case 'pipeDelimited':
      return `color=${joined('|')}`;
    case 'deepObject':
      return entries.map(([k, v]) => `color[${k}]=${v}`).join('&');
  }
  throw new Error(`no serializer for ${style}`);
}

/**
 * Characters a value cannot hold in a location and style whatever the encoding: header
 * values are not percent-encoded (OpenAPI 3.1.1, Appendix D), so `,` and `=` stay
 * delimiters there; spaceDelimited and pipeDelimited delimiters are found after decoding
 * ("the specifications define the decoding as a single pass", Appendix E).
 */
function excluded(location: Location, style: string): RegExp | undefined {
  if (location === 'header') return /[^A-Za-z0-9!#$%&'*+.^_`|~:;/?@()[\]{}<>-]/;
  if (style === 'spaceDelimited') return /[ +]/;
  if (style === 'pipeDelimited') return /\|/;
  return undefined;
}

/** WHATWG URL parsing drops dot-segments (`.`, `..`, `%2e`…) before a request is sent. */
const isDotSegment = (segment: string) => ['.', '..', '%2e', '.%2e', '%2e.', '%2e%2e'].includes(segment.toLowerCase());

const text = (location: Location, style: string) => {
  const not = excluded(location, style);
  const strings = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 });
  return not ? strings.filter((s) => !not.test(s)) : strings;
};

/** The two sets of schemas the values are drawn for: strings, and integers and booleans. */
const VARIANTS: { name: string; schemas: Schemas; values(location: Location, style: string): Record<Kind, fc.Arbitrary<Value>> }[] = [
  {
    name: 'strings',
    schemas: {
      string: { type: 'string' },
      array: { type: 'array', items: { type: 'string' } },
      object: { type: 'object', additionalProperties: false, properties: { s: { type: 'string' }, t: { type: 'string' }, u: { type: 'string' } } },
    },
    values: (location, style) => ({
      string: text(location, style),
      array: fc.array(text(location, style), { minLength: 1, maxLength: 4 }),
      object: fc.record({ s: text(location, style), t: text(location, style), u: text(location, style) }, { requiredKeys: [], noNullPrototype: true }).filter((o) => Object.keys(o).length > 0),
    }),
  },
  {
    name: 'integers and booleans',
    schemas: {
      string: { type: 'integer' },
      array: { type: 'array', items: { type: 'integer' } },
      object: { type: 'object', additionalProperties: false, properties: { n: { type: 'integer' }, b: { type: 'boolean' }, s: { type: 'string' } } },
    },
    values: (location, style) => ({
      string: fc.integer(),
      array: fc.array(fc.integer(), { minLength: 1, maxLength: 4 }),
      object: fc.record({ n: fc.integer(), b: fc.boolean(), s: text(location, style) }, { requiredKeys: [], noNullPrototype: true }).filter((o) => Object.keys(o).length > 0),
    }),
  },
];

describe.each(VARIANTS)('serialize, send, read back: $name', ({ schemas, values }) => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await createKernel({ contract: styleContract('3.1.0', schemas), handlers: seenHandlers(), logger: { level: 'silent' } });
  });
  afterAll(() => kernel.close());

  it.each(combinations())('$location, style $style, explode $explode, $kind', async ({ location, style, explode, kind }) => {
    await fc.assert(
      fc.asyncProperty(values(location, style)[kind], fc.boolean(), async (value, commas) => {
        const serialized = serialize(location, style, explode, value, commas);
        if (location === 'path') fc.pre(!isDotSegment(serialized));
        const res = await kernel.inject({ method: 'GET', ...requestFor(location, style, explode, kind, serialized) });
        expect(res.statusCode, `${serialized} → ${res.body}`).toBe(200);
        expect(receivedValue(location, res.json())).toEqual(value);
      }),
      { numRuns: RUNS },
    );
  });
});
