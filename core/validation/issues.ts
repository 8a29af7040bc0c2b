import type { ErrorObject } from 'ajv';
import type { ValidationIssue } from '../errors/burrow-error.js';
import { pointerTokens, toPointer } from '../contract/problems.js';

const LOCATIONS: Record<string, ValidationIssue['in']> = { path: 'path', query: 'query', header: 'header', cookie: 'cookie', requestBody: 'body' };

/**
 * Turns one Ajv error of a request validator (whose input is `{ path, query, header,
 * cookie }` or `{ requestBody }`) into a client-facing issue.
 */
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
