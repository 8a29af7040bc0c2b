import type { BurrowError, ValidationIssue } from './burrow-error.js';

/** The RFC 9457 body every error is sent as (schema: `openapi/problem.yaml`). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  requestId: string;
  errors?: ValidationIssue[];
  [extension: string]: unknown;
}

/** The anchor of a code in the error catalogue: `burrow_err_route_not_found`. */
export function catalogAnchor(code: string): string {
  return code.toLowerCase();
}

/**
 * Builds the problem body of an error for one request. `typeBase` is the URI of
 * the error catalogue (`/api/v1/errors`, or the absolute base the app configured);
 * the `type` is its anchor for the code. Without a catalogue it is `about:blank`.
 */
export function toProblem(error: BurrowError, instance: string, requestId: string, typeBase?: string): Problem {
  const problem: Problem = {
    ...error.extensions,
    type: typeBase === undefined ? 'about:blank' : `${typeBase}#${catalogAnchor(error.code)}`,
    title: error.title,
    status: error.status,
    detail: error.detail,
    instance,
    code: error.code,
    requestId,
  };
  if (error.errors) problem.errors = error.errors;
  return problem;
}
