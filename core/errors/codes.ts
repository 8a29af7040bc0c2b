/**
 * The registry of Burrow's core error codes.
 *
 * Every code has one HTTP status and one title. The map is typed
 * `Record<CoreErrorCode, ...>`, so a code added to the union without a status does
 * not compile. `ERRORS.md` at the repository root lists the same codes; a test keeps
 * the two in sync.
 */
export const CORE_ERRORS = {
  BURROW_ERR_ROUTE_NOT_FOUND: { status: 404, title: 'No operation of the contract matches this path' },
  BURROW_ERR_ROUTE_METHOD_NOT_ALLOWED: { status: 405, title: 'The contract declares this path, but not for this method' },
  BURROW_ERR_REQUEST_MALFORMED_BODY: { status: 400, title: 'The request body could not be parsed' },
  BURROW_ERR_REQUEST_VALIDATION: { status: 400, title: 'The request does not match the contract' },
  BURROW_ERR_REQUEST_TIMEOUT: { status: 408, title: 'The request body did not arrive in time' },
  BURROW_ERR_REQUEST_BODY_TOO_LARGE: { status: 413, title: 'The request body is larger than the configured limit' },
  BURROW_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The operation does not accept this Content-Type' },
  BURROW_ERR_REQUEST_NOT_ACCEPTABLE: { status: 406, title: 'The operation cannot answer in any media type the Accept header allows' },
  BURROW_ERR_AUTH_UNAUTHENTICATED: { status: 401, title: 'Authentication is required' },
  BURROW_ERR_AUTH_FORBIDDEN: { status: 403, title: 'The credentials do not grant access to this operation' },
  BURROW_ERR_RESPONSE_INVALID: { status: 500, title: 'The handler produced a response the contract does not declare' },
  BURROW_ERR_SERVER_INTERNAL: { status: 500, title: 'Internal server error' },
  BURROW_ERR_UNAVAILABLE_SHUTTING_DOWN: { status: 503, title: 'The server is shutting down' },
  BURROW_ERR_BOOT_CONTRACT_INVALID: { status: 500, title: 'The contract is invalid' },
  BURROW_ERR_BOOT_CONFORMANCE: { status: 500, title: 'The contract and the registered code do not agree' },
  BURROW_ERR_BOOT_PLUGIN_DEPENDENCY: { status: 500, title: 'A plugin depends on a plugin that is not registered' },
  BURROW_ERR_BOOT_PLUGIN_OPTIONS: { status: 500, title: 'A plugin received invalid options' },
  BURROW_ERR_BOOT_DUPLICATE: { status: 500, title: 'An extension point refused a duplicate registration' },
} as const satisfies Record<string, ErrorSpec>;

/** What every registered code carries: its HTTP status and a short, stable title. */
export interface ErrorSpec {
  readonly status: number;
  readonly title: string;
}

/** A code of Burrow's core. */
export type CoreErrorCode = keyof typeof CORE_ERRORS;

/** Status of each core code, checked by the compiler: a code without a status is an error. */
export const CORE_STATUS: Record<CoreErrorCode, number> = Object.fromEntries(
  Object.entries(CORE_ERRORS).map(([code, spec]) => [code, spec.status]),
) as Record<CoreErrorCode, number>;
