import type { HealthCheck } from 'burrowjs';

/** The outcome of one readiness check. */
export interface CheckResult {
  ok: boolean;
  /** Milliseconds the check took (the timeout, for one that did not settle in time). */
  ms: number;
  /** Why it failed: the message of what it threw, never a stack trace. */
  error?: string;
}

/**
 * Runs every check at once, each bounded by `timeout` ms: a check that throws, rejects
 * or does not settle in time fails, and the probe answers in at most about `timeout` ms
 * whatever the checks do.
 */
export async function runChecks(checks: [string, HealthCheck][], timeout: number): Promise<Record<string, CheckResult>> {
  const results = await Promise.all(checks.map(async ([name, check]) => [name, await runOne(check, timeout)] as const));
  return Object.fromEntries(results);
}

async function runOne(check: HealthCheck, timeout: number): Promise<CheckResult> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeout);
    timer.unref();
  });
  try {
    // A check that throws synchronously is caught here like one that rejects.
    const outcome = await Promise.race([Promise.resolve().then(check), expired]);
    if (outcome === 'timeout') return { ok: false, ms: ms(), error: `no answer within ${timeout} ms` };
    return { ok: true, ms: ms() };
  } catch (error) {
    return { ok: false, ms: ms(), error: reason(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** One line saying why a check failed, whatever it threw. */
function reason(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error || 'failed';
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
