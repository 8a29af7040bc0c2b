import { OpenAPIRouter, OpenAPIValidator, type Operation as EngineOperation } from 'openapi-backend';
import $RefParser from '@apidevtools/json-schema-ref-parser';
import { createHash } from 'node:crypto';
import { Ajv, type Options as AjvOptions, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { OpenApiDocument } from '../contract/load.js';

export type { EngineOperation, ValidateFunction };

// ajv-formats is CommonJS; its default export arrives wrapped under Node's ESM loader.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => void;

/** Formats OpenAPI defines beyond JSON Schema's (the same as openapi-backend's). */
const OAS_FORMATS: Record<string, { type: 'number' | 'string'; validate: (value: any) => boolean }> = {
  int32: { type: 'number', validate: (v: number) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31 },
  int64: { type: 'number', validate: (v: number) => Number.isInteger(v) },
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
  compileResponses(operation: EngineOperation): Record<string, ValidateFunction>;
}

/**
 * Creates the engine for a composed document (it is cloned, not mutated).
 *
 * The document is dereferenced once with json-schema-ref-parser, which points every
 * use of a `$ref` at the same object (openapi-backend's quick mode copies each
 * use, doubling a large contract in memory), and handed to openapi-backend's router
 * and validator, in lazy mode: nothing is compiled until asked for.
 */
export async function createValidationEngine(document: OpenApiDocument, version: '3.0' | '3.1'): Promise<ValidationEngine> {
  const shared = new Map<string, Ajv>();
  const definition = (await $RefParser.dereference(structuredClone(document) as never)) as never;
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
          const wrapper = { type: 'object', properties: { requestBody: schema }, required: requestBody!.required ? ['requestBody'] : [] };
          // compileSchema is private in the typings; it replaces object cycles (recursive schemas) with $refs before compiling.
          return (OpenAPIValidator as unknown as { compileSchema(ajv: Ajv, schema: object): ValidateFunction }).compileSchema(validator.getAjv('requestBodyValidator' as never) as unknown as Ajv, wrapper);
        },
        shared,
        identified,
      ),
    compileResponses: (operation) =>
      compileIsolatedIfIdentified(
        operation,
        () => (validator.buildStatusBasedResponseValidatorForOperation(operation as never) ?? {}) as Record<string, ValidateFunction>,
        shared,
        identified,
      ),
  };
}

function createAjv(version: '3.0' | '3.1', options: AjvOptions): Ajv {
  const merged: AjvOptions = { ...options, allErrors: true, strict: false, validateFormats: true };
  const ajv = version === '3.1' ? (new Ajv2020(merged) as unknown as Ajv) : new Ajv(merged);
  addFormats(ajv);
  for (const [name, format] of Object.entries(OAS_FORMATS)) ajv.addFormat(name, format as never);
  return compileOncePerShape(ajv);
}

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
    if (!validate) byShape.set(key, (validate = compile(schema)));
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
