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

/** Base of the `type` URIs; each code's page is a section of ERRORS.md. */
export const PROBLEM_TYPE_BASE = 'https://burrow.dev/errors#';

/** Builds the problem body of an error for one request. */
export function toProblem(error: BurrowError, instance: string, requestId: string): Problem {
  const problem: Problem = {
    ...error.extensions,
    type: PROBLEM_TYPE_BASE + error.code.toLowerCase(),
    title: error.title,
    status: error.status,
    detail: error.detail ?? error.title,
    instance,
    code: error.code,
    requestId,
  };
  if (error.errors) problem.errors = error.errors;
  return problem;
}
