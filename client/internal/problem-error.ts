/** The problem+json body of an error answer (RFC 9457), as Burrow sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  /** Burrow's error code (`BURROW_ERR_…`, or a service's own), or `CLIENT_ERR_…` for what the client made up. */
  code?: string;
  [member: string]: unknown;
}

/** The codes the client itself gives an error that came without a problem body. */
export type ClientErrorCode = 'CLIENT_ERR_HTTP' | 'CLIENT_ERR_NETWORK';

/**
 * A service call (or a login) that failed: the problem the API answered, or one the
 * client made for an answer without a problem body (`CLIENT_ERR_HTTP`) or for no
 * answer at all (`CLIENT_ERR_NETWORK`, status 0: unreachable, refused, aborted).
 * Branch on `code`, never on `message`.
 *
 * @example
 * try { await api.services.Calculator.divide({ a: 1, b: 0 }) }
 * catch (error) { if (error instanceof ProblemError && error.code === 'CALC_ERR_DIVISION_BY_ZERO') … }
 */
export class ProblemError<P extends Problem = Problem> extends Error {
  /** The HTTP status; 0 when no answer came. */
  readonly status: number;
  /** `problem.code`: what to branch on. */
  readonly code: string;
  /** The problem+json body (or the one the client made: `title`, `status`, `code`, and `detail` with the body's text). */
  readonly problem: P;
  constructor(status: number, problem: P, options?: { cause?: unknown }) {
    super(`${status} ${problem.code ?? ''}${problem.detail ? `: ${problem.detail}` : problem.title ? `: ${problem.title}` : ''}`.trim(), options);
    this.name = 'ProblemError';
    this.status = status;
    this.code = String(problem.code ?? 'CLIENT_ERR_HTTP');
    this.problem = problem;
  }
}

/**
 * The error of a non-2xx answer. `body` is what was read of it: parsed JSON, text,
 * or undefined. A problem+json object keeps its own `code`; anything else is a
 * `CLIENT_ERR_HTTP` problem carrying the text (truncated) as `detail`.
 */
export function problemOf(response: Response, body: unknown): ProblemError {
  const type = response.headers.get('content-type') ?? '';
  if (/json/i.test(type) && isObject(body) && typeof body.code === 'string') {
    return new ProblemError(response.status, body as Problem);
  }
  const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
  const problem: Problem = { title: response.statusText || `HTTP ${response.status}`, status: response.status, code: 'CLIENT_ERR_HTTP' };
  if (text) problem.detail = text.length > 500 ? `${text.slice(0, 500)}…` : text;
  return new ProblemError(response.status, problem);
}

/** The error of a request that got no answer (`fetch` threw). */
export function networkProblem(cause: unknown): ProblemError {
  const detail = cause instanceof Error ? (cause.cause instanceof Error ? `${cause.message}: ${cause.cause.message}` : cause.message) : String(cause);
  return new ProblemError(0, { title: 'No answer from the API', status: 0, code: 'CLIENT_ERR_NETWORK', detail }, { cause });
}

/** Reads an error answer's body: JSON when it parses, else its text (undefined when empty). */
export async function readErrorBody(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
