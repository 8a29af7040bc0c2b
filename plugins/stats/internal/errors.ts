import { defineErrors } from 'burrowjs';

/** The error codes of the stats plugin. */
export const statErrors = defineErrors({
  BURROW_ERR_STAT_FORBIDDEN: {
    status: 403,
    title: 'The statistics are not served to this address',
    detail: 'the statistics are served to loopback and allowed addresses only, not to {address}',
    means:
      'The stats plugin answers `GET /stat` (and its reset) only to loopback addresses and those of its `allow` option, unless its `security` option protects them with a security scheme instead. The client address is `ctx.ip`: `X-Forwarded-For` counts only from proxies the kernel option `trustProxy` trusts.',
    do: 'Call from the host itself, add the monitoring address or range to the plugin\'s `allow` option, or set its `security` option (with the auth plugin\'s groups) to serve it to authenticated callers. Behind a proxy, set the kernel option `trustProxy`.',
  },
});
