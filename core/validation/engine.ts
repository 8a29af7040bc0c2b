import { OpenAPIRouter, OpenAPIValidator, type Operation as EngineOperation } from 'openapi-backend';
import $RefParser from '@apidevtools/json-schema-ref-parser';
import { createHash } from 'node:crypto';
import { Ajv, type Options as AjvOptions, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { OpenApiDocument } from '../contract/load.js';
import { coreError } from '../errors/burrow-error.js';
import { addBurrowKeywords } from './keywords.js';
import { createSchemaViews } from './schema-views.js';
import { applyViews } from './operation-views.js';
import { prepareRefs, refsNeedReading } from './schema-refs.js';
import { guardDepth, isRecursive } from './depth-guard.js';
import { bodyKindOf, isBinarySchema, parseMediaType, type SchemaLike } from '../request/media-type.js';
import { multipartSchemaView } from '../request/multipart.js';

export type { EngineOperation, ValidateFunction };

// ajv-formats is CommonJS; its default export arrives wrapped under Node's ESM loader.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => void;

/**
 * Formats OpenAPI defines beyond JSON Schema's: `int32` "signed 32 bits", `int64` "signed
 * 64 bits" (a JSON number past 2^53 arrives rounded, so the bounds are ±2^63 themselves),
 * `byte` "base64 encoded characters".
 */
const OAS_FORMATS: Record<string, { type: 'number' | 'string'; validate: (value: any) => boolean }> = {
  int32: { type: 'number', validate: (v: number) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31 },
  int64: { type: 'number', validate: (v: number) => Number.isInteger(v) && v >= -(2 ** 63) && v <= 2 ** 63 },
  float: { type: 'number', validate: () => true },
  double: { type: 'number', validate: () => true },
  byte: { type: 'string', validate: (v: string) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v) },
  binary: { type: 'string', validate: () => true },
  password: { type: 'string', validate: () => true },
};

/**
 * Burrow's use of openapi-backend: its contract model (dereferencing, the operation
 * list with path-level parameters merged) and its validators (the schemas it builds
 * for parameters, bodies and responses) — without its per-request routing and
 * parsing, which Burrow does once at boot.
 *
 * openapi-backend creates a new Ajv instance for every validator, which is what makes
 * its full-mode `init()` cost ~35 ms per operation. `customizeAjv` hands it one shared
 * Ajv per validation context instead, of the dialect the contract is written in
 * (draft-07 for 3.0, 2020-12 for 3.1), with `format` checks on and every error
 * reported. Request validators fill in schema `default`s (`useDefaults`).
 */
export interface ValidationEngine {
  /** Operations as openapi-backend models them, dereferenced, in document order. */
  operations: EngineOperation[];
  /** The validator of the parameters (path, query, header, cookie) of an operation. */
  compileParameters(operation: EngineOperation): ValidateFunction;
  /**
   * The validator of the request body declared under one content key (`application/json`,
   * `text/plain`…), or `undefined` when that key has no schema. It validates
   * `{ requestBody }`, so its errors point under `/requestBody`.
   */
  compileBody(operation: EngineOperation, contentKey: string): ValidateFunction | undefined;
  /**
   * The validators of the response bodies by status key, then content key: every key
   * with a schema that does not describe bytes (`format: binary`), whatever its media
   * type (`application/vnd.x+json`, `text/plain`, `*\/*`). Each validates the body itself.
   */
  compileResponses(operation: EngineOperation): Record<string, Record<string, ValidateFunction>>;
}

/** How the engine treats what the contract leaves to the server. */
export interface ValidationEngineOptions {
  /** A readOnly property sent in a request: `reject` (default) answers 400 naming it, `drop` deletes it before the handler. */
  readOnly?: 'reject' | 'drop';
}

/**
 * Creates the engine for a composed document (it is cloned, not mutated).
 *
 * The document is dereferenced once with json-schema-ref-parser, which points every
 * use of a `$ref` at the same object (openapi-backend's quick mode copies each
 * use, doubling a large contract in memory). A pre-pass then gives parameters and
 * request bodies the request views of their schemas and responses the response views
 * (`schema-views.ts`: readOnly/writeOnly, the 3.0 forms in draft-07, discriminator
 * tables), and the result goes to openapi-backend's router and validator, in lazy mode:
 * nothing is compiled until asked for. A schema no validator could compile (a pattern
 * that is no regular expression, a discriminator mapping to nothing) stops the boot with
 * `BURROW_ERR_BOOT_CONTRACT_INVALID` naming its pointer.
 */
