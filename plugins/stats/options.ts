import { protectionProblems, readOptions, pathOptionProblems, textOptionProblems, resolveProtection, type ProtectionOptions, type ResolvedProtection } from 'burrowjs';

export type { SecurityRequirement } from 'burrowjs';

/** Options of the `stats` plugin, as the application passes them. */
export interface StatsOptions extends ProtectionOptions {
  /** Where the statistics are served (`GET <path>`, `POST <path>/reset`). Default: `/stat`. */
  path?: string;
  /** Keep an entry per user (the principal's `id`). Default: `false`. */
  perUser?: boolean;
  /** Keep an entry per group of the principal. Default: `false`. */
  perGroup?: boolean;
  /** The most users (and the most groups) with their own entry; the rest go to `(others)`. Default: `100`. */
  maxUsers?: number;
  /** The latency percentiles reported (0 < p ≤ 100). Default: `[50, 90, 99]`. */
  percentiles?: number[];
  /** Contribute `POST <path>/reset`. Default: `true`. */
  reset?: boolean;
  /** The tag of the contributed operations. Default: `monitoring`. */
  tag?: string;
}

/** The options after defaults are applied. */
export interface ResolvedStatsOptions extends ResolvedProtection {
  path: string;
  perUser: boolean;
  perGroup: boolean;
  maxUsers: number;
  percentiles: number[];
  reset: boolean;
  tag: string;
}

/** The defaults of {@link StatsOptions}. */
export const STATS_DEFAULTS: Readonly<ResolvedStatsOptions> = {
  path: '/stat',
  security: undefined,
  groups: undefined,
  allow: [],
  checkAddress: true,
  perUser: false,
  perGroup: false,
  maxUsers: 100,
  percentiles: [50, 90, 99],
  reset: true,
  tag: 'monitoring',
};

const KEYS = ['path', 'security', 'groups', 'allow', 'perUser', 'perGroup', 'maxUsers', 'percentiles', 'reset', 'tag'] as const;

/**
 * Checks the options and merges them with the defaults; every problem in one message.
 *
 * @example
 * parseStatsOptions({ perUser: true }).maxUsers // 100
 */
export function parseStatsOptions(input: unknown): ResolvedStatsOptions {
  if (input === undefined) return { ...STATS_DEFAULTS, allow: [], percentiles: [...STATS_DEFAULTS.percentiles] };
  const { given, problems } = readOptions(input, KEYS);
  problems.push(...pathOptionProblems('path', given.path, '/stat'));
  problems.push(...protectionProblems(given));
  for (const key of ['perUser', 'perGroup', 'reset'] as const) {
    if (given[key] !== undefined && typeof given[key] !== 'boolean') problems.push(`${key} must be a boolean, got ${JSON.stringify(given[key])}`);
  }
  const { maxUsers } = given;
  if (maxUsers !== undefined && (typeof maxUsers !== 'number' || !Number.isInteger(maxUsers) || maxUsers < 1 || maxUsers > 100_000)) {
    problems.push(`maxUsers must be a whole number from 1 to 100000, got ${JSON.stringify(maxUsers)}`);
  }
  const { percentiles } = given;
  if (
    percentiles !== undefined &&
    (!Array.isArray(percentiles) || percentiles.length > 10 || percentiles.some((p) => typeof p !== 'number' || !(p > 0 && p <= 100)))
  ) {
    problems.push(`percentiles must be an array of at most 10 numbers above 0 and up to 100, got ${JSON.stringify(percentiles)}`);
  }
  problems.push(...textOptionProblems('tag', given.tag));
  if (problems.length) throw new Error(problems.join('; '));
  return {
    path: (given.path as string | undefined) ?? STATS_DEFAULTS.path,
    ...resolveProtection(given),
    perUser: (given.perUser as boolean | undefined) ?? STATS_DEFAULTS.perUser,
    perGroup: (given.perGroup as boolean | undefined) ?? STATS_DEFAULTS.perGroup,
    maxUsers: (maxUsers as number | undefined) ?? STATS_DEFAULTS.maxUsers,
    percentiles: [...new Set((percentiles as number[] | undefined) ?? STATS_DEFAULTS.percentiles)],
    reset: (given.reset as boolean | undefined) ?? STATS_DEFAULTS.reset,
    tag: (given.tag as string | undefined) ?? STATS_DEFAULTS.tag,
  };
}
