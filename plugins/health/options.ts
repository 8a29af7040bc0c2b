import { readOptions, pathOptionProblems, textOptionProblems } from 'burrowjs';

/** Options of the `health` plugin, as the application passes them. */
export interface HealthOptions {
  /** Where the probes are served: `<path>/live` and `<path>/ready`. Default: `/health`. */
  path?: string;
  /** Milliseconds each readiness check may take; one that takes longer counts as failing. Default: `2000`. */
  timeout?: number;
  /** The tag of the contributed operations. Default: `health`. */
  tag?: string;
}

/** The options after defaults are applied. */
export interface ResolvedHealthOptions {
  path: string;
  timeout: number;
  tag: string;
}

/** The defaults of {@link HealthOptions}. */
export const HEALTH_DEFAULTS: Readonly<ResolvedHealthOptions> = { path: '/health', timeout: 2000, tag: 'health' };

const KEYS = ['path', 'timeout', 'tag'] as const;

// setTimeout's ceiling: a larger delay fires at once.
const MAX_TIMER = 2_147_483_647;

/**
 * Checks the options and merges them with the defaults. Every problem is reported in
 * one message; the kernel turns it into `BURROW_ERR_BOOT_PLUGIN_OPTIONS` naming the plugin.
 *
 * @example
 * parseHealthOptions({ timeout: 500 }) // { path: '/health', timeout: 500, tag: 'health' }
 */
export function parseHealthOptions(input: unknown): ResolvedHealthOptions {
  if (input === undefined) return { ...HEALTH_DEFAULTS };
  const { given, problems } = readOptions(input, KEYS);
  problems.push(...pathOptionProblems('path', given.path, '/health'));
  const { timeout } = given;
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMER)) {
    problems.push(`timeout must be a whole number of milliseconds from 1 to ${MAX_TIMER}, got ${JSON.stringify(timeout)}`);
  }
  problems.push(...textOptionProblems('tag', given.tag));
  if (problems.length) throw new Error(problems.join('; '));
  return {
    path: (given.path as string | undefined) ?? HEALTH_DEFAULTS.path,
    timeout: (timeout as number | undefined) ?? HEALTH_DEFAULTS.timeout,
    tag: (given.tag as string | undefined) ?? HEALTH_DEFAULTS.tag,
  };
}
