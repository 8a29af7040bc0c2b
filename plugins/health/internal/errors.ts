import { defineErrors } from 'burrowjs';

/** The error codes of the health plugin. */
export const healthErrors = defineErrors({
  BURROW_ERR_HEALTH_NOT_READY: {
    status: 503,
    title: 'The service is not ready',
    detail: 'not ready: {failing}',
    means:
      'A readiness check failed, took longer than the timeout, or the kernel is closing. The `checks` extension gives each check with `ok` and, when it failed, the reason (never a stack trace).',
    do: 'Load balancers: send traffic elsewhere and probe again after `Retry-After`. Operators: look at the checks named in `detail` (the database, Redis…).',
  },
});
