import { protectionProblems, readOptions, pathOptionProblems, textOptionProblems, resolveProtection, type ProtectionOptions, type ResolvedProtection } from 'burrowjs';

export type { SecurityRequirement } from 'burrowjs';

/** Options of the `metrics` plugin, as the application passes them. */
export interface MetricsOptions extends ProtectionOptions {
  /** Where the metrics are served. Default: `/metrics`. */
  path?: string;
  /** Collect prom-client's default process metrics (CPU, memory, event loop lag, GC…). Default: `true`. */
  defaultMetrics?: boolean;
  /** A prefix of the default process metrics' names (`myapp_`). Default: `''`. */
  prefix?: string;
  /** The buckets (seconds) of `burrow_http_request_duration_seconds` and `burrow_service_call_duration_seconds`. Default: 1 ms to 10 s. */
  buckets?: number[];
  /** The tag of the contributed operation. Default: `monitoring`. */
  tag?: string;
}

/** The options after defaults are applied. */
export interface ResolvedMetricsOptions extends ResolvedProtection {
  path: string;
  defaultMetrics: boolean;
  prefix: string;
  buckets: number[];
  tag: string;
}

/** The defaults of {@link MetricsOptions}. */
export const METRICS_DEFAULTS: Readonly<ResolvedMetricsOptions> = {
  path: '/metrics',
  security: undefined,
  groups: undefined,
  allow: [],
  checkAddress: true,
  defaultMetrics: true,
  prefix: '',
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  tag: 'monitoring',
};

const KEYS = ['path', 'security', 'groups', 'allow', 'defaultMetrics', 'prefix', 'buckets', 'tag'] as const;
const PREFIX = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Checks the options and merges them with the defaults; every problem in one message.
 *
 * @example
 * parseMetricsOptions({ prefix: 'api_' }).path // '/metrics'
 */
export function parseMetricsOptions(input: unknown): ResolvedMetricsOptions {
  if (input === undefined) return { ...METRICS_DEFAULTS, allow: [], buckets: [...METRICS_DEFAULTS.buckets] };
  const { given, problems } = readOptions(input, KEYS);
  problems.push(...pathOptionProblems('path', given.path, '/metrics'));
  problems.push(...protectionProblems(given));
  if (given.defaultMetrics !== undefined && typeof given.defaultMetrics !== 'boolean') {
    problems.push(`defaultMetrics must be a boolean, got ${JSON.stringify(given.defaultMetrics)}`);
  }
  if (given.prefix !== undefined && (typeof given.prefix !== 'string' || (given.prefix !== '' && !PREFIX.test(given.prefix)))) {
    problems.push(`prefix must be a Prometheus metric name prefix ([a-zA-Z_:][a-zA-Z0-9_:]*), got ${JSON.stringify(given.prefix)}`);
  }
  const { buckets } = given;
  if (
    buckets !== undefined &&
    (!Array.isArray(buckets) ||
      !buckets.length ||
      buckets.some((b, i) => typeof b !== 'number' || !Number.isFinite(b) || b <= 0 || (i > 0 && b <= (buckets[i - 1] as number))))
  ) {
    problems.push(`buckets must be a non-empty array of increasing positive numbers of seconds, got ${JSON.stringify(buckets)}`);
  }
  problems.push(...textOptionProblems('tag', given.tag));
  if (problems.length) throw new Error(problems.join('; '));
  return {
    path: (given.path as string | undefined) ?? METRICS_DEFAULTS.path,
    ...resolveProtection(given),
    defaultMetrics: (given.defaultMetrics as boolean | undefined) ?? METRICS_DEFAULTS.defaultMetrics,
    prefix: (given.prefix as string | undefined) ?? METRICS_DEFAULTS.prefix,
    buckets: [...((buckets as number[] | undefined) ?? METRICS_DEFAULTS.buckets)],
    tag: (given.tag as string | undefined) ?? METRICS_DEFAULTS.tag,
  };
}
