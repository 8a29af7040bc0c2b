import winston, { type Logger } from 'winston';

export type { Logger };

/**
 * An error as log fields: an Error's own properties do not survive JSON, so an app's
 * logger without an error format would write `{}`. Every log line Burrow writes about a
 * thrown value goes through this.
 */
export function errorFields(error: unknown): { name: string; message: string; stack?: string; code?: unknown } | string {
  if (!(error instanceof Error)) return String(error);
  const fields: { name: string; message: string; stack?: string; code?: unknown } = { name: error.name, message: error.message };
  if (error.stack) fields.stack = error.stack;
  if ((error as { code?: unknown }).code !== undefined) fields.code = (error as { code?: unknown }).code;
  return fields;
}

/** Options of the logger Burrow creates when the app passes none. */
export interface LoggerOptions {
  /** winston level; `silent` disables output. Default: `info` (`warn` under test). */
  level?: string;
  /** `json` (one JSON object a line) or `pretty`. Default: `json` in production, else `pretty`. */
  format?: 'json' | 'pretty';
}

const SECRET_KEY = /authorization|cookie|passw(or)?d|secret|token|api[-_]?key|credential|session/i;
const REDACTED = '[redacted]';

/**
 * Replaces values whose key looks like a secret (Authorization, cookies, passwords,
 * tokens, API keys) with `[redacted]`, at any depth. Secrets never reach a log line.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  // Deeper than this nothing is inspected, so nothing is written: a secret could hide there.
  if (depth > 8) return '[too deep to log]';
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = SECRET_KEY.test(key) ? REDACTED : redact(v, depth + 1);
  return out;
}

/**
 * The winston format that redacts secrets; add it to a logger of your own
 * (`format.combine(redactFormat(), ...)`) to keep Burrow's guarantee.
 */
export const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'message') continue;
    info[key] = SECRET_KEY.test(key) ? REDACTED : redact(info[key]);
  }
  return info;
});

/** Creates Burrow's default winston logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const production = process.env.NODE_ENV === 'production';
  const level = options.level ?? (process.env.LOG_LEVEL || (process.env.NODE_ENV === 'test' || process.env.VITEST ? 'warn' : 'info'));
  const format = options.format ?? (production ? 'json' : 'pretty');
  const pretty = winston.format.printf(({ level: lvl, message, timestamp, ...rest }) => {
    const fields = Object.entries(rest)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    return `${timestamp} ${lvl} ${message}${fields ? ' ' + fields : ''}`;
  });
  return winston.createLogger({
    level: level === 'silent' ? 'error' : level,
    silent: level === 'silent',
    format: winston.format.combine(
      redactFormat(),
      winston.format.timestamp(),
      format === 'json' ? winston.format.json() : winston.format.combine(winston.format.colorize(), pretty),
    ),
    transports: [new winston.transports.Console()],
  });
}
