import { readOptions, textOptionProblems } from 'burrowjs';

/** Options of the `tracing` plugin, as the application passes them. */
export interface TracingOptions {
  /** The name of the tracer the request spans are made with (the instrumentation scope). Default: `'burrowjs'`. */
  tracerName?: string;
  /** Whether every log line of a traced request carries `traceId` and `spanId`. Default: `true`. */
  logFields?: boolean;
}

/** The options after defaults are applied. */
export interface ResolvedTracingOptions {
  tracerName: string;
  logFields: boolean;
}

/** The defaults of {@link TracingOptions}. */
export const TRACING_DEFAULTS: Readonly<ResolvedTracingOptions> = { tracerName: 'burrowjs', logFields: true };

const KEYS = ['tracerName', 'logFields'] as const;

/**
 * Checks the options and merges them with the defaults; every problem in one message.
 *
 * @example
 * parseTracingOptions({ logFields: false }) // { tracerName: 'burrowjs', logFields: false }
 */
export function parseTracingOptions(input: unknown): ResolvedTracingOptions {
  if (input === undefined) return { ...TRACING_DEFAULTS };
  const { given, problems } = readOptions(input, KEYS);
  problems.push(...textOptionProblems('tracerName', given.tracerName));
  if (given.logFields !== undefined && typeof given.logFields !== 'boolean') {
    problems.push(`logFields must be true or false, got ${JSON.stringify(given.logFields)}`);
  }
  if (problems.length) throw new Error(problems.join('; '));
  return {
    tracerName: (given.tracerName as string | undefined) ?? TRACING_DEFAULTS.tracerName,
    logFields: (given.logFields as boolean | undefined) ?? TRACING_DEFAULTS.logFields,
  };
}
