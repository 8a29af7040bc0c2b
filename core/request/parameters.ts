import { parse as parseQueryString } from 'node:querystring';
import qs from 'qs';
import { parse as parseCookies } from 'cookie';
import type { EngineOperation } from '../validation/engine.js';
import type { RequestContext } from './context.js';

/** How a query parameter is read from the query string. */
export interface QueryParamSpec {
  name: string;
  array: boolean;
  /** `explode: false` form, or space/pipe delimited: one value holding a list. */
  delimiter?: string;
  deepObject: boolean;
}

/** What reading an operation's parameters needs, worked out once at boot. */
export interface ParameterSpecs {
  query: QueryParamSpec[];
  usesDeepObject: boolean;
  usesCookies: boolean;
  usesHeaders: boolean;
}

/** The input of the parameter validator: raw values shaped by their style, before coercion. */
export interface ParameterInput {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  header: Record<string, unknown>;
  cookie: Record<string, unknown>;
}

/** Works out, once per operation, how each of its parameters is read. */
export function compileParameterSpecs(op: EngineOperation): ParameterSpecs {
  const parameters = (op.parameters ?? []) as { name: string; in: string; schema?: any; style?: string; explode?: boolean }[];
  const query: QueryParamSpec[] = parameters
    .filter((p) => p.in === 'query')
    .map((p) => {
      const array = p.schema?.type === 'array' || (Array.isArray(p.schema?.type) && p.schema.type.includes('array'));
      const style = p.style ?? 'form';
      const delimiter = style === 'spaceDelimited' ? ' ' : style === 'pipeDelimited' ? '|' : array && p.explode === false ? ',' : undefined;
      return { name: p.name, array, delimiter, deepObject: style === 'deepObject' };
    });
  return {
    query,
    usesDeepObject: query.some((q) => q.deepObject),
    usesCookies: parameters.some((p) => p.in === 'cookie'),
    usesHeaders: parameters.some((p) => p.in === 'header'),
  };
}

/**
 * Reads the parameters of a request as their styles say, into the validator's input.
 * Header values are copied only when the operation declares some (coercion rewrites
 * them in place).
 */
export function readParameters(ctx: RequestContext, specs: ParameterSpecs): ParameterInput {
  const query = parseQuery(ctx.rawQuery, specs);
  const cookie = specs.usesCookies ? parseCookies(ctx.headers.cookie ?? '') : {};
  const header = specs.usesHeaders ? { ...ctx.headers } : (ctx.headers as Record<string, unknown>);
  return { path: ctx.params, query, header, cookie };
}

/**
 * After validation: the coerced values become the context's (`ctx.params`,
 * `ctx.query`, `ctx.cookies`, declared `ctx.headers`).
 */
export function applyParameters(ctx: RequestContext, specs: ParameterSpecs, input: ParameterInput): void {
  ctx.params = input.path;
  ctx.query = input.query;
  if (specs.usesCookies) ctx.cookies = input.cookie as Record<string, string | undefined>;
  if (specs.usesHeaders) ctx.headers = input.header as RequestContext['headers'];
}

function parseQuery(raw: string, specs: ParameterSpecs): Record<string, unknown> {
  if (raw === '') return {};
  const query: Record<string, unknown> = specs.usesDeepObject ? qs.parse(raw, { depth: 5 }) : { ...parseQueryString(raw) };
  for (const spec of specs.query) {
    const value = query[spec.name];
    if (value === undefined || !spec.array) continue;
    if (typeof value === 'string') query[spec.name] = spec.delimiter ? value.split(spec.delimiter) : [value];
  }
  return query;
}
