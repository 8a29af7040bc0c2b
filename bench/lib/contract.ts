/**
 * The benchmark's contract, generated: the 3 measured operations (hello, createItem,
 * getItem) plus filler operations so that the document declares exactly `total`
 * operations. The measured operations sit in the middle of the document, so a
 * router that scans operations linearly pays the average cost, not the best case.
 */

/** The validated body of POST /items: 5 fields with lengths, formats, a range and an enum. */
export const ITEM_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'email', 'age', 'kind', 'createdAt'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 50 },
    email: { type: 'string', format: 'email' },
    age: { type: 'integer', minimum: 0, maximum: 150 },
    kind: { type: 'string', enum: ['a', 'b', 'c'] },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** The path parameter of GET /items/{id}. */
export const ID_SCHEMA = { type: 'integer', minimum: 1, maximum: 1_000_000_000 } as const;

/** Body of the small filler POST operations. */
export const FILLER_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['value'],
  properties: { value: { type: 'string', maxLength: 20 } },
} as const;

export const HELLO_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['message'],
  properties: { message: { type: 'string' } },
} as const;

export const ITEM_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer' }, ...ITEM_SCHEMA.properties },
} as const;

/** What every server answers, byte for byte the same JSON. */
export const HELLO_BODY = { message: 'hello' };
export const ITEM_BODY = { name: 'Widget', email: 'widget@example.com', age: 42, kind: 'b', createdAt: '2024-05-01T12:00:00Z' };
export const createdItem = (body: object) => ({ id: 1, ...body });
export const gotItem = (id: number) => ({ id, name: 'Widget', email: 'widget@example.com', age: 42, kind: 'b', createdAt: '2024-05-01T12:00:00Z' });

/** One route of the benchmark: how the load generator calls it and what a correct answer is. */
export interface BenchRoute {
  key: 'hello' | 'post' | 'getById';
  label: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  status: number;
  /** A request the server must reject with 400 (proves it validates). */
  invalid?: { path: string; body?: string };
}

export const ROUTES: BenchRoute[] = [
  { key: 'hello', label: 'GET /hello', method: 'GET', path: '/hello', status: 200 },
  {
    key: 'post',
    label: 'POST /items',
    method: 'POST',
    path: '/items',
    body: JSON.stringify(ITEM_BODY),
    status: 201,
    invalid: { path: '/items', body: JSON.stringify({ ...ITEM_BODY, email: 'not-an-email' }) },
  },
  { key: 'getById', label: 'GET /items/{id}', method: 'GET', path: '/items/42', status: 200, invalid: { path: '/items/abc' } },
];

/** A filler operation, as the non-contract servers register it. */
export interface FillerRoute {
  n: number;
  method: 'get' | 'post';
  /** OpenAPI template: /filler3/{id} or /filler3 */
  path: string;
  /** Express/Fastify style: /filler3/:id */
  expressPath: string;
  operationId: string;
}

/** The filler operations of a contract of `total` operations (total - 3 of them). */
export function fillers(total: number): FillerRoute[] {
  const out: FillerRoute[] = [];
  for (let i = 0; out.length < total - 3; i++) {
    const n = Math.floor(i / 2);
    if (i % 2 === 0) out.push({ n, method: 'get', path: `/filler${n}/{id}`, expressPath: `/filler${n}/:id`, operationId: `fillerGet${n}` });
    else out.push({ n, method: 'post', path: `/filler${n}`, expressPath: `/filler${n}`, operationId: `fillerCreate${n}` });
  }
  return out;
}

/** Where the measured operations are inserted among the fillers (the middle). */
export function splitFillers(total: number): [FillerRoute[], FillerRoute[]] {
  const all = fillers(total);
  const half = Math.floor(all.length / 2);
  return [all.slice(0, half), all.slice(half)];
}

const json = (schema: unknown) => ({ 'application/json': { schema } });

/** An OpenAPI 3.0.3 document of exactly `total` operations (a fresh object every call). */
export function generateContract(total: number): any {
  if (total < 3) throw new Error('a contract needs at least the 3 measured operations');
  const paths: Record<string, Record<string, unknown>> = {};
  const addFiller = (f: FillerRoute) => {
    const item = (paths[f.path] ??= {});
    if (f.method === 'get') {
      item.get = {
        operationId: f.operationId,
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
        responses: { '200': { description: 'a filler', content: json({ type: 'object', properties: { value: { type: 'string' } } }) } },
      };
    } else {
      item.post = {
        operationId: f.operationId,
        requestBody: { required: true, content: json(FILLER_SCHEMA) },
        responses: { '201': { description: 'created', content: json({ type: 'object', properties: { value: { type: 'string' } } }) } },
      };
    }
  };
  const [before, after] = splitFillers(total);
  before.forEach(addFiller);
  paths['/hello'] = {
    get: { operationId: 'hello', responses: { '200': { description: 'greeting', content: json(HELLO_RESPONSE_SCHEMA) } } },
  };
  paths['/items'] = {
    post: {
      operationId: 'createItem',
      requestBody: { required: true, content: json(ITEM_SCHEMA) },
      responses: {
        '201': { description: 'created', content: json(ITEM_RESPONSE_SCHEMA) },
        '400': { description: 'invalid' },
      },
    },
  };
  paths['/items/{id}'] = {
    get: {
      operationId: 'getItem',
      parameters: [{ name: 'id', in: 'path', required: true, schema: ID_SCHEMA }],
      responses: { '200': { description: 'the item', content: json(ITEM_RESPONSE_SCHEMA) }, '400': { description: 'invalid' } },
    },
  };
  after.forEach(addFiller);
  const doc = { openapi: '3.0.3', info: { title: 'bench', version: '1.0.0' }, paths };
  return structuredClone(doc);
}

/** Counts the operations of a document (sanity check). */
export function countOperations(doc: any): number {
  let n = 0;
  for (const item of Object.values(doc.paths ?? {})) for (const m of ['get', 'post', 'put', 'patch', 'delete']) if ((item as any)[m]) n++;
  return n;
}
