import type { ErrorObject, ValidateFunction } from 'ajv';
import { toPointer } from '../contract/problems.js';

/**
 * How deep a value validated against a recursive schema may nest (objects and arrays).
 * Ajv validates a recursive schema by recursion, one call per level of the value: without
 * a bound, a body of ten thousand nested arrays overflows the stack (a 500). 512 levels
 * are far beyond any real tree and far below where the stack ends.
 */
export const MAX_RECURSIVE_DEPTH = 512;

/**
 * Does a schema, as openapi-backend's cycle removal leaves it before compiling, recurse?
 * Object cycles (a `Node` whose `children` are `Node`s) come out as `$ref`s to a location
 * that encloses the `$ref` itself; a `$ref` to a schema used twice elsewhere does not.
 * The cycle removal builds both paths the same way (unescaped tokens joined by `/`).
 */
export function isRecursive(schema: unknown): boolean {
  const stack: [unknown, string][] = [[schema, '#']];
  while (stack.length) {
    const [node, path] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && (path === ref || path.startsWith(ref + '/'))) return true;
    for (const [key, value] of Object.entries(node)) if (value !== null && typeof value === 'object') stack.push([value, `${path}/${key}`]);
  }
  return false;
}

/**
 * Wraps the validator of a recursive schema: a value nested deeper than
 * {@link MAX_RECURSIVE_DEPTH} fails with one error at the start of its deepest branch
 * (`/requestBody/children`, `/query/filter`), before Ajv recurses into it.
 */
export function guardDepth(validate: ValidateFunction): ValidateFunction {
  const guarded = ((data: unknown) => {
    const path = tooDeep(data, MAX_RECURSIVE_DEPTH);
    if (path) {
      guarded.errors = [
        {
          instancePath: toPointer(path.slice(0, 2)),
          schemaPath: '#',
          keyword: 'maxDepth',
          params: { limit: MAX_RECURSIVE_DEPTH },
          message: `nests deeper than ${MAX_RECURSIVE_DEPTH} levels`,
        } as ErrorObject,
      ];
      return false;
    }
    const valid = validate(data);
    guarded.errors = validate.errors;
    return valid;
  }) as ValidateFunction;
  Object.assign(guarded, { schema: validate.schema, schemaEnv: validate.schemaEnv, errors: null });
  return guarded;
}

/** The path to a value nested deeper than `limit`, or undefined. Iterative: it never recurses itself. */
function tooDeep(data: unknown, limit: number): (string | number)[] | undefined {
  const stack: [unknown, number, (string | number)[]][] = [[data, 0, []]];
  while (stack.length) {
    const [node, depth, path] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) return path;
    // Only the first two tokens are reported: keep the path of the first levels, count the rest.
    const entries = Array.isArray(node) ? node.map((v, i) => [i, v] as const) : Object.entries(node);
    for (const [key, value] of entries) if (value !== null && typeof value === 'object') stack.push([value, depth + 1, path.length < 2 ? [...path, key] : path]);
  }
  return undefined;
}
