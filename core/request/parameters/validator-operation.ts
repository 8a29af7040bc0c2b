import type { EngineOperation } from '../../validation/engine.js';
import type { DeclaredParameter } from './problems.js';

/**
 * "If `in` is `"header"` and the `name` field is `"Accept"`, `"Content-Type"` or
 * `"Authorization"`, the parameter definition SHALL be ignored." (Parameter Object)
 */
export const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);

/**
 * The operation as the parameter validator should see it. openapi-backend builds the
 * validator's schema from `operation.parameters`, and three of its habits disagree
 * with the specification, so the parameters it is given are adjusted once, at boot:
 *
 * - a `content` parameter is validated against its schema whatever its media type
 *   (openapi-backend only reads `content['application/json']`);
 * - the headers the specification says to ignore are left out;
 * - a parameter schema with `additionalProperties` is wrapped in `allOf`, since
 *   openapi-backend copies that keyword onto the whole location (a free-form
 *   object would let every undeclared query parameter through, a closed one would
 *   refuse every other header). Burrow reads an open object's extra keys itself.
 * - the query parameters that `apiKey` security schemes of the operation read
 *   (`credentialNames`) are added as strings when the operation does not declare them:
 *   they belong to the scheme, and are not undeclared parameters.
 *
 * The operation is returned as it is when none of this applies.
 */
export function validatorOperation(operation: EngineOperation, credentialNames: readonly string[] = []): EngineOperation {
  const parameters = (operation.parameters ?? []) as DeclaredParameter[];
  let changed = false;
  const adjusted: DeclaredParameter[] = [];
  for (const name of credentialNames) {
    if (parameters.some((p) => p.in === 'query' && p.name === name)) continue;
    adjusted.push({ name, in: 'query', schema: { type: 'string' } } as DeclaredParameter);
    changed = true;
  }
  for (const parameter of parameters) {
    if (parameter.in === 'header' && IGNORED_HEADERS.has(String(parameter.name).toLowerCase())) {
      changed = true;
      continue;
    }
    let schema = parameter.schema;
    if (parameter.content) schema = Object.values(parameter.content)[0]?.schema;
    if (schema && typeof schema === 'object' && schema.additionalProperties !== undefined) {
      schema = schema.default === undefined ? { allOf: [schema] } : { allOf: [schema], default: schema.default };
    }
    if (schema === parameter.schema && !parameter.content) adjusted.push(parameter);
    else {
      changed = true;
      adjusted.push({ ...parameter, content: undefined, schema: schema ?? {} });
    }
  }
  return changed ? ({ ...operation, parameters: adjusted } as EngineOperation) : operation;
}
