import { CORE_ERRORS, fillTemplate, type CoreErrorCode, type ErrorParams, type ErrorSpec } from './codes.js';

/** One failure of validation, as it appears in a problem's `errors` list. */
export interface ValidationIssue {
  /** Where the failure is: `path`, `query`, `header`, `cookie` or `body`. */
  in: 'path' | 'query' | 'header' | 'cookie' | 'body' | 'response';
  /** The parameter name (for parameters) — absent for body issues. */
  name?: string;
  /** JSON pointer inside the value (`/items/0/title` for a body, `` for the whole value). */
  pointer: string;
  /** What is wrong, in words. */
  message: string;
}

/** Extra fields carried by a {@link BurrowError}. */
export interface BurrowErrorInit {
  /** The detail, for codes whose spec has no `detail` template (a template always wins). */
  detail?: string;
  errors?: ValidationIssue[];
  headers?: Record<string, string>;
  cause?: unknown;
  /** Extension members added to the problem body (RFC 9457 §3.2). */
  extensions?: Record<string, unknown>;
}

/**
 * The one error type that reaches clients. It carries a registered `code`; the
 * status, title and detail come from the code's spec. Create one with
 * {@link coreError} (Burrow's codes) or the `create` of a {@link defineErrors}
 * family (a plugin's or an app's codes).
 */
export class BurrowError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly errors?: ValidationIssue[];
  readonly headers?: Record<string, string>;
  readonly extensions?: Record<string, unknown>;

  constructor(code: string, spec: ErrorSpec, params: Record<string, string | number> = {}, init: BurrowErrorInit = {}) {
    const detail = spec.detail !== undefined ? fillTemplate(spec.detail, params) : (init.detail ?? spec.title);
    super(detail, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'BurrowError';
    this.code = code;
    this.status = spec.status;
    this.title = spec.title;
    this.detail = detail;
    if (init.errors) this.errors = init.errors;
    if (init.headers) this.headers = init.headers;
    if (init.extensions) this.extensions = init.extensions;
  }
}

/**
 * The arguments after the code: the params of its template and the extras, or —
 * for a code whose spec has no `detail` template — the extras alone (`{ detail }`).
 */
type ParamsArg<S> = S extends { detail: string }
  ? keyof ErrorParams<S> extends never
    ? [params?: Record<string, never>, init?: BurrowErrorInit]
    : [params: ErrorParams<S>, init?: BurrowErrorInit]
  : [init?: BurrowErrorInit];

/**
 * Creates the error of one of Burrow's core codes; the compiler checks that every
 * `{hole}` of the code's detail template is given.
 *
 * @example
 * throw coreError('BURROW_ERR_ROUTE_NOT_FOUND', { path: ctx.path })
 */
export function coreError<C extends CoreErrorCode>(code: C, ...args: ParamsArg<(typeof CORE_ERRORS)[C]>): BurrowError {
  return fromArgs(code, CORE_ERRORS[code], args);
}

/** Builds the error from the arguments {@link ParamsArg} types: params come first only when the spec has a template. */
function fromArgs(code: string, spec: ErrorSpec, args: unknown[]): BurrowError {
  if (spec.detail === undefined) return new BurrowError(code, spec, {}, args[0] as BurrowErrorInit | undefined);
  return new BurrowError(code, spec, args[0] as Record<string, string | number> | undefined, args[1] as BurrowErrorInit | undefined);
}

/** True for a {@link BurrowError}, also across copies of the module. */
export function isBurrowError(value: unknown): value is BurrowError {
  return value instanceof BurrowError || (value instanceof Error && value.name === 'BurrowError' && 'code' in value && 'status' in value);
}

/** A family of error codes declared by a plugin or an app (see {@link defineErrors}). */
export interface ErrorFamily<T extends Record<string, ErrorSpec> = Record<string, ErrorSpec>> {
  readonly specs: T;
  create<C extends keyof T & string>(code: C, ...args: ParamsArg<T[C]>): BurrowError;
}

/**
 * Declares a family of error codes for a plugin or an application, with the same
 * guarantees as the core registry: each code has a status, `create` accepts only
 * declared codes, and the holes of a `detail` template must be filled. Register
 * the family with `kernel.errors.addFamily(family)` so that the error catalogue
 * (`/errors`) documents its codes.
 *
 * @example
 * const taskErrors = defineErrors({
 *   TASKS_ERR_NOT_FOUND: { status: 404, title: 'No task has this id', detail: 'no task has the id {id}' },
 * })
 * throw taskErrors.create('TASKS_ERR_NOT_FOUND', { id })
 */
export function defineErrors<const T extends Record<string, ErrorSpec>>(specs: T): ErrorFamily<T> {
  return {
    specs,
    create: (code, ...args) => fromArgs(code, specs[code]!, args),
  };
}
