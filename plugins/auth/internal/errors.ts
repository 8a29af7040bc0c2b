import { defineErrors } from 'burrowjs';

/**
 * The error codes of the auth plugin (its 401 and 403 answers on operations are the
 * kernel's BURROW_ERR_AUTH_UNAUTHENTICATED and BURROW_ERR_AUTH_FORBIDDEN, with the
 * scheme and the reason in `failures`). No detail ever tells whether a user exists.
 */
export const authErrors = defineErrors({
  BURROW_ERR_AUTH_LOGIN_FAILED: {
    status: 401,
    title: 'The user name or the password is wrong',
    detail: 'the user name or the password is wrong',
    means: 'A login did not succeed. The answer is the same for an unknown user, a wrong password and a disabled account.',
    do: 'Check the credentials. Repeated failures lock the account and the address for a while (429).',
  },
  BURROW_ERR_AUTH_CHALLENGE_INVALID: {
    status: 401,
    title: 'The login challenge is unknown, used or expired',
    detail: 'the challenge is unknown, already used or expired; ask for a new one',
    means: 'A signed-session login must answer a challenge obtained less than its lifetime ago, once.',
    do: 'Request a new challenge, then log in with it.',
  },
  BURROW_ERR_AUTH_LOCKED: {
    status: 429,
    title: 'Too many failed attempts',
    detail: 'too many failed attempts; retry in {seconds} s',
    means: 'Repeated authentication failures for this account or from this address locked them for a while. `Retry-After` says how long.',
    do: 'Wait for the time in `Retry-After`, then try again with the right credentials.',
  },
  BURROW_ERR_AUTH_STORE_UNAVAILABLE: {
    status: 503,
    title: 'The authentication store is unavailable',
    detail: 'the {store} store cannot be reached; retry shortly',
    means: 'Sessions, lockouts or users live in a store (Redis, the database) that did not answer. Nothing was decided on stale data.',
    do: 'Retry after `Retry-After`; operators: check the store named in `detail`.',
  },
  BURROW_ERR_AUTH_SESSION_NOT_FOUND: {
    status: 404,
    title: 'No such session',
    detail: 'session {sessionId} does not exist or has ended',
    means: 'The session to end is not (or no longer) open.',
    do: 'List the sessions to get a current id.',
  },
  BURROW_ERR_AUTH_SESSION_REQUIRED: {
    status: 400,
    title: 'The operation needs a session',
    detail: '{operation} needs credentials that carry a session (scheme {scheme} does not)',
    means: 'Logout ends the current session: the request was authenticated by a scheme without sessions (a token, Basic, an API key).',
    do: 'Call it with the session token or signed session it should end.',
  },
});
