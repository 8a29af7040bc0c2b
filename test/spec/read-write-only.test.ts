/**
 * Schema Object, `readOnly` and `writeOnly`.
 *
 * OpenAPI 3.0.3: readOnly "Declares the property as "read only". This means that it MAY be
 * sent as part of a response but SHOULD NOT be sent as part of the request. If the property
 * is marked as readOnly being true and is in the required list, the required will take
 * effect on the response only." writeOnly "Declares the property as "write only".
 * Therefore, it MAY be sent as part of a request but SHOULD NOT be sent as part of the
 * response. If the property is marked as writeOnly being true and is in the required list,
 * the required will take effect on the request only."
 *
 * OpenAPI 3.1.0 takes both from JSON Schema 2020-12 (Validation §9.4): "If "readOnly" has a
 * value of boolean true, it indicates that the value of the instance is managed exclusively
 * by the owning authority, and attempts by an application to modify the value of this
 * property are expected to be ignored or rejected by that owning authority." "If "writeOnly"
 * has a value of boolean true, it indicates that the value is never present when the
 * instance is retrieved from the owning authority."
 *
 * Burrow rejects (400, each property named) or, with `readOnly: 'drop'`, ignores them.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createKernel, type BurrowError, type Kernel, type KernelOptions, type RequestContext } from '../../core/index.js';

const FIXTURE = 'test/fixtures/spec/schemas/read-write-only.yaml';
const contractAs = (openapi: string) => ({ ...parse(readFileSync(FIXTURE, 'utf8')), openapi });

/** The handlers answer what the test puts in `x-reply`, else the body as stored (without the password). */
function boot(openapi: string, options: Partial<KernelOptions> = {}) {
  const seen: unknown[] = [];
  const stored = (ctx: RequestContext, extra: object) => {
    seen.push(structuredClone(ctx.body));
    if (ctx.headers['x-reply']) return { status: 201, body: JSON.parse(String(ctx.headers['x-reply'])) };
    const { password: _password, ...body } = ctx.body as Record<string, unknown>;
    return { status: 201, body: { ...body, ...extra } };
  };
  const kernel = createKernel({
    contract: contractAs(openapi),
    handlers: {
      createUser: (ctx: RequestContext) => stored(ctx, { id: 1, createdAt: '2024-01-01T00:00:00Z' }),
      createAccount: (ctx: RequestContext) => stored(ctx, { id: 2 }),
      createFolder: (ctx: RequestContext) => stored(ctx, { id: 3 }),
    },
    logger: { level: 'silent' },
    ...options,
  });
  return { kernel, seen };
}

const post = (kernel: Kernel, url: string, body: unknown, reply?: unknown) =>
  kernel.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...(reply !== undefined && { 'x-reply': JSON.stringify(reply) }) }, payload: JSON.stringify(body) });

