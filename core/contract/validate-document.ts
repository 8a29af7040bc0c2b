import { Validator } from '@seriousme/openapi-schema-validator';
import type { ErrorObject } from 'ajv';

/** A problem found by validating the document against the OpenAPI schema of its version. */
export interface DocumentProblem {
  pointer: string;
  message: string;
}

let validator: Validator | undefined;

/**
 * Validates a bundled document against the official JSON Schema of the OpenAPI
 * version it declares (3.0.x or 3.1.x), reporting every problem, not the first.
 */
export async function checkOpenApiDocument(document: unknown): Promise<{ version?: '3.0' | '3.1'; problems: DocumentProblem[] }> {
  const declared = (document as { openapi?: unknown } | null)?.openapi;
  const version = typeof declared === 'string' && /^3\.0\.\d+$/.test(declared) ? '3.0' : typeof declared === 'string' && /^3\.1\.\d+$/.test(declared) ? '3.1' : undefined;
  if (!version) {
    return { problems: [{ pointer: '/openapi', message: `"openapi" must be a 3.0.x or 3.1.x version, got ${JSON.stringify(declared)}` }] };
  }
  validator ??= new Validator({ allErrors: true });
  const result = await validator.validate(document as never);
  if (result.valid) return { version, problems: [] };
  const errors = (Array.isArray(result.errors) ? result.errors : []) as ErrorObject[];
  return { version, problems: significantErrors(errors).map(describe) };
}

/**
 * The official schemas answer one mistake with several errors (the mistake itself,
 * then every `oneOf` branch that failed above it). Keep the deepest ones.
 */
function significantErrors(errors: ErrorObject[]): ErrorObject[] {
  const paths = errors.map((e) => e.instancePath);
  const deepest = errors.filter((e) => !paths.some((p) => p !== e.instancePath && p.startsWith(e.instancePath + '/')));
  const noisy = new Set(['oneOf', 'anyOf', 'if', 'not']);
  const kept = deepest.filter((e) => {
    const isRefNoise = e.keyword === 'required' && (e.params as { missingProperty?: string }).missingProperty === '$ref';
    if (!noisy.has(e.keyword) && !isRefNoise) return true;
    return !deepest.some((o) => o !== e && o.instancePath === e.instancePath && !noisy.has(o.keyword));
  });
  const seen = new Set<string>();
  return kept.filter((e) => {
    const key = e.instancePath + ' ' + e.message + JSON.stringify(e.params);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function describe(error: ErrorObject): DocumentProblem {
  const params = error.params as Record<string, unknown>;
  let message = error.message ?? error.keyword;
  if (error.keyword === 'additionalProperties') message = `unknown property "${String(params.additionalProperty)}"`;
  if (error.keyword === 'required') message = `missing required property "${String(params.missingProperty)}"`;
  if (error.keyword === 'enum') message += `: ${JSON.stringify(params.allowedValues)}`;
  return { pointer: error.instancePath, message };
}
