import { defineErrors } from 'burrowjs';

/** The error codes of the metrics plugin. */
export const metricsErrors = defineErrors({
  BURROW_ERR_METRICS_FORBIDDEN: {
    status: 403,
    title: 'The metrics are not served to this address',
    detail: 'the metrics are served to loopback and allowed addresses only, not to {address}',
    means:
      'The metrics plugin answers `GET /metrics` only to loopback addresses and those of its `allow` option, unless its `security` option protects it with a security scheme instead. The client address is `ctx.ip`: `X-Forwarded-For` counts only from proxies the kernel option `trustProxy` trusts.',
    do: 'Add the Prometheus server\'s address or range to the plugin\'s `allow` option, or set its `security` option to make the scraper authenticate (Prometheus supports Basic and bearer credentials). Behind a proxy, set the kernel option `trustProxy`.',
  },
});
