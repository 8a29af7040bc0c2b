import { readOptions, type RequestContext } from 'burrowjs';

/** Decides whether a browser page of `origin` may call the API (may be async: a lookup). */
export type OriginPredicate = (origin: string, ctx: RequestContext) => boolean | Promise<boolean>;

/** Which origins may call the API from a browser. */
export type CorsOrigins = string | RegExp | ReadonlyArray<string | RegExp> | OriginPredicate;

/** Options of the `cors` plugin, as the application passes them. */
export interface CorsOptions {
  /**
   * The origins allowed: exact origins (`https://app.example.com`), strings with a `*`
   * subdomain wildcard (`https://*.example.com`), regular expressions, `'*'` alone (any
   * origin, never with `credentials`), or a function `(origin, ctx) => boolean`.
   * Default: none — every cross-origin call is refused.
   */
  origins?: CorsOrigins;
  /** Allow cookies and `Authorization` on cross-origin calls (`Access-Control-Allow-Credentials: true`). Default: `false`. */
  credentials?: boolean;
  /** Seconds a browser may cache a preflight answer (`Access-Control-Max-Age`). Default: `600`. */
  maxAge?: number;
  /**
   * Response headers a page may read besides those the contract declares for the operation.
   * Default: {@link CORS_DEFAULTS}`.exposeHeaders` (`X-Request-Id`, `Retry-After`, `RateLimit`…).
   */
  exposeHeaders?: string[];
  /** Request headers every operation accepts besides those the contract implies. Default: `[]`. */
  allowHeaders?: string[];
}

/** How the origins are matched, compiled once. */
export interface OriginMatcher {
  /** `'*'`: every origin. */
  any: boolean;
  exact: ReadonlySet<string>;
  patterns: readonly RegExp[];
  predicate: OriginPredicate | undefined;
  /** False when no origin can ever be allowed (no `origins` option). */
  configured: boolean;
}

/** The options after defaults are applied. */
export interface ResolvedCorsOptions {
  origins: OriginMatcher;
  credentials: boolean;
  maxAge: number;
  exposeHeaders: readonly string[];
  allowHeaders: readonly string[];
}

/** The defaults of {@link CorsOptions}. */
export const CORS_DEFAULTS = {
  credentials: false,
  maxAge: 600,
  /** Headers Burrow and its plugins send that a page may want to read. */
  exposeHeaders: ['X-Request-Id', 'Retry-After', 'RateLimit', 'RateLimit-Policy', 'X-Burrow-Instance', 'ETag', 'Location', 'WWW-Authenticate'] as readonly string[],
  allowHeaders: [] as readonly string[],
} as const;

const KEYS = ['origins', 'credentials', 'maxAge', 'exposeHeaders', 'allowHeaders'] as const;

// RFC 9110 token: what a header name may be.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// A label of a host name, for the `*` of a wildcard origin.
const LABEL = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';

/**
 * Checks the options and merges them with the defaults. Every problem is reported in
 * one message; the kernel turns it into `BURROW_ERR_BOOT_PLUGIN_OPTIONS` naming the plugin.
 *
 * @example
 * parseCorsOptions({ origins: ['https://app.example.com', 'https://*.example.org'], credentials: true })
 */
