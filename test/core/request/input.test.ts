import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, type Kernel, type RequestContext } from '../../../core/index.js';
import { ADAPTERS, agent } from '../../helpers.js';

const PARAMETERS = 'test/fixtures/parameters.yaml';

/** Answers the parameters as the handler received them, after parsing, coercion and defaults. */
const seen = (ctx: RequestContext) => ({
  status: 200,
  body: {
    params: ctx.params,
    query: ctx.query,
    cookies: ctx.cookies,
    headers: { traceDepth: ctx.headers['x-trace-depth'], dryRun: ctx.headers['x-dry-run'], budget: ctx.headers['x-request-budget'] },
  },
});

describe.each(ADAPTERS)('request input (%s)', (adapter) => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await createKernel({ contract: PARAMETERS, handlers: { search: seen, filter: seen, getBook: seen }, logger: { level: 'silent' } });
  });
  afterAll(() => kernel.close());
  const get = (url: string, headers: Record<string, string> = {}) => agent(kernel, adapter).get(url).set(headers);
  const session = { cookie: 'session=abcd' };

  describe('query styles', () => {
    it('reads a repeated form key as an array, and a key sent once as an array of one', async () => {
      expect((await get('/search?tag=a&tag=b', session)).body.query.tag).toEqual(['a', 'b']);
      expect((await get('/search?tag=solo', session)).body.query.tag).toEqual(['solo']);
    });

    it('splits explode: false on commas and coerces the items', async () => {
      expect((await get('/search?ids=1,2,3', session)).body.query.ids).toEqual([1, 2, 3]);
      expect((await get('/search?ids=7', session)).body.query.ids).toEqual([7]);
    });

    it('splits spaceDelimited on spaces and pipeDelimited on pipes', async () => {
      const res = await get('/search?words=big%20red%20dog&pipes=a|b|c', session);
      expect(res.status).toBe(200);
      expect(res.body.query).toMatchObject({ words: ['big', 'red', 'dog'], pipes: ['a', 'b', 'c'] });
    });

    it('reads a deepObject into an object, coercing its properties', async () => {
      const res = await get('/filter?where[status]=open&where[size]=3&where[owner]=ada');
      expect(res.status).toBe(200);
      expect(res.body.query).toEqual({ where: { status: 'open', size: 3, owner: 'ada' } });
    });

    it('names the deepObject property that fails, by pointer', async () => {
      const res = await get('/filter?where[status]=lost&where[size]=0&where[extra]=1');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      expect(res.body.errors).toEqual(
        expect.arrayContaining([
          { in: 'query', name: 'where', pointer: '/status', message: 'must be one of "open", "closed"' },
          { in: 'query', name: 'where', pointer: '/size', message: 'must be >= 1' },
          { in: 'query', name: 'where', pointer: '/extra', message: 'is not declared by the contract' },
        ]),
      );
      expect(res.body.errors).toHaveLength(3);
    });

    it('coerces scalars and fills in schema defaults', async () => {
      const res = await get('/search?exact=true', session);
      expect(res.body.query).toEqual({ exact: true, limit: 20 });
    });
  });

  describe('cookies and headers', () => {
    it('parses declared cookies', async () => {
      const res = await get('/search', { cookie: 'session=abcd; theme=dark' });
      expect(res.status).toBe(200);
      expect(res.body.cookies).toEqual({ session: 'abcd', theme: 'dark' });
    });

    it('answers a missing required cookie and an invalid one with 400 BURROW_ERR_REQUEST_VALIDATION', async () => {
      const res = await get('/search', { cookie: 'theme=blue' });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      expect(res.body.errors).toEqual([
        { in: 'cookie', name: 'session', pointer: '', message: 'is required' },
        { in: 'cookie', name: 'theme', pointer: '', message: 'must be one of "light", "dark"' },
      ]);
    });

    it('coerces declared headers to their schema types (integer, boolean) for the handler', async () => {
      const res = await get('/search', { ...session, 'X-Trace-Depth': '2', 'X-Dry-Run': 'false' });
      expect(res.status).toBe(200);
      expect(res.body.headers).toEqual({ traceDepth: 2, dryRun: false });
    });

    it('names a header that fails by its lower-case name', async () => {
      const res = await get('/search', { ...session, 'X-Trace-Depth': '9', 'X-Dry-Run': 'perhaps' });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      expect(res.body.errors).toEqual([
        { in: 'header', name: 'x-trace-depth', pointer: '', message: 'must be <= 3' },
        { in: 'header', name: 'x-dry-run', pointer: '', message: 'must be boolean' },
      ]);
    });
  });

  describe('errors', () => {
    it('reports every failure at once, each with in, name and pointer', async () => {
      const res = await get('/search?limit=0&ids=1,x&exact=maybe&undeclared=1', { cookie: 'theme=blue', 'x-trace-depth': '9' });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 'BURROW_ERR_REQUEST_VALIDATION',
        detail: 'the request does not match the contract of search: 7 problem(s)',
      });
      expect(res.body.errors).toEqual(
        expect.arrayContaining([
          { in: 'query', name: 'limit', pointer: '', message: 'must be >= 1' },
          { in: 'query', name: 'ids', pointer: '/1', message: 'must be integer' },
          { in: 'query', name: 'exact', pointer: '', message: 'must be boolean' },
          { in: 'query', name: 'undeclared', pointer: '', message: 'is not declared by the contract' },
          { in: 'header', name: 'x-trace-depth', pointer: '', message: 'must be <= 3' },
          { in: 'cookie', name: 'session', pointer: '', message: 'is required' },
          { in: 'cookie', name: 'theme', pointer: '', message: 'must be one of "light", "dark"' },
        ]),
      );
      expect(res.body.errors).toHaveLength(7);
    });

    it('reports path, query and header failures of one request together', async () => {
      const res = await get('/shelves/0/books/ABC');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      expect(res.body.errors).toEqual([
        { in: 'path', name: 'shelf', pointer: '', message: 'must be >= 1' },
        { in: 'path', name: 'book', pointer: '', message: 'must match pattern "^[a-z]+$"' },
        { in: 'query', name: 'verbose', pointer: '', message: 'is required' },
        { in: 'header', name: 'x-request-budget', pointer: '', message: 'is required' },
      ]);
    });

    it('coerces path parameters once the request is valid', async () => {
      const res = await get('/shelves/2/books/abc?verbose=false', { 'x-request-budget': '10' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ params: { shelf: 2, book: 'abc' }, query: { verbose: false }, headers: { budget: 10 } });
    });
  });
});
