import type { IncomingHttpHeaders } from 'node:http';
import type { RequestContext } from './context.js';

/**
 * Types that turn the contract's generated types (openapi-typescript's
 * `operations` interface) into handler signatures. A handler map missing an
 * operation, or a handler returning a body that does not match the declared
 * response of its status, fails `tsc`.
 */

type Section<Op, K extends string> = Op extends { parameters: infer P }
  ? P extends { [key in K]?: infer X }
    ? [NonNullable<X>] extends [never]
      ? Record<string, never>
      : NonNullable<X>
    : Record<string, never>
  : Record<string, never>;

type ContentOf<T> = T extends { content: infer C } ? C[keyof C] : undefined;

/** The request body type of an operation (`undefined` when it declares none or it is optional). */
export type BodyOf<Op> = Op extends { requestBody: infer B }
  ? ContentOf<B>
  : Op extends { requestBody?: infer B }
    ? ContentOf<NonNullable<B>> | undefined
    : undefined;

type StatusNumber<S> = S extends number ? S : S extends 'default' ? number : S extends `${infer N extends number}` ? N : never;

type ReplyFor<R, S extends keyof R> = R[S] extends { content: infer C }
  ? { status: StatusNumber<S>; body: C[keyof C]; headers?: Record<string, string> }
  : { status: StatusNumber<S>; body?: undefined; headers?: Record<string, string> };

/** What a handler of an operation may return: one of its declared statuses with that status's body. */
export type ReplyOf<Op> = Op extends { responses: infer R } ? { [S in keyof R]: ReplyFor<R, S> }[keyof R] : never;

/** Header parameters keyed as Node delivers them: lower case. */
type LowerCaseKeys<T> = { [K in keyof T as K extends string ? Lowercase<K> : K]: T[K] };

/** The context a handler of operation `Op` receives: parameters and body typed from the contract. */
export type HandlerContext<Op> = Omit<RequestContext, 'params' | 'query' | 'body' | 'cookies' | 'headers'> & {
  params: Section<Op, 'path'>;
  query: Section<Op, 'query'>;
  headers: IncomingHttpHeaders & LowerCaseKeys<Section<Op, 'header'>>;
  cookies: Section<Op, 'cookie'>;
  body: BodyOf<Op>;
};

/** A handler of operation `Op`. */
export type Handler<Op> = (ctx: HandlerContext<Op>) => ReplyOf<Op> | Promise<ReplyOf<Op>>;

/** One handler per operationId of the generated `operations` interface. */
export type Handlers<Ops> = { [K in keyof Ops]: Handler<Ops[K]> };

/**
 * Declares the handlers of a contract, typed from its generated `operations`.
 *
 * @example
 * import type { operations } from '../generated/api.js'
 * export const handlers = defineHandlers<operations>({
 *   getTask: async ({ params }) => ({ status: 200, body: await tasks.get(params.id) }),
 * })
 */
export function defineHandlers<Ops>(handlers: Handlers<Ops>): Handlers<Ops> {
  return handlers;
}

/** Any map of handlers by operationId (what `createKernel` accepts). */
export type HandlerMap = { [operationId: string]: (ctx: never) => unknown };
