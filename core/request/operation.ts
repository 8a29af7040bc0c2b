import type { EngineOperation, ValidateFunction, ValidationEngine } from '../validation/engine.js';
import type { RequestContext } from './context.js';
import type { SecuritySchemeObject } from './security.js';
import type { MediaRange } from './media-type.js';
import { compileBodySpec, compileResponseSpecs, type BodySpec, type ResponseContent } from './content.js';
import { compileParameterSpecs, validatorOperation, type ParameterSpecs } from './parameters.js';
import { BODY_LIMIT_EXTENSION, TIMEOUT_EXTENSION, parseByteSize, parseTimeout } from './limits.js';

/** One scheme of a security requirement object, with the scopes it must grant. */
export interface RequiredScheme {
  scheme: string;
  scopes: string[];
}

/** A handler as the pipeline calls it (the typed view is in `types.ts`). */
export type RawHandler = (ctx: RequestContext) => unknown;

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
  /**
   * The request body the operation declares: its content keys as the contract writes
   * them (`application/json; charset=utf-8`, `image/*`), and parsed, most specific first,
   * with how a body under each is read (see `content.ts`).
   */
  readonly body: BodySpec | undefined;
  /** Every media type or range a response of this operation may have, as written (for `Accept`). */
  readonly responseMediaTypes: string[];
  /** The same, parsed. */
  readonly responseRanges: MediaRange[];
  /** Declared responses by status key (`200`, `4XX`, `default`) → their content keys, in the contract's order. */
  readonly responses: Map<string, ResponseContent[]>;
  /** How each parameter is read (see `parameters.ts`). */
  readonly parameters: ParameterSpecs;
  /** The `x-burrow-*` extensions of the operation (and of the root, unless overridden). */
  readonly extensions: Record<string, unknown>;
  /**
   * How long the handler may take, in ms (`x-burrow-timeout` of the operation, else of
   * the root); `undefined`: the kernel's `handlerTimeout` applies.
   */
  readonly timeout: number | undefined;
  /**
   * The largest request body, in bytes (`x-burrow-body-limit` of the operation, else of the
   * root); `undefined`: the kernel's `bodyLimit` (and `multipart.limit`) apply.
   */
  readonly bodyLimit: number | undefined;
  handler: RawHandler;
  /** The validator of the parameters, compiled on first use. */
  parameterValidator(): ValidateFunction;
  /** The validator of the body under one content key (`undefined`: no schema), compiled on first use. */
  bodyValidator(contentKey: string): ValidateFunction | undefined;
  /** Compiles every request validator (parameters and each body) not compiled yet. */
  requestValidators(): void;
  /** The validators of the response bodies by status key, then content key (keys with a schema Burrow checks). */
  responseValidators(): Record<string, Record<string, ValidateFunction>>;
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
  schemes: Record<string, SecuritySchemeObject> = {},
): CompiledOperation {
  const body = compileBodySpec(op);
  const { responses, responseMediaTypes, responseRanges } = compileResponseSpecs(op, isAdded);
  const extensions: Record<string, unknown> = { ...rootExtensions };
  for (const [key, value] of Object.entries(op)) if (isExtension(key)) extensions[key] = value;

  let parameterValidator: ValidateFunction | undefined;
  // The query parameter an apiKey scheme reads its key from is the scheme's, not an undeclared parameter.
  const credentialNames = ((op.security ?? []) as Record<string, unknown>[]).flatMap((requirement) =>
    Object.keys(requirement).flatMap((name) => (schemes[name]?.type === 'apiKey' && schemes[name].in === 'query' && schemes[name].name ? [schemes[name].name] : [])),
  );
  const parameterOperation = validatorOperation(op, [...new Set(credentialNames)]);
  const bodyValidators = new Map<string, ValidateFunction | undefined>();
  const contentKeys = body?.contentKeys ?? [];
  const bodyValidator = (key: string) => {
    if (!bodyValidators.has(key)) bodyValidators.set(key, engine.compileBody(op, key));
    return bodyValidators.get(key);
  };
  let responseValidators: Record<string, Record<string, ValidateFunction>> | undefined;
  return {
    id: op.operationId!,
    method: op.method,
    path: op.path,
    definition: op,
    security: ((op.security ?? []) as Record<string, string[]>[]).map((requirement) =>
      Object.entries(requirement).map(([scheme, scopes]) => ({ scheme, scopes: scopes ?? [] })),
    ),
    body,
    responseMediaTypes,
    responseRanges,
    responses,
    parameters: compileParameterSpecs(op),
    extensions,
    // A malformed value is a boot problem (the core's binders in limits.ts): here it only reads as unset.
    timeout: parseTimeout(extensions[TIMEOUT_EXTENSION]),
    bodyLimit: parseByteSize(extensions[BODY_LIMIT_EXTENSION]),
    // Set at boot, once conformance has found the one handler (app, plugin or binder) that serves it.
    handler: unserved,
    parameterValidator: () => (parameterValidator ??= engine.compileParameters(parameterOperation)),
    bodyValidator,
    requestValidators() {
      parameterValidator ??= engine.compileParameters(parameterOperation);
      for (const key of contentKeys) bodyValidator(key);
    },
    responseValidators: () => (responseValidators ??= engine.compileResponses(op)),
    get compiled() {
      return this.requestCompiled && responseValidators !== undefined;
    },
    get requestCompiled() {
      return parameterValidator !== undefined && bodyValidators.size === contentKeys.length;
    },
  };
}