export async function createValidationEngine(document: OpenApiDocument, version: '3.0' | '3.1', options: ValidationEngineOptions = {}): Promise<ValidationEngine> {
  const shared = new Map<string, Ajv>();
  // A JSON round trip is the cheapest deep copy of JSON data, and its text says whether any `$ref` needs reading.
  const text = JSON.stringify(document);
  const clone = JSON.parse(text) as OpenApiDocument;
  if (refsNeedReading(text, version)) prepareRefs(clone, version);
  const definition = (await $RefParser.dereference(clone as never)) as never;
  const views = createSchemaViews({ version, readOnly: options.readOnly ?? 'reject', document: definition, text });
  applyViews(definition, views);
  if (views.problems.length) {
    throw coreError('BURROW_ERR_BOOT_CONTRACT_INVALID', { count: views.problems.length, problems: views.problems.map((p) => `  - ${p}`).join('\n') });
  }
  const router = new OpenAPIRouter({ definition });
  const validator = new OpenAPIValidator({
    definition,
    router,
    lazyCompileValidators: true,
    ajvOpts: { allErrors: true, strict: false },
    customizeAjv: (_original, options, context) => {
      const key = `${context}:${String(options.coerceTypes)}`;
      let ajv = shared.get(key);
      if (!ajv) shared.set(key, (ajv = createAjv(version, { ...options, useDefaults: context !== 'responseValidator' && context !== 'responseHeadersValidator' })));
      return ajv;
    },
  });
  const operations = router.getOperations();
  const identified = new WeakMap<object, boolean>();
  return {
    operations,
    // openapi-backend builds one validator for the parameters and, from the first of JSON,
    // multipart or form content only, one for the body: Burrow asks it for the parameters
    // alone and compiles a body validator per content key itself.
    compileParameters: (operation) =>
      compileIsolatedIfIdentified(
        operation,
        () => validator.buildRequestValidatorsForOperation({ ...operation, requestBody: undefined } as never)!.at(-1)!,
        shared,
        identified,
      ),
    compileBody: (operation, contentKey) =>
      compileIsolatedIfIdentified(
        operation,
        () => {
          const requestBody = operation.requestBody as { required?: boolean; content?: Record<string, { schema?: object }> } | undefined;
          const schema = requestBody?.content?.[contentKey]?.schema;
          if (!schema) return undefined;
          const range = parseMediaType(contentKey);
          const kind = range ? bodyKindOf(range) : 'bytes';
          // A multipart file property is bytes: present or not, never a JSON string.
          const view = kind === 'multipart' ? multipartSchemaView(schema as SchemaLike) : schema;
          const wrapper = { type: 'object', properties: { requestBody: view }, required: requestBody!.required ? ['requestBody'] : [] };
          // Form and multipart values arrive as strings (and a list where one was sent): coerced to their schema types.
          const coerce = kind === 'form' || kind === 'multipart' ? { coerceTypes: 'array' as const } : {};
          return compileSchema(validator.getAjv('requestBodyValidator' as never, coerce) as unknown as Ajv, wrapper);
        },
        shared,
        identified,
      ),
    compileResponses: (operation) =>
      compileIsolatedIfIdentified(
        operation,
        () => {
          const ajv = validator.getAjv('responseValidator' as never) as unknown as Ajv;
          const validators: Record<string, Record<string, ValidateFunction>> = {};
          for (const [status, response] of Object.entries((operation.responses ?? {}) as Record<string, { content?: Record<string, { schema?: object }> }>)) {
            const byKey: Record<string, ValidateFunction> = {};
            for (const [key, media] of Object.entries(response?.content ?? {})) {
              if (media?.schema && !isBinarySchema(media.schema as SchemaLike)) byKey[key] = compileSchema(ajv, media.schema);
            }
            validators[status] = byKey;
          }
          return validators;
        },
        shared,
        identified,
      ),
  };
}

