import type { EngineOperation, ValidateFunction, ValidationEngine } from '../validation/engine.js';
import type { RequestContext } from './context.js';

/** One scheme of a security requirement object, with the scopes it must grant. */
export interface RequiredScheme {
  scheme: string;
  scopes: string[];
}

/** A handler as the pipeline calls it (the typed view is in `types.ts`). */
export type RawHandler = (ctx: RequestContext) => unknown;

/** How a query parameter is read from the query string. */
interface QueryParamSpec {
  name: string;
  array: boolean;
  /** `explode: false` form, or space/pipe delimited: one value holding a list. */
  delimiter?: string;
  deepObject: boolean;
}

/**
 * An operation as the pipeline uses it: everything that can be worked out from
 * the contract is worked out once, at boot. Validators are compiled on first use,
 * or earlier by the background warm-up after listen.
 */
export interface CompiledOperation {
  readonly id: string;
  readonly method: string;
  readonly path: string;
  /** The dereferenced operation, as openapi-backend models it. */
  readonly definition: EngineOperation;
  /** OR across the outer array, AND inside each inner one; empty: no security. */
  readonly security: RequiredScheme[][];
  readonly body: { required: boolean; mediaTypes: string[] } | undefined;
  /** Every media type a response of this operation may have (for `Accept`). */
  readonly responseMediaTypes: string[];
  /** Declared responses by status key (`200`, `4XX`, `default`) → first media type. */
  readonly responses: Map<string, string | undefined>;
  readonly query: QueryParamSpec[];
  readonly usesDeepObject: boolean;
  readonly usesCookies: boolean;
  readonly usesHeaders: boolean;
  /** The `x-burrow-*` extensions of the operation (and of the root, unless overridden). */
  readonly extensions: Record<string, unknown>;
  handler: RawHandler;
  requestValidators(): ValidateFunction[];
  responseValidators(): Record<string, ValidateFunction>;
  /** True once both validator sets are compiled. */
  readonly compiled: boolean;
  /** True once the request validators are compiled (what the background warm-up does first). */
  readonly requestCompiled: boolean;
}

function unserved(): never {
  throw new Error('this operation has no handler: the kernel is not booted');
}

/** Builds the compiled form of one operation; its handler is set once the kernel knows who serves it. */
export function compileOperation(
  op: EngineOperation,
  engine: ValidationEngine,
  rootExtensions: Record<string, unknown>,
  isAdded: (status: string) => boolean = () => false,
  isExtension: (key: string) => boolean = (key) => key.startsWith('x-burrow-'),
): CompiledOperation {
  const parameters = (op.parameters ?? []) as { name: string; in: string; schema?: any; style?: string; explode?: boolean }[];
  const query: QueryParamSpec[] = parameters
    .filter((p) => p.in === 'query')
    .map((p) => {
      const array = p.schema?.type === 'array' || (Array.isArray(p.schema?.type) && p.schema.type.includes('array'));
      const style = p.style ?? 'form';
      const delimiter =
        style === 'spaceDelimited' ? ' ' : style === 'pipeDelimited' ? '|' : array && p.explode === false ? ',' : undefined;
      return { name: p.name, array, delimiter, deepObject: style === 'deepObject' };
    });
  const requestBody = op.requestBody as { required?: boolean; content?: Record<string, unknown> } | undefined;
  const responses = new Map<string, string | undefined>();
  const responseMediaTypes = new Set<string>();
  for (const [status, response] of Object.entries((op.responses ?? {}) as Record<string, { content?: Record<string, unknown> }>)) {
    // The 4XX/5XX problems Burrow adds describe its own errors, not what the handler may answer.
    if (isAdded(status)) continue;
    const types = Object.keys(response?.content ?? {});
    responses.set(status, types[0]);
    for (const t of types) if (t.toLowerCase() !== 'application/problem+json') responseMediaTypes.add(t.toLowerCase());
  }
  const extensions: Record<string, unknown> = { ...rootExtensions };
  for (const [key, value] of Object.entries(op)) if (isExtension(key)) extensions[key] = value;

  let requestValidators: ValidateFunction[] | undefined;
  let responseValidators: Record<string, ValidateFunction> | undefined;
  return {
    id: op.operationId!,
    method: op.method,
    path: op.path,
    definition: op,
    security: ((op.security ?? []) as Record<string, string[]>[]).map((requirement) =>
      Object.entries(requirement).map(([scheme, scopes]) => ({ scheme, scopes: scopes ?? [] })),
    ),
    body: requestBody?.content
      ? { required: requestBody.required === true, mediaTypes: Object.keys(requestBody.content).map((t) => t.toLowerCase()) }
      : undefined,
    responseMediaTypes: [...responseMediaTypes],
    responses,
    query,
    usesDeepObject: query.some((q) => q.deepObject),
    usesCookies: parameters.some((p) => p.in === 'cookie'),
    usesHeaders: parameters.some((p) => p.in === 'header'),
    extensions,
    // Set at boot, once conformance has found the one handler (app, plugin or binder) that serves it.
    handler: unserved,
    requestValidators: () => (requestValidators ??= engine.compileRequest(op)),
    responseValidators: () => (responseValidators ??= engine.compileResponses(op)),
    get compiled() {
      return requestValidators !== undefined && responseValidators !== undefined;
    },
    get requestCompiled() {
      return requestValidators !== undefined;
    },
  };
}
