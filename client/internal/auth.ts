/** A request about to be sent, which an auth adds its credentials to (headers, query, cookie). */
export interface OutgoingRequest {
  method: string;
  /** Absolute; an auth may add query parameters. */
  url: URL;
  headers: Headers;
  /** The exact bytes that will be sent (what a signature covers), or undefined without a body. */
  body: Uint8Array | undefined;
}

/** What an auth may use besides the request: where the API is, and the plain fetch (for a login). */
export interface AuthContext {
  /** The client's `baseUrl`, without a trailing slash. */
  baseUrl: string;
  /** The fetch the client was given, without any auth. */
  fetch: typeof fetch;
}

/**
 * How a client authenticates: `apply` adds credentials to every request (the typed
 * calls and the service proxies alike), after the client's own middleware, so a
 * signature covers the request as sent. `renew`, when given, looks at an answer and
 * says whether to get fresh credentials and send the request once more (a session
 * that ended, a clock that drifted). `basicAuth`, `bearerAuth`, `apiKeyAuth`,
 * `sessionAuth` and `signedAuth` make one; write your own for anything else.
 */
export interface ClientAuth {
  apply(request: OutgoingRequest, context: AuthContext): void | Promise<void>;
  renew?(response: Response, context: AuthContext): boolean | Promise<boolean>;
}

/**
 * A fetch that sends each request with `auth`'s credentials, and sends it once more
 * when `auth.renew` asks for it. The body is read into bytes first: a signature
 * covers it, and a second try needs it again.
 */
export function authorizedFetch(auth: ClientAuth, context: AuthContext): (request: Request) => Promise<Response> {
  return async (request) => {
    const body = request.body ? new Uint8Array(await request.arrayBuffer()) : undefined;
    const send = async (): Promise<Response> => {
      const outgoing: OutgoingRequest = { method: request.method, url: new URL(request.url), headers: new Headers(request.headers), body };
      await auth.apply(outgoing, context);
      return context.fetch(outgoing.url, {
        method: outgoing.method,
        headers: outgoing.headers,
        body: outgoing.body as BodyInit | undefined,
        signal: request.signal,
        redirect: request.redirect,
        credentials: request.credentials,
        cache: request.cache,
        mode: request.mode,
        keepalive: request.keepalive,
      });
    };
    const response = await send();
    if (!auth.renew || !(await auth.renew(response.clone(), context))) return response;
    await response.body?.cancel().catch(() => undefined);
    return send();
  };
}

/** The `failures[].reason`s of a 401 problem (the auth plugin lists one per scheme tried). */
export async function failureReasons(response: Response): Promise<string[]> {
  if (response.status !== 401) return [];
  const problem = (await response.json().catch(() => undefined)) as { failures?: { reason?: unknown }[] } | undefined;
  return Array.isArray(problem?.failures) ? problem.failures.map((f) => String(f?.reason)) : [];
}