/** openapi-backend's compile: its `compileSchema` (private in the typings) replaces object cycles (recursive schemas) with `$ref`s first. */
function compileSchema(ajv: Ajv, schema: object): ValidateFunction {
  return (OpenAPIValidator as unknown as { compileSchema(ajv: Ajv, schema: object): ValidateFunction }).compileSchema(ajv, schema);
}

function createAjv(version: '3.0' | '3.1', options: AjvOptions): Ajv {
  const merged: AjvOptions = { ...options, allErrors: true, strict: false, validateFormats: true, code: { ...options.code, regExp: lenientRegExp } };
  const ajv = version === '3.1' ? (new Ajv2020(merged) as unknown as Ajv) : new Ajv(merged);
  addFormats(ajv);
  for (const [name, format] of Object.entries(OAS_FORMATS)) ajv.addFormat(name, format as never);
  addBurrowKeywords(ajv);
  return compileOncePerShape(ajv);
}

/**
 * Ajv compiles `pattern` with the `u` flag, under which some patterns of ECMA 262's
 * ordinary syntax (the dialect OpenAPI names: `[\\w-.]`, `\\ `) are errors: those compile
 * without it. One that is no regular expression at all is refused at boot (`schema-views.ts`).
 */
const lenientRegExp: NonNullable<NonNullable<AjvOptions['code']>['regExp']> = Object.assign(
  (pattern: string, flags: string) => {
    try {
      return new RegExp(pattern, flags);
    } catch (error) {
      if (!flags.includes('u')) throw error;
      return new RegExp(pattern, flags.replace('u', ''));
    }
  },
  { code: 'burrow-lenient-regexp' },
);

/**
 * Operations of one contract repeat the same schemas: every `{id}` path parameter,
 * every paging query, every body that `$ref`s the same component. openapi-backend
 * wraps each in a new object, so Ajv (which caches by object) would compile — and
 * keep in memory — one validator per operation. Here a schema is compiled once per
 * shape (its JSON), and operations with the same shape share the function.
 */
function compileOncePerShape(ajv: Ajv): Ajv {
  const compile = ajv.compile.bind(ajv);
  const byShape = new Map<string, ValidateFunction>();
  ajv.compile = ((schema: object) => {
    const key = createHash('sha1').update(JSON.stringify(schema)).digest('base64');
    let validate = byShape.get(key);
    if (!validate) {
      validate = compile(schema);
      // A recursive schema is validated by recursion: its input's depth is bounded first.
      if (isRecursive(schema)) validate = guardDepth(validate);
      byShape.set(key, validate);
    }
    return validate;
  }) as Ajv['compile'];
  return ajv;
}

/**
 * A schema with an `$id` registers that id in the Ajv instance that compiles it, and
 * Ajv refuses to register an id twice: a second operation whose validator holds the
 * same `$id`d schema in another shape (a body here, an array's items there) would not
 * compile in the shared instance. So an operation whose schemas carry an `$id` is
 * compiled, up front, with Ajv instances of its own; the shared ones never see an id.
 */
function compileIsolatedIfIdentified<T>(operation: EngineOperation, build: () => T, shared: Map<string, Ajv>, identified: WeakMap<object, boolean>): T {
  let isolate = identified.get(operation);
  if (isolate === undefined) identified.set(operation, (isolate = hasSchemaId(operation)));
  if (!isolate) return build();
  const saved = new Map(shared);
  shared.clear();
  try {
    return build();
  } finally {
    shared.clear();
    for (const [k, v] of saved) shared.set(k, v);
  }
}

/**
 * Does anything under the operation (parameters, body, responses) carry a string `$id`?
 * The dereferenced document may be cyclic, hence the visited set. An `$id` inside an
 * example counts too: that only costs the operation instances of its own.
 */
function hasSchemaId(operation: object): boolean {
  const seen = new Set<object>();
  const stack: object[] = [operation];
  while (stack.length) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    if (typeof (node as { $id?: unknown }).$id === 'string') return true;
    for (const value of Object.values(node)) if (value !== null && typeof value === 'object') stack.push(value);
  }
  return false;
}
