import { defineErrors } from 'burrowjs';

/**
 * The error codes of the services plugin: a lifetime that needs a caller it did not
 * get, a clientDriven instance that is not the caller's (unknown, released, idled out
 * and someone else's are answered alike: nothing leaks), a call that ran out of time.
 * A service's own codes are its own family (`services({ errors: [family] })`).
 */
export const serviceErrors = defineErrors({
  BURROW_ERR_SERVICE_PRINCIPAL_REQUIRED: {
    status: 401,
    title: 'The service needs an authenticated caller',
    detail: '{service} keeps one instance per {key}: the call needs an authenticated principal',
    means: 'A perSession, perUser or perGroup service (or a clientDriven one reached without credentials by an operation that allows it) finds its instance by who calls; this call carried no principal.',
    do: 'Call it with credentials of one of the schemes its operation declares.',
  },
  BURROW_ERR_SERVICE_SESSION_REQUIRED: {
    status: 403,
    title: 'The service needs credentials that carry a session',
    detail: '{service} keeps one instance per session; the credentials of scheme {scheme} carry none',
    means: 'A perSession service was called with credentials that authenticate without a session (Basic, a JWT, an API key).',
    do: 'Log in (POST /auth/login) and call it with the session token or signed session.',
  },
  BURROW_ERR_SERVICE_GROUP_REQUIRED: {
    status: 403,
    title: 'The service needs a caller that belongs to a group',
    detail: '{service} keeps one instance per group; the principal belongs to none',
    means: 'A perGroup service finds its instance by the first group of the principal; this principal has no group.',
    do: 'Add the user to a group, or call it as a user that has one.',
  },
  BURROW_ERR_SERVICE_INSTANCE_NOT_FOUND: {
    status: 404,
    title: 'No such service instance',
    detail: 'no instance {instanceId} of {service} is live for this caller',
    means: 'A clientDriven call or release named an instance that does not exist, was released, idled out, or belongs to another caller: all are answered the same way.',
    do: 'Call the method without X-Burrow-Instance (JSON-RPC: without `instance`) to get a new instance, and use the id it answers.',
  },
  BURROW_ERR_SERVICE_TIMEOUT: {
    status: 503,
    title: 'The service call timed out',
    detail: '{service}.{method} did not answer within {timeout} ms',
    means: 'The method ran longer than its service\'s `timeout`; its abort signal was fired so that it stops what it was doing.',
    do: 'Retry later; operators: see why the method is slow, or raise the service\'s timeout.',
  },
});
