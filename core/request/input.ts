import type { RequestContext } from './context.js';
import type { CompiledOperation } from './operation.js';
import { coreError, type ValidationIssue } from '../errors/burrow-error.js';
import { applyParameters, mergeParameterIssues, readParameters } from './parameters.js';
import { toIssue } from '../validation/issues.js';

/**
 * Reads the parameters as their styles say and validates every part of the request
 * (path, query, headers, cookies, then the body against the schema of the content key
 * it matched), reporting every failure at once. On success `ctx.params`, `ctx.query`,
 * `ctx.cookies`, declared headers and `ctx.body` hold values coerced to their schema
 * types, with defaults applied.
 */
export function validateRequest(ctx: RequestContext, op: CompiledOperation): void {
  const input = readParameters(ctx, op.parameters);
  let issues: ValidationIssue[] | undefined;
  const validateParameters = op.parameterValidator();
  if (!validateParameters(input)) (issues ??= []).push(...validateParameters.errors!.map(toIssue));
  if (input.issues) issues = mergeParameterIssues(issues, input.issues);

  if (op.body) {
    // Without a body, the validator of the first content key still says whether one is required.
    const key = ctx.bodyContentKey ?? op.body.contentKeys[0]!;
    // Bytes are described by `format: binary`, not checked by a schema; text, only by a schema of a string.
    const body = ctx.body;
    const checked = !Buffer.isBuffer(body) && (typeof body !== 'string' || op.body.byKey.get(key)?.checksText !== false);
    if (checked) {
      const result = validateBody(op, ctx.body, key);
      if (result.issues.length) (issues ??= []).push(...result.issues);
      else ctx.body = result.body;
    }
  }
  if (issues) {
    if (missesRequiredPrecondition(ctx, op)) throw coreError('BURROW_ERR_REQUEST_PRECONDITION_REQUIRED', { operationId: op.id, header: 'If-Match' });
    throw coreError('BURROW_ERR_REQUEST_VALIDATION', { operationId: op.id, count: issues.length }, { errors: issues });
  }
  applyParameters(ctx, op.parameters, input);
}

const NO_ISSUES: readonly ValidationIssue[] = Object.freeze([]);

/**
 * Checks a body against the operation's schema for one content key (default: its first
 * JSON one), as a request's body is checked: coerced, defaults applied. Returns the body
 * as validated and the issues (empty when it conforms). A plugin that takes bodies from
 * elsewhere (the items of a batch) checks them with it.
 */
export function validateBody(op: CompiledOperation, body: unknown, contentKey?: string): { body: unknown; issues: readonly ValidationIssue[] } {
  const key = contentKey ?? op.body?.contentKeys.find((k) => /json/i.test(k));
  const validate = key === undefined ? undefined : op.bodyValidator(key);
  if (!validate) return { body, issues: NO_ISSUES };
  const wrapper: { requestBody?: unknown } = body === undefined ? {} : { requestBody: body };
  if (validate(wrapper)) return { body: wrapper.requestBody, issues: NO_ISSUES };
  return { body, issues: validate.errors!.map(toIssue) };
}

/**
 * A request without the `If-Match` header that the contract makes required is answered
 * 428 Precondition Required (RFC 6585), not 400: the header is how a client proves it has
 * seen the version it overwrites.
 */
function missesRequiredPrecondition(ctx: RequestContext, op: CompiledOperation): boolean {
  if (ctx.headers['if-match'] !== undefined) return false;
  const params = (op.definition.parameters ?? []) as { in?: string; name?: string; required?: boolean }[];
  return params.some((p) => p.in === 'header' && p.required === true && p.name?.toLowerCase() === 'if-match');
}
