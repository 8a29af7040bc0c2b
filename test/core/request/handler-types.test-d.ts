import { describe, expectTypeOf, it } from 'vitest';
import type { HandlerContext, ReplyOf } from '../../../core/index.js';
import type { operations } from '../../../example-app/generated/api.js';

type ExampleOp = {
  parameters: { query?: { limit?: number }; header?: { 'X-Page-Size'?: number }; path: { id: string }; cookie?: never };
  requestBody: { content: { 'application/json': { title: string } } };
  responses: { 200: { headers: Record<string, unknown>; content: { 'application/json': { id: string } } }; 204: { headers: Record<string, unknown>; content?: never } };
};

describe('handler types', () => {
  it('type params, query, lower-cased headers and body from the operation', () => {
    expectTypeOf<HandlerContext<ExampleOp>['params']>().toEqualTypeOf<{ id: string }>();
    expectTypeOf<HandlerContext<ExampleOp>['query']>().toEqualTypeOf<{ limit?: number }>();
    expectTypeOf<HandlerContext<ExampleOp>['headers']['x-page-size']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<HandlerContext<ExampleOp>['body']>().toEqualTypeOf<{ title: string }>();
    expectTypeOf<HandlerContext<ExampleOp>['signal']>().toEqualTypeOf<AbortSignal>();
    expectTypeOf<HandlerContext<ExampleOp>['id']>().toEqualTypeOf<string>();
  });

  it('allow exactly the declared statuses, each with its body', () => {
    expectTypeOf<ReplyOf<ExampleOp>['status']>().toEqualTypeOf<200 | 204>();
    expectTypeOf<{ status: 200; body: { id: string } }>().toMatchTypeOf<ReplyOf<ExampleOp>>();
    expectTypeOf<{ status: 204 }>().toMatchTypeOf<ReplyOf<ExampleOp>>();
    expectTypeOf<{ status: 200; body: { id: number } }>().not.toMatchTypeOf<ReplyOf<ExampleOp>>();
    expectTypeOf<{ status: 201; body: { id: string } }>().not.toMatchTypeOf<ReplyOf<ExampleOp>>();
  });

  it('work on the generated types of the example contract', () => {
    expectTypeOf<HandlerContext<operations['listTasks']>['query']['status']>().toEqualTypeOf<'todo' | 'in_progress' | 'done' | undefined>();
    expectTypeOf<HandlerContext<operations['getTask']>['params']>().toEqualTypeOf<{ taskId: string }>();
  });
});
