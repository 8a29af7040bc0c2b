import { describe, expectTypeOf, it } from 'vitest';
import { defineService, type ServiceCall, type ServiceMethod, type ServiceProxy } from '../../../plugins/services/index.js';

type AddOp = {
  parameters: { query?: never; header?: never; path?: never; cookie?: never };
  requestBody: { content: { 'application/json': { a: number; b: number } } };
  responses: { 200: { headers: Record<string, unknown>; content: { 'application/json': { result: number } } } };
};
type ResetOp = {
  parameters: { query?: never; header?: never; path?: never; cookie?: never };
  requestBody?: never;
  responses: { 204: { headers: Record<string, unknown>; content?: never } };
};
type Calculator = { add: ServiceMethod<AddOp>; reset: ServiceMethod<ResetOp> };

describe('service types', () => {
  it('type a method from its operation: the JSON body in, the 2xx body out (void for 204)', () => {
    expectTypeOf<Parameters<ServiceMethod<AddOp>>[0]>().toEqualTypeOf<{ a: number; b: number }>();
    expectTypeOf<Parameters<ServiceMethod<AddOp>>[1]>().toEqualTypeOf<ServiceCall>();
    expectTypeOf<ReturnType<ServiceMethod<AddOp>>>().toEqualTypeOf<{ result: number } | Promise<{ result: number }>>();
    expectTypeOf<Parameters<ServiceMethod<ResetOp>>[0]>().toEqualTypeOf<undefined>();
    expectTypeOf<ReturnType<ServiceMethod<ResetOp>>>().toEqualTypeOf<void | Promise<void>>();
  });

  it('accept a complete implementation, sync or async, with a dispose', () => {
    defineService<Calculator>('Calculator', {
      create: () => ({ add: async ({ a, b }) => ({ result: a + b }), reset: () => {}, dispose: async () => {} }),
    });
  });

  it('refuse an implementation missing a method', () => {
    defineService<Calculator>('Calculator', {
      // @ts-expect-error: reset is missing
      create: () => ({ add: ({ a, b }: { a: number; b: number }) => ({ result: a + b }) }),
    });
  });

  it('refuse a method answering the wrong shape', () => {
    defineService<Calculator>('Calculator', {
      // @ts-expect-error: result is a number
      create: () => ({ add: ({ a, b }: { a: number; b: number }) => ({ result: `${a + b}` }), reset: () => {} }),
    });
  });

  it('give other services as proxies answering promises', () => {
    expectTypeOf<ServiceProxy<Calculator>['add']>().toEqualTypeOf<(input: { a: number; b: number }) => Promise<{ result: number }>>();
  });
});
