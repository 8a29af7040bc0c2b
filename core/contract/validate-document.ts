import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ErrorObject } from 'ajv';

/** A problem found by validating the document against the OpenAPI schema of its version. */
export interface DocumentProblem {
  pointer: string;
  message: string;
}

/** Where validated contracts are remembered; `false` disables the cache. */
export type ContractCache = string | false;

/**
 * The default cache folder: `BURROW_CACHE_DIR`, else `node_modules/.cache/burrow`
 * of the working directory (where build tools keep their caches).
 */
export function defaultContractCache(): ContractCache {
  return process.env.BURROW_CACHE_DIR || path.join(process.cwd(), 'node_modules', '.cache', 'burrow');
}

type SchemaValidator = { validate(document: never): Promise<{ valid: boolean; errors?: unknown }>; specification?: unknown };
let validator: SchemaValidator | undefined;
const validated = new Set<string>();

/**
 * Validates a bundled document against the official JSON Schema of the OpenAPI
 * version it declares (3.0.x or 3.1.x), reporting every problem, not the first.
 *
 * A document found valid is remembered by its SHA-256 (with the validator's
 * version) in memory and in `cache`: a later boot with the same contract skips
 * the check and never loads the validator — whose compiled meta-schema costs a
 * process about 12 MB it does not give back. Invalid documents are never cached.
 */
export async function checkOpenApiDocument(
  document: unknown,
  cache: ContractCache = defaultContractCache(),
): Promise<{ version?: '3.0' | '3.1'; problems: DocumentProblem[] }> {
  const declared = (document as { openapi?: unknown } | null)?.openapi;
  const version = typeof declared === 'string' && /^3\.0\.\d+$/.test(declared) ? '3.0' : typeof declared === 'string' && /^3\.1\.\d+$/.test(declared) ? '3.1' : undefined;
  if (!version) {
    return { problems: [{ pointer: '/openapi', message: `"openapi" must be a 3.0.x or 3.1.x version, got ${JSON.stringify(declared)}` }] };
  }
  const key = contractCacheKey(document);
  if (cache && (validated.has(key) || (await cached(cache, key)))) {
    validated.add(key);
    return { version, problems: [] };
  }
  if (!validator) {
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    validator = new Validator({ allErrors: true }) as unknown as SchemaValidator;
  }
  const result = await validator.validate(document as never);
  // The validator keeps the last document it saw; the kernel must not pay for a copy it never reads.
  validator.specification = undefined;
  if (result.valid) {
    validated.add(key);
    if (cache) await remember(cache, key);
    return { version, problems: [] };
  }
  const errors = (Array.isArray(result.errors) ? result.errors : []) as ErrorObject[];
  return { version, problems: significantErrors(errors).map(describe) };
}

/** The cache key of a document: SHA-256 of the validator's version and the document's JSON. */
export function contractCacheKey(document: unknown): string {
  return createHash('sha256').update(validatorVersion()).update('\0').update(JSON.stringify(document)).digest('hex');
}

let versionTag: string | undefined;
function validatorVersion(): string {
  if (!versionTag) {
    const require = createRequire(import.meta.url);
    const main = require.resolve('@seriousme/openapi-schema-validator');
    const pkg = JSON.parse(require('node:fs').readFileSync(path.join(path.dirname(main), 'package.json'), 'utf8')) as { version: string };
    versionTag = `openapi-schema-validator@${pkg.version}`;
  }
  return versionTag;
}

async function cached(dir: string, key: string): Promise<boolean> {
  try {
    const entry = JSON.parse(await readFile(path.join(dir, 'contracts', `${key}.json`), 'utf8')) as { valid?: unknown };
    return entry.valid === true;
  } catch {
    return false;
  }
}

async function remember(dir: string, key: string): Promise<void> {
  try {
    await mkdir(path.join(dir, 'contracts'), { recursive: true });
    await writeFile(path.join(dir, 'contracts', `${key}.json`), JSON.stringify({ valid: true, validator: validatorVersion(), at: new Date().toISOString() }));
  } catch {
    // A read-only file system only costs the next boot the check.
  }
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