describe.each(['3.0.3', '3.1.0'])('readOnly and writeOnly in OpenAPI %s', (openapi) => {
  let kernel: Kernel;
  beforeAll(async () => void (kernel = await boot(openapi).kernel));
  afterAll(() => kernel.close());

  describe('in requests', () => {
    it('does not demand a required readOnly property ("the required will take effect on the response only")', async () => {
      const res = await post(kernel, '/users', { name: 'Ada', password: 'correct horse' });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toEqual({ id: 1, name: 'Ada', createdAt: '2024-01-01T00:00:00Z' });
    });

    it('answers 400 naming each readOnly property sent ("SHOULD NOT be sent as part of the request")', async () => {
      const res = await post(kernel, '/users', { id: 7, name: 'Ada', password: 'correct horse', createdAt: '2020-01-01T00:00:00Z' });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      expect(res.json().errors).toEqual([
        { in: 'body', pointer: '/id', message: 'is read-only' },
        { in: 'body', pointer: '/createdAt', message: 'is read-only' },
      ]);
    });

    it('demands a required writeOnly property ("the required will take effect on the request only")', async () => {
      const res = await post(kernel, '/users', { name: 'Ada' });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      expect(res.json().errors).toEqual([{ in: 'body', pointer: '/password', message: 'is required' }]);
    });

    it('reads readOnly in one allOf part and required in another as one schema', async () => {
      expect((await post(kernel, '/accounts', { owner: 'Ada' })).statusCode).toBe(201);
      const res = await post(kernel, '/accounts', { id: 9, owner: 'Ada' });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      expect(res.json().errors).toEqual([{ in: 'body', pointer: '/id', message: 'is read-only' }]);
    });

    it('finds a readOnly property at any depth of a recursive schema', async () => {
      expect((await post(kernel, '/folders', { name: 'root', children: [{ name: 'a', children: [{ name: 'b' }] }] }, { id: 1, name: 'root' })).statusCode).toBe(201);
      const res = await post(kernel, '/folders', { name: 'root', children: [{ name: 'a', children: [{ id: 4, name: 'b' }] }] });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      expect(res.json().errors).toEqual([{ in: 'body', pointer: '/children/0/children/0/id', message: 'is read-only' }]);
    });
  });

  describe('in responses', () => {
    it('demands a required readOnly property', async () => {
      const res = await post(kernel, '/users', { name: 'Ada', password: 'correct horse' }, { name: 'Ada', createdAt: '2024-01-01T00:00:00Z' });
      expect(res.statusCode).toBe(500);
      expect(res.json().code).toBe('BURROW_ERR_RESPONSE_INVALID');
      expect(res.json().errors).toEqual([{ in: 'response', pointer: '/id', message: 'is required' }]);
    });

    it('flags a writeOnly property sent ("SHOULD NOT be sent as part of the response")', async () => {
      const res = await post(kernel, '/users', { name: 'Ada', password: 'correct horse' }, { id: 1, name: 'Ada', password: 'correct horse', createdAt: '2024-01-01T00:00:00Z' });
      expect(res.statusCode).toBe(500);
      expect(res.json().code).toBe('BURROW_ERR_RESPONSE_INVALID');
      expect(res.json().errors).toEqual([{ in: 'response', pointer: '/password', message: 'is write-only' }]);
    });

    it('does not demand a required writeOnly property', async () => {
      const res = await post(kernel, '/users', { name: 'Ada', password: 'correct horse' }, { id: 1, name: 'Ada', createdAt: '2024-01-01T00:00:00Z' });
      expect(res.statusCode).toBe(201);
    });

    it('demands a readOnly property of a nested element of a recursive schema', async () => {
      const res = await post(kernel, '/folders', { name: 'root' }, { id: 1, name: 'root', children: [{ name: 'a' }] });
      expect(res.statusCode).toBe(500);
      expect(res.json().code).toBe('BURROW_ERR_RESPONSE_INVALID');
      expect(res.json().errors).toEqual([{ in: 'response', pointer: '/children/0/id', message: 'is required' }]);
    });
  });
});

describe("readOnly: 'drop' (JSON Schema: such attempts \"are expected to be ignored or rejected\")", () => {
  let kernel: Kernel;
  let seen: unknown[];
  beforeAll(async () => {
    const booted = boot('3.0.3', { readOnly: 'drop' });
    seen = booted.seen;
    kernel = await booted.kernel;
  });
  afterAll(() => kernel.close());

  it('deletes readOnly properties before the handler sees the body', async () => {
    seen.length = 0;
    const res = await post(kernel, '/users', { id: 7, name: 'Ada', password: 'correct horse', createdAt: '2020-01-01T00:00:00Z' });
    expect(res.statusCode).toBe(201);
    expect(seen).toEqual([{ name: 'Ada', password: 'correct horse' }]);
    expect(res.json()).toEqual({ id: 1, name: 'Ada', createdAt: '2024-01-01T00:00:00Z' });
  });

  it('still validates the rest of the body', async () => {
    const res = await post(kernel, '/users', { id: 7, name: 'Ada', password: 'short' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('BURROW_ERR_REQUEST_VALIDATION');
    expect(res.json().errors).toEqual([{ in: 'body', pointer: '/password', message: 'must NOT have fewer than 8 characters' }]);
  });

  it('is a kernel option checked at boot', async () => {
    const error = (await createKernel({ contract: contractAs('3.0.3'), readOnly: 'ignore' as never, logger: { level: 'silent' } }).catch((e) => e)) as BurrowError;
    expect(error.code).toBe('BURROW_ERR_BOOT_KERNEL_OPTION');
    expect(error.detail).toContain('readOnly');
  });
});
