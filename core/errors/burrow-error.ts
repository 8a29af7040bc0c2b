import { CORE_ERRORS, type CoreErrorCode, type ErrorSpec } from './codes.js';

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
  detail?: string;
  errors?: ValidationIssue[];
  headers?: Record<string, string>;
  cause?: unknown;
  /** Extension members added to the problem body (RFC 9457 §3.2). */
  extensions?: Record<string, unknown>;
}

/**
 * The one error type that reaches clients. It carries a registered `code`; the
 * status and title come from the registry the code belongs to.
 *
 * @example
 * throw new BurrowError('BURROW_ERR_AUTH_FORBIDDEN', { detail: 'scope tasks:write is required' })
 */
export class BurrowError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: ValidationIssue[];
  readonly headers?: Record<string, string>;
  readonly extensions?: Record<string, unknown>;

  constructor(code: CoreErrorCode, init?: BurrowErrorInit);
  constructor(code: string, init: BurrowErrorInit | undefined, spec: ErrorSpec);
  constructor(code: string, init: BurrowErrorInit = {}, spec?: ErrorSpec) {
    const resolved = spec ?? CORE_ERRORS[code as CoreErrorCode];
    super(init.detail ?? resolved.title, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'BurrowError';
    this.code = code;
    this.status = resolved.status;
    this.title = resolved.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.headers = init.headers;
    this.extensions = init.extensions;
  }
}

/** True for a {@link BurrowError}, also across copies of the module. */
export function isBurrowError(value: unknown): value is BurrowError {
  return value instanceof BurrowError || (value instanceof Error && value.name === 'BurrowError' && 'code' in value && 'status' in value);
}

/**
 * Declares a family of error codes for a plugin or an application, with the same
 * guarantees as the core registry: each code has a status, and the returned
 * factory only accepts declared codes.
 *
 * @example
 * const taskErrors = defineErrors({
 *   TASKS_ERR_NOT_FOUND: { status: 404, title: 'No task has this id' },
 * })
 * throw taskErrors.create('TASKS_ERR_NOT_FOUND', { detail: `task ${id}` })
 */
export function defineErrors<const T extends Record<string, ErrorSpec>>(specs: T) {
  return {
    specs,
    create(code: keyof T & string, init?: BurrowErrorInit): BurrowError {
      return new BurrowError(code, init, specs[code]);
    },
  };
}