export function parseCorsOptions(input: unknown): ResolvedCorsOptions {
  const empty: OriginMatcher = { any: false, exact: new Set(), patterns: [], predicate: undefined, configured: false };
  if (input === undefined) return { origins: empty, credentials: false, maxAge: CORS_DEFAULTS.maxAge, exposeHeaders: CORS_DEFAULTS.exposeHeaders, allowHeaders: [] };
  const { given, problems } = readOptions(input, KEYS);

  const { credentials } = given;
  if (credentials !== undefined && typeof credentials !== 'boolean') problems.push(`credentials must be a boolean, got ${JSON.stringify(credentials)}`);
  const withCredentials = credentials === true;

  const { maxAge } = given;
  if (maxAge !== undefined && (typeof maxAge !== 'number' || !Number.isInteger(maxAge) || maxAge < 0 || maxAge > 86_400)) {
    problems.push(`maxAge must be a whole number of seconds from 0 to 86400, got ${JSON.stringify(maxAge)}`);
  }
  const headerList = (key: 'exposeHeaders' | 'allowHeaders') => {
    const value = given[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.some((name) => typeof name !== 'string' || !TOKEN.test(name))) {
      problems.push(`${key} must be an array of header names, got ${JSON.stringify(value)}`);
      return undefined;
    }
    return value as string[];
  };
  const exposeHeaders = headerList('exposeHeaders');
  const allowHeaders = headerList('allowHeaders');

  const origins = given.origins === undefined ? empty : compileOrigins(given.origins, withCredentials, problems);
  if (problems.length) throw new Error(problems.join('; '));
  return {
    origins,
    credentials: withCredentials,
    maxAge: (maxAge as number | undefined) ?? CORS_DEFAULTS.maxAge,
    exposeHeaders: exposeHeaders ?? CORS_DEFAULTS.exposeHeaders,
    allowHeaders: allowHeaders ?? [],
  };
}

function compileOrigins(value: unknown, credentials: boolean, problems: string[]): OriginMatcher {
  const matcher = { any: false, exact: new Set<string>(), patterns: [] as RegExp[], predicate: undefined as OriginPredicate | undefined, configured: true };
  if (typeof value === 'function') {
    matcher.predicate = value as OriginPredicate;
    return matcher;
  }
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (!list.length) problems.push('origins must not be an empty array (leave it out to refuse every origin)');
  for (const entry of list) {
    if (entry instanceof RegExp) {
      // Without g/y: a stateful lastIndex would make every other test fail.
      matcher.patterns.push(new RegExp(entry.source, entry.flags.replace(/[gy]/g, '')));
    } else if (entry === '*') {
      if (list.length > 1) problems.push(`origins: '*' must be alone (it allows every origin)`);
      else if (credentials) problems.push(`origins: '*' cannot be used with credentials: list the origins, or use a pattern or a function`);
      else matcher.any = true;
    } else if (typeof entry === 'string' && entry.includes('*')) {
      const pattern = wildcard(entry);
      if (pattern) matcher.patterns.push(pattern);
      else problems.push(`origins: ${JSON.stringify(entry)} is not a wildcard origin such as "https://*.example.com" (one "*", as the leftmost labels of the host)`);
    } else if (typeof entry === 'string') {
      const origin = normalOrigin(entry);
      if (origin) matcher.exact.add(origin);
      else problems.push(`origins: ${JSON.stringify(entry)} is not an origin such as "https://app.example.com" (scheme, host and optional port; no path, no trailing slash${entry === 'null' ? '; "null" is what sandboxed pages and files send: allow it with a function if you must' : ''})`);
    } else {
      problems.push(`origins must be origins, wildcard origins, regular expressions, '*' or a function, got ${JSON.stringify(entry)}`);
    }
  }
  return matcher;
}

/** The origin as a browser serializes it (lower case, no default port), or undefined when `text` is not one. */
function normalOrigin(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const origin = url.origin;
  // A path, query, fragment or credentials are not part of an origin.
  return text.replace(/\/$/, '').toLowerCase() === origin || text.toLowerCase() === origin ? origin : undefined;
}

/** `https://*.example.com[:port]` → a RegExp matching one or more labels in place of `*`. */
function wildcard(text: string): RegExp | undefined {
  const match = /^(https?):\/\/\*\.([^*]+)$/i.exec(text);
  if (!match) return undefined;
  const rest = normalOrigin(`${match[1]}://x.${match[2]}`);
  if (!rest) return undefined;
  const hostAndPort = rest.slice(rest.indexOf('://x.') + 5);
  const escaped = hostAndPort.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${match[1]!.toLowerCase()}://(?:${LABEL}\\.)+${escaped}$`);
}
