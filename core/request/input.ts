import { parse as parseQueryString } from 'node:querystring';
import qs from 'qs';
import { parse as parseCookies } from 'cookie';
import type { ErrorObject } from 'ajv';
import type { RequestContext } from './context.js';
import type { CompiledOperation } from './operation.js';
import { coreError, type ValidationIssue } from '../errors/burrow-error.js';
import { pointerTokens, toPointer } from '../contract/problems.js';

/**
 * Parses the query string and cookies, and validates every part of the request
 * (path, query, headers, cookies, body) with the operation's validators, reporting
 * every failure at once. On success `ctx.params` and `ctx.query` hold values coerced
 * to their schema types.
 */
export function validateRequest(ctx: RequestContext, op: CompiledOperation): void {
  ctx.query = parseQuery(ctx.rawQuery, op);
  if (op.usesCookies) ctx.cookies = parseCookies(ctx.headers.cookie ?? '');
  // Coercion rewrites declared header values in place: copy the headers only when some are declared.
  const header = op.usesHeaders ? { ...ctx.headers } : ctx.headers;
  const input: Record<string, unknown> = { path: ctx.params, query: ctx.query, header, cookie: ctx.cookies };
  if (ctx.body !== undefined) input.requestBody = ctx.body;
  let issues: ValidationIssue[] | undefined;
  for (const validate of op.requestValidators()) {
    if (!validate(input)) (issues ??= []).push(...validate.errors!.map(toIssue));
  }
  if (issues) {
    throw coreError('BURROW_ERR_REQUEST_VALIDATION', { operationId: op.id, count: issues.length }, { errors: issues });
  }
  if (op.usesHeaders) ctx.headers = header;
}

function parseQuery(raw: string, op: CompiledOperation): Record<string, unknown> {
  if (raw === '') return {};
  const query: Record<string, unknown> = op.usesDeepObject ? qs.parse(raw, { depth: 5 }) : { ...parseQueryString(raw) };
  for (const spec of op.query) {
    const value = query[spec.name];
    if (value === undefined || !spec.array) continue;
    if (typeof value === 'string') query[spec.name] = spec.delimiter ? value.split(spec.delimiter) : [value];
  }
  return query;
}

const LOCATIONS: Record<string, ValidationIssue['in']> = { path: 'path', query: 'query', header: 'header', cookie: 'cookie', requestBody: 'body' };

/** Turns one Ajv error of openapi-backend's request schema into a client-facing issue. */
export function toIssue(error: ErrorObject): ValidationIssue {
  const tokens = pointerTokens(error.instancePath);
  const params = error.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
  if (params.missingProperty !== undefined) tokens.push(params.missingProperty);
  if (params.additionalProperty !== undefined) tokens.push(params.additionalProperty);
  const location = LOCATIONS[tokens[0] ?? ''] ?? 'body';
  let message = error.message ?? error.keyword;
  if (params.additionalProperty !== undefined) message = 'is not declared by the contract';
  if (error.keyword === 'required') message = 'is required';
  if (error.keyword === 'enum' && params.allowedValues) message = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (location === 'body') {
    if (tokens.length === 1 && error.keyword === 'required') return { in: 'body', pointer: '', message: 'a request body is required' };
    return { in: 'body', pointer: toPointer(tokens.slice(1)), message };
  }
  return { in: location, name: tokens[1], pointer: toPointer(tokens.slice(2)), message };
}
