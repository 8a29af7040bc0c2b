import { readOptions } from 'burrowjs';
import helmet, { type HelmetOptions } from 'helmet';
import type { Middleware } from './internal/capture.js';

/**
 * Options of the `security-headers` plugin: helmet's own options, under helmet's names
 * (`contentSecurityPolicy`, `strictTransportSecurity`, `xFrameOptions`…). The content
 * security policy starts from {@link BURROW_CSP_DIRECTIVES} instead of helmet's defaults:
 * directives given here replace Burrow's one by one (`null` drops one), and
 * `useDefaults: false` starts from nothing.
 */
export type SecurityHeadersOptions = HelmetOptions;

/** The options as helmet takes them, Burrow's content security policy merged in. */
export interface ResolvedSecurityHeadersOptions {
  helmet: HelmetOptions;
  /** helmet's middleware for these options, built (and so checked by helmet) once. */
  middleware: Middleware;
}

/**
 * Burrow's content security policy: helmet's defaults, tightened, under which the Swagger
 * UI of the openapi-docs plugin works (tested in Chromium). Scripts come only from the
 * API's origin (no inline script, no eval); `'unsafe-inline'` stays for styles alone (the
 * page's two `<style>` blocks, an inline `style` attribute, and a `<style>` Swagger UI
 * injects at run time); images are the origin's and `data:` (Swagger UI's stylesheet draws
 * its icons with `data:` SVGs); fonts only the origin's; no `https:` wildcard; nothing may
 * frame the pages but the origin itself.
 */
export const BURROW_CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'font-src': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'upgrade-insecure-requests': [],
};

/** helmet's option names (with its legacy aliases). */
const KEYS = [
  'contentSecurityPolicy',
  'crossOriginEmbedderPolicy',
  'crossOriginOpenerPolicy',
  'crossOriginResourcePolicy',
  'originAgentCluster',
  'referrerPolicy',
  'strictTransportSecurity',
  'hsts',
  'xContentTypeOptions',
  'noSniff',
  'xDnsPrefetchControl',
  'dnsPrefetchControl',
  'xDownloadOptions',
  'ieNoOpen',
  'xFrameOptions',
  'frameguard',
  'xPermittedCrossDomainPolicies',
  'permittedCrossDomainPolicies',
  'xPoweredBy',
  'hidePoweredBy',
  'xXssProtection',
  'xssFilter',
] as const;

const dashify = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/**
 * Checks the option names, merges Burrow's content security policy in, and builds helmet's
 * middleware: helmet checks the values, and its complaints are reported with the others.
 *
 * @example
 * parseSecurityHeadersOptions({ contentSecurityPolicy: { directives: { connectSrc: ["'self'", 'https://api.example.com'] } } })
 */
export function parseSecurityHeadersOptions(input: unknown): ResolvedSecurityHeadersOptions {
  const { given, problems } = input === undefined ? { given: {} as Record<string, unknown>, problems: [] as string[] } : readOptions(input, KEYS);
  const csp = given.contentSecurityPolicy;
  if (csp !== undefined && typeof csp !== 'boolean' && (csp === null || typeof csp !== 'object' || Array.isArray(csp))) {
    problems.push(`contentSecurityPolicy must be a boolean or helmet's options object, got ${JSON.stringify(csp)}`);
  }
  const cspOptions = csp && typeof csp === 'object' ? (csp as { useDefaults?: boolean; directives?: Record<string, unknown>; reportOnly?: boolean }) : undefined;
  const directives = cspOptions?.directives;
  if (directives !== undefined && (directives === null || typeof directives !== 'object' || Array.isArray(directives))) {
    problems.push(`contentSecurityPolicy.directives must be an object of directives, got ${JSON.stringify(directives)}`);
  }
  if (problems.length) throw new Error(problems.join('; '));
  const options = withBurrowPolicy(given, cspOptions, directives);
  try {
    return { helmet: options, middleware: helmet(options) as Middleware };
  } catch (error) {
    throw new Error(`helmet refuses these options: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function withBurrowPolicy(
  given: Record<string, unknown>,
  cspOptions: { useDefaults?: boolean; directives?: Record<string, unknown> } | undefined,
  directives: Record<string, unknown> | undefined,
): HelmetOptions {
  const options = { ...given } as HelmetOptions & Record<string, unknown>;
  if (given.contentSecurityPolicy === false || cspOptions?.useDefaults === false) return options;
  // Burrow's directives, then the app's over them one by one (helmet's `useDefaults` semantics, on Burrow's defaults).
  const merged: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(BURROW_CSP_DIRECTIVES)) merged[name] = [...value];
  for (const [name, value] of Object.entries(directives ?? {})) {
    const dashed = dashify(name);
    if (value === null) delete merged[dashed];
    else merged[dashed] = value;
  }
  options.contentSecurityPolicy = { ...(cspOptions ?? {}), useDefaults: false, directives: merged as never };
  return options;
}
