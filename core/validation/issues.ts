import type { ErrorObject } from 'ajv';
import type { ValidationIssue } from '../errors/burrow-error.js';
import { pointerTokens, toPointer } from '../contract/problems.js';
import type { DiscriminatorParams, UnionFailureParams } from './keywords.js';

const LOCATIONS: Record<string, ValidationIssue['in']> = { path: 'path', query: 'query', header: 'header', cookie: 'cookie', requestBody: 'body' };

/** How many failures of the closest branch a oneOf/anyOf message quotes. */
const QUOTED = 3;

/**
 * Turns one Ajv error of a request validator (whose input is `{ path, query, header,
 * cookie }` or `{ requestBody }`) into a client-facing issue: where (`in`, `name`, the
 * JSON pointer inside the value) and what, in words. A failed `oneOf`/`anyOf` says which
 * branch came closest and why, a discriminator names its value (see `keywords.ts`).
 */
export function toIssue(error: ErrorObject): ValidationIssue {
  const tokens = [...pointerTokens(error.instancePath), ...ownTokens(error)];
  const location = LOCATIONS[tokens[0] ?? ''] ?? 'body';
  if (location === 'body') {
    if (tokens.length === 1 && error.keyword === 'required') return { in: 'body', pointer: '', message: 'a request body is required' };
    const pointer = toPointer(tokens.slice(1));
    return { in: 'body', pointer, message: describe(error, pointer) };
  }
  const pointer = toPointer(tokens.slice(2));
  return { in: location, name: tokens[1], pointer, message: describe(error, pointer) };
}

/** Tokens an error names beyond its instance path: the property missing, undeclared, or discriminating. */
function ownTokens(error: ErrorObject): string[] {
  const params = error.params as { missingProperty?: string; additionalProperty?: string; unevaluatedProperty?: string };
  if (params.missingProperty !== undefined) return [params.missingProperty];
  if (params.additionalProperty !== undefined) return [params.additionalProperty];
  if (params.unevaluatedProperty !== undefined) return [params.unevaluatedProperty];
  if (error.keyword === 'discriminator' && (error.params as DiscriminatorParams).error !== 'branch') return [(error.params as DiscriminatorParams).propertyName];
  return [];
}

/** What is wrong, in words; `pointer` is where the issue points (a union quotes its branch's failures from there). */
function describe(error: ErrorObject, pointer: string): string {
  const params = error.params as { additionalProperty?: string; unevaluatedProperty?: string; allowedValues?: unknown[] };
  if (params.additionalProperty !== undefined || params.unevaluatedProperty !== undefined) return 'is not declared by the contract';
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'enum' && params.allowedValues) return `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if ((error.keyword === 'oneOf' || error.keyword === 'anyOf') && Array.isArray((error.params as UnionFailureParams).labels)) return describeUnion(error.params as UnionFailureParams, pointer);
  if (error.keyword === 'discriminator' && typeof (error.params as DiscriminatorParams).error === 'string') return describeDiscriminator(error.params as DiscriminatorParams, pointer);
  return error.message ?? error.keyword;
}

function describeUnion(params: UnionFailureParams, pointer: string): string {
  const { labels } = params;
  if (params.passingSchemas) return `must match exactly one schema, but matches ${labels[params.passingSchemas[0]]} and ${labels[params.passingSchemas[1]]}`;
  return `matches none of ${labels.length} schemas; closest: ${labels[params.closest!]}: ${quote(params.errors ?? [], params.at, pointer)}`;
}

function describeDiscriminator(params: DiscriminatorParams, pointer: string): string {
  const allowed = oneOf(params.allowed);
  if (params.error === 'missing') return `is required: it selects the schema (${allowed})`;
  if (params.error === 'type') return `must be a string: it selects the schema (${allowed})`;
  if (params.error === 'mapping') return `${JSON.stringify(params.value)} selects no schema: must be ${allowed}`;
  return `${params.propertyName} ${JSON.stringify(params.value)} selects ${params.label}: ${quote(params.errors ?? [], params.at, pointer)}`;
}

function oneOf(values: string[]): string {
  const listed = values.slice(0, 10).map((v) => JSON.stringify(v));
  if (values.length > 10) listed.push(`… ${values.length - 10} more`);
  return listed.length === 1 ? listed[0]! : `one of ${listed.join(', ')}`;
}

/**
 * The first failures of a branch, each at its pointer seen from the issue's own location:
 * `/meow must be boolean; /name is required`. The branch's errors have the instance paths
 * of the validator's input; `at` is the union's own.
 */
function quote(errors: ErrorObject[], at: string, pointer: string): string {
  const base = pointerTokens(at).length;
  const quoted = errors.slice(0, QUOTED).map((e) => {
    const inner = [...pointerTokens(e.instancePath).slice(base), ...ownTokens(e)];
    const where = pointer + toPointer(inner);
    const what = describe(e, where);
    return where === '' ? what : `${where} ${what}`;
  });
  if (errors.length > QUOTED) quoted.push(`and ${errors.length - QUOTED} more`);
  return quoted.join('; ');
}
