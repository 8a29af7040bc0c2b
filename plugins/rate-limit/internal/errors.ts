import { defineErrors } from 'burrowjs';

/** The error codes of the rate-limit plugin. */
export const rateLimitErrors = defineErrors({
  BURROW_ERR_RATELIMIT_EXCEEDED: {
    status: 429,
    title: 'Too many requests',
    detail: 'the rate limit "{policy}" ({points} requests per {window} s {per}) is exhausted: retry in {seconds} s',
    means:
      'The caller spent the requests an `x-burrow-rate-limit` policy of this operation (or of the whole API) allows in its window. The `policy` extension names it; `Retry-After` gives the seconds to wait, and the `RateLimit` / `RateLimit-Policy` headers the quota and what remains.',
    do: 'Clients: wait `Retry-After` seconds, then retry; spread requests out (watch `RateLimit: …;r=` before it reaches 0). Operators: raise the policy in the contract, or exempt a group (`exempt`).',
  },
  BURROW_ERR_RATELIMIT_STORE_UNAVAILABLE: {
    status: 503,
    title: 'The rate-limit store is unavailable',
    detail: 'the rate-limit store cannot be reached; retry later',
    means:
      'The rate-limit plugin counts requests in Redis, Redis did not answer within its timeout, and the plugin is configured to refuse requests it cannot count (`onStoreError: "deny"`). The reason is in the server log, never in the response.',
    do: 'Clients: retry after `Retry-After`. Operators: check the Redis the plugin uses (`redis` option), or choose `onStoreError: "allow"` to serve uncounted requests while it is down.',
  },
});
