import { defineErrors } from 'burrowjs';

/** The error codes of the cors plugin (a preflight it refuses). */
export const corsErrors = defineErrors({
  BURROW_ERR_CORS_ORIGIN_DENIED: {
    status: 403,
    title: 'This origin may not call the API from a browser',
    detail: 'cross-origin calls from {origin} are not allowed',
    means:
      'A CORS preflight came from a page whose origin the `cors` plugin does not allow (no `origins` configured allows none). The answer carries no `Access-Control-Allow-Origin`, so the browser blocks the call.',
    do: 'Callers: serve the page from an allowed origin. Operators: add the origin to the `origins` option of `cors()`.',
  },
  BURROW_ERR_CORS_HEADERS_NOT_ALLOWED: {
    status: 403,
    title: 'The preflight asks for request headers the operation does not accept',
    detail: '{method} {path} does not accept the request headers {headers}; it accepts {allowed}',
    means:
      "A CORS preflight listed in `Access-Control-Request-Headers` headers that the operation neither declares as parameters nor needs for its body or its security schemes (nor the plugin's `allowHeaders`).",
    do: 'Callers: do not send these headers (a client library may add them). Operators: declare them as header parameters in the contract, or list them in `allowHeaders`.',
  },
});
