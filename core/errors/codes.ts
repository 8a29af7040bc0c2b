/**
 * The registry of Burrow's core error codes (fastify's `lib/errors.js` is the model).
 *
 * One code per distinct failure. Each has an HTTP status, a short stable `title`, a
 * `detail` template whose `{holes}` the compiler makes every throw site fill, and
 * the two sentences of the error catalogue: what it `means`, and what to `do`.
 * `ERRORS.md` and the catalogue Burrow serves (`/errors`) are generated from this
 * table; `test/core/errors/codes.test.ts` keeps ERRORS.md in sync.
 */
export const CORE_ERRORS = {
  BURROW_ERR_ROUTE_NOT_FOUND: {
    status: 404,
    title: 'No operation of the contract matches this path',
    detail: 'no operation of the contract matches {path}',
    means: 'The path is not declared in the contract. Nothing undeclared is reachable.',
    do: 'Check the path against the served contract (`/openapi.json`); mind the mount prefix.',
  },
  BURROW_ERR_ROUTE_METHOD_NOT_ALLOWED: {
    status: 405,
    title: 'The contract declares this path, but not for this method',
    detail: '{method} is not declared for {path}; allowed: {allowed}',
    means: 'The path exists, but the contract declares no operation for this method.',
    do: 'Use one of the methods in the `Allow` header.',
  },
  BURROW_ERR_REQUEST_MALFORMED_BODY: {
    status: 400,
    title: 'The request body could not be parsed',
    detail: 'the body is not valid {format}: {reason}',
    means: 'The body does not parse as the media type its Content-Type names.',
    do: 'Send a well-formed body (for JSON, check quoting and trailing commas).',
  },
  BURROW_ERR_REQUEST_BODY_UNREADABLE: {
    status: 400,
    title: 'The request body could not be read',
    detail: 'the request body could not be read: the connection failed while it arrived',
    means: 'The connection broke or was aborted while the body was being received.',
    do: 'Retry the request.',
  },
  BURROW_ERR_REQUEST_VALIDATION: {
    status: 400,
    title: 'The request does not match the contract',
    detail: 'the request does not match the contract of {operationId}: {count} problem(s)',
    means: 'Parameters, headers, cookies or body break the schemas of the operation; `errors` lists every failure with its location.',
    do: 'Fix each entry of `errors` (`in`, `name`, `pointer`, `message`).',
  },
  BURROW_ERR_REQUEST_TIMEOUT: {
    status: 408,
    title: 'The request body did not arrive in time',
    detail: 'the body did not arrive within {timeout} ms',
    means: 'The client stopped sending the body before it was complete (`bodyTimeout`, 30 s by default). The connection is closed.',
    do: 'Send the whole body promptly; check proxies that buffer uploads.',
  },
  BURROW_ERR_REQUEST_HEADERS_TOO_LARGE: {
    status: 431,
    title: 'The request headers are too large',
    detail: 'the request line and headers exceed the server limit of {limit} bytes',
    means: "Node's HTTP parser refused the request before it reached Burrow: its headers are larger than `maxHeaderSize` (16 KiB by default). The connection is closed.",
    do: 'Send fewer or smaller headers (large cookies are the usual cause).',
  },
  BURROW_ERR_REQUEST_MALFORMED: {
    status: 400,
    title: 'The request is not well-formed HTTP',
    detail: 'the request could not be parsed as HTTP/1.1: {reason}',
    means: "Node's HTTP parser refused the request before it reached Burrow (a broken request line, header or chunked encoding). The connection is closed.",
    do: 'Send a well-formed HTTP/1.1 request.',
  },
  BURROW_ERR_REQUEST_HEADERS_TIMEOUT: {
    status: 408,
    title: 'The request did not arrive in time',
    detail: 'the request did not arrive within the server timeout',
    means: 'The request line and headers (`headersTimeout`) or the whole request (`requestTimeout`) took longer than the server allows. The connection is closed.',
    do: 'Send the request promptly; check proxies between the client and the server.',
  },
  BURROW_ERR_REQUEST_BODY_TOO_LARGE: {
    status: 413,
    title: 'The request body is larger than the configured limit',
    detail: 'the body exceeds the limit of {limit} bytes',
    means: "The body is larger than the operation's `x-burrow-body-limit`, else the kernel's `bodyLimit` (1 MiB by default).",
    do: 'Send a smaller body, or ask the operators to raise `bodyLimit`.',
  },
  BURROW_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'The operation does not accept this Content-Type',
    detail: 'Content-Type {mediaType}; operation {operationId} accepts {accepted}',
    means: 'The contract declares no request body of this media type for the operation.',
    do: 'Send one of the media types listed in the `Accept-Post` header.',
  },
  BURROW_ERR_REQUEST_PART_TOO_LARGE: {
    status: 413,
    title: 'A part of the multipart body is larger than the configured limit',
    detail: 'part "{part}" exceeds the limit of {limit} bytes',
    means: 'A file or field of a `multipart/form-data` body is larger than `multipart.partLimit` (the multipart body limit by default).',
    do: 'Send a smaller part, or ask the operators to raise `multipart.partLimit`.',
  },
  BURROW_ERR_REQUEST_TOO_MANY_PARTS: {
    status: 413,
    title: 'The multipart body has more parts than the configured limit',
    detail: 'the multipart body has more than {limit} parts',
    means: 'A `multipart/form-data` body holds more files and fields than `multipart.parts` (100 by default).',
    do: 'Send fewer parts (several requests, or an archive), or ask the operators to raise `multipart.parts`.',
  },
  BURROW_ERR_REQUEST_PART_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'A part of the multipart body has a Content-Type the contract does not accept',
    detail: 'part "{part}" has Content-Type {mediaType}; the contract accepts {accepted}',
    means: "The `encoding` of the operation's `multipart/form-data` body restricts the `contentType` of this part, and the part's Content-Type is not among them.",
    do: 'Send the part with one of the accepted media types named in `detail`.',
  },
  BURROW_ERR_REQUEST_PART_ORDER: {
    status: 400,
    title: 'A part of the multipart body follows a streamed file',
    detail: 'part "{part}" follows the file part "{file}"; with streamed uploads, the file must be the last part',
    means: 'The server hands file uploads to its handler as streams (`multipart.files: stream`): a body may hold one file part, after every other part.',
    do: 'Send the fields first and the file last, one file per request.',
  },
  BURROW_ERR_REQUEST_BODY_UNEXPECTED: {
    status: 415,
    title: 'The operation takes no request body',
    detail: 'operation {operationId} takes no request body',
    means: 'A body was sent to an operation whose contract declares none.',
    do: 'Send the request without a body.',
  },
  BURROW_ERR_REQUEST_PRECONDITION_REQUIRED: {
    status: 428,
    title: 'This request must be conditional',
    detail: '{operationId} requires the {header} header',
    means: 'The contract makes `If-Match` required on this operation, so that no write overwrites a change its client has not seen (RFC 6585).',
    do: 'Read the resource first, then send its `ETag` in `If-Match`.',
  },
  BURROW_ERR_REQUEST_NOT_ACCEPTABLE: {
    status: 406,
    title: 'The operation cannot answer in any media type the Accept header allows',
    detail: 'operation {operationId} answers {available}; Accept allows none of them',
    means: 'The `Accept` header excludes every media type the operation answers with.',
    do: 'Accept one of the media types named in `detail` (or `*/*`).',
  },
  BURROW_ERR_AUTH_UNAUTHENTICATED: {
    status: 401,
    title: 'Authentication is required',
    detail: '{reasons}',
    means: 'No security requirement of the operation is met. `WWW-Authenticate` has a challenge per scheme tried; `schemes` names them.',
    do: 'Send credentials for one of the schemes named in `schemes`.',
  },
  BURROW_ERR_AUTH_FORBIDDEN: {
    status: 403,
    title: 'The credentials do not grant access to this operation',
    detail: '{reasons}',
    means: 'The caller is authenticated but lacks the scopes or rights the operation requires.',
    do: 'Use credentials that hold the required scopes or group rights.',
  },
  BURROW_ERR_RESPONSE_INVALID: {
    status: 500,
    title: 'The handler produced a response the contract does not declare',
    detail: 'the response of {operationId} does not match the contract',
    means: 'Response validation (in `reject` mode) found a status or body the contract does not declare; `errors` lists the failures.',
    do: 'Fix the handler or the contract; the server log has the same list.',
  },
  BURROW_ERR_RESPONSE_NOT_A_REPLY: {
    status: 500,
    title: 'The handler did not return a reply',
    detail: 'the handler of {operationId} did not return a reply: an object with a numeric status (and a body)',
    means: 'A handler returned something other than `{ status, body?, headers? }`.',
    do: 'Return a reply object from every path of the handler.',
  },
  BURROW_ERR_SERVER_INTERNAL: {
    status: 500,
    title: 'Internal server error',
    detail: 'an unexpected error occurred; the request id identifies it in the server log',
    means: 'Something failed that Burrow did not expect. The body reveals nothing; the log line with the same request id has everything.',
    do: 'Report the `requestId` to the operators.',
  },
  BURROW_ERR_HANDLER_TIMEOUT: {
    status: 503,
    title: 'The operation did not answer in time',
    detail: '{operationId} did not answer within {timeout} ms',
    means: "The handler took longer than the operation's timeout (`x-burrow-timeout`, or the kernel's `handlerTimeout`); its `signal` was aborted and its late answer is discarded.",
    do: 'Retry later after `Retry-After` seconds; if it persists, ask the operators which dependency is slow.',
  },
  BURROW_ERR_UNAVAILABLE_SHUTTING_DOWN: {
    status: 503,
    title: 'The server is shutting down',
    detail: 'the server is shutting down; retry shortly',
    means: 'The kernel is closing: in-flight requests finish, new ones are refused.',
    do: 'Retry after `Retry-After` seconds; another instance will answer.',
  },
  BURROW_ERR_BOOT_CONTRACT_UNREADABLE: {
    status: 500,
    title: 'The contract could not be read',
    detail: 'the contract could not be read:\n{problems}',
    means: 'Boot: a contract file is missing, does not parse as YAML/JSON, or a `$ref` points at a file or location that does not exist.',
    do: 'Fix the file and location named in the message.',
  },
  BURROW_ERR_BOOT_CONTRACT_INVALID: {
    status: 500,
    title: 'The contract is invalid',
    detail: 'the contract has {count} problem(s):\n{problems}',
    means: 'Boot: the contract is not valid OpenAPI 3.0/3.1; every problem is listed with its file and JSON pointer.',
    do: 'Fix each listed problem; `burrow lint` shows the same list without starting the app.',
  },
  BURROW_ERR_BOOT_CONTRIBUTION_CONFLICT: {
    status: 500,
    title: 'A plugin contribution does not fit the contract',
    detail: 'plugin contributions do not fit the contract:\n{problems}',
    means: 'Boot: a plugin contributed a path, operation or component the contract already has, or made the composed contract invalid.',
    do: 'Rename the colliding part of the contract, or configure the plugin to use another path.',
  },
  BURROW_ERR_BOOT_CONFORMANCE: {
    status: 500,
    title: 'The contract and the registered code do not agree',
    detail: 'Burrow refuses to start: {count} problem(s) between the contract and the code:\n{problems}',
    means: 'Boot: an operation without a handler (or with two), a stray handler, a scheme without a verifier, a malformed or unbound `x-burrow-*` extension…',
    do: 'Fix each listed problem; each names the operation (`GET /path`) and its JSON pointer.',
  },
  BURROW_ERR_BOOT_ROUTE_CONFLICT: {
    status: 500,
    title: 'Two paths of the contract route to the same place',
    detail: '{problem}',
    means: 'Boot: two path templates cannot be told apart by a request (`/a` and `/a/`, or `/{id}` and `/{name}` at the same position).',
    do: 'Keep one of the two paths, or give the parameters the same name.',
  },
  BURROW_ERR_BOOT_PLUGIN_DEPENDENCY_MISSING: {
    status: 500,
    title: 'A plugin depends on a plugin that is not registered',
    detail: '{problems}',
    means: "Boot: a plugin's `dependsOn` names a plugin missing from `plugins`.",
    do: 'Add the named plugin to `plugins`.',
  },
  BURROW_ERR_BOOT_PLUGIN_DEPENDENCY_CYCLE: {
    status: 500,
    title: 'Plugins depend on each other in a cycle',
    detail: 'plugin dependency cycle: {cycle}',
    means: 'Boot: following `dependsOn` leads back to the plugin it started from.',
    do: 'Break the cycle named in the message.',
  },
  BURROW_ERR_BOOT_PLUGIN_DUPLICATE: {
    status: 500,
    title: 'A plugin is registered twice',
    detail: 'plugin "{name}" is registered twice',
    means: 'Boot: `plugins` holds two plugins with the same name.',
    do: 'Register each plugin once.',
  },
  BURROW_ERR_BOOT_PLUGIN_OPTIONS: {
    status: 500,
    title: 'A plugin received invalid options',
    detail: '{problems}',
    means: "Boot: a plugin's options parser refused what it was given; the message names the plugin.",
    do: "Fix the options as the message says; the plugin's README has its options table.",
  },
  BURROW_ERR_BOOT_PLUGIN_SETUP: {
    status: 500,
    title: 'A plugin failed to set up',
    detail: 'plugin "{name}" failed to set up: {reason}',
    means: "Boot: a plugin's `setup` threw (a database it could not reach, a file it could not read…).",
    do: 'Read the reason and the `cause`; fix the configuration of the named plugin.',
  },
  BURROW_ERR_BOOT_DUPLICATE: {
    status: 500,
    title: 'An extension point refused a duplicate registration',
    detail: '{kind} "{key}" is registered twice: by {first} and by {second}',
    means: 'Boot: two parties registered the same handler, verifier, binder, error code… under one key.',
    do: 'Keep one of the two registrations named in the message.',
  },
  BURROW_ERR_BOOT_HOOK_PHASE_UNKNOWN: {
    status: 500,
    title: 'A hook was added to a phase that does not exist',
    detail: 'unknown hook phase "{phase}"; phases are: {phases}',
    means: 'Boot: `kernel.hooks.add()` was given a phase name not in the list of phases.',
    do: 'Use one of the phases named in the message.',
  },
  BURROW_ERR_BOOT_KERNEL_OPTION: {
    status: 500,
    title: 'A kernel option is invalid',
    detail: 'createKernel option {option}: {reason}',
    means: '`createKernel()` was given an option value it cannot use.',
    do: 'Fix the option as the message says (README, "Kernel options").',
  },
  BURROW_ERR_KERNEL_NOT_READY: {
    status: 500,
    title: 'The kernel is not booted yet',
    detail: 'kernel.{member} is only available after createKernel() resolves',
    means: 'A plugin read a part of the kernel that exists only after boot (the composed document, the operations) during its `setup`.',
    do: 'Read it later: in an `onReady` hook, or in a handler.',
  },
} as const satisfies Record<string, ErrorSpec>;

/** What every registered code carries. */
export interface ErrorSpec {
  /** The HTTP status the error is answered with. */
  readonly status: number;
  /** A short summary, the same for every occurrence of the code. */
  readonly title: string;
  /** The template of `detail`: `{name}` holes are filled from the params given where the error is thrown. */
  readonly detail?: string;
  /** What the error means (for the error catalogue). */
  readonly means?: string;
  /** What a client or an operator should do about it (for the error catalogue). */
  readonly do?: string;
}

/** A code of Burrow's core. */
export type CoreErrorCode = keyof typeof CORE_ERRORS;

/** The `{holes}` of a template, as a union of their names. */
export type TemplateHoles<S> = S extends `${string}{${infer Hole}}${infer Rest}` ? Hole | TemplateHoles<Rest> : never;

/** The params a code's detail template needs (`{}` when it has no holes). */
export type ErrorParams<S> = S extends { detail: infer D } ? { [K in TemplateHoles<D>]: string | number } : Record<string, never>;

/** Fills `{name}` holes of a template from params. */
export function fillTemplate(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (hole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : hole));
}
