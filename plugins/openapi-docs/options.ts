import { pathOptionProblems, readOptions, textOptionProblems } from 'burrowjs';

/** Options of the `openapi-docs` plugin, as the application passes them. */
export interface OpenapiDocsOptions {
  /** Where Swagger UI is served: `GET <docsPath>` redirects to `<docsPath>/`, the page. Default: `/docs`. */
  docsPath?: string;
  /** Where the composed document is served, without extension: `<specPath>.json` and `<specPath>.yaml`. Default: `/openapi`. */
  specPath?: string;
  /** The page title of Swagger UI. Default: the contract's `info.title`. */
  title?: string;
  /** Serve Swagger UI; `false` serves only the document. Default: `true`. */
  ui?: boolean;
}

/** The options after defaults are applied. */
export interface ResolvedOpenapiDocsOptions {
  docsPath: string;
  specPath: string;
  title: string | undefined;
  ui: boolean;
}

/** The defaults of {@link OpenapiDocsOptions}. */
export const OPENAPI_DOCS_DEFAULTS: Readonly<ResolvedOpenapiDocsOptions> = {
  docsPath: '/docs',
  specPath: '/openapi',
  title: undefined,
  ui: true,
};

const KEYS = ['docsPath', 'specPath', 'title', 'ui'] as const;

/**
 * Checks the options and merges them with the defaults. Every problem is reported
 * in one message; the kernel turns it into `BURROW_ERR_BOOT_PLUGIN_OPTIONS`
 * naming the plugin.
 *
 * @example
 * parseOpenapiDocsOptions({ docsPath: '/reference' }) // { docsPath: '/reference', specPath: '/openapi', ui: true, ... }
 */
export function parseOpenapiDocsOptions(input: unknown): ResolvedOpenapiDocsOptions {
  if (input === undefined) return { ...OPENAPI_DOCS_DEFAULTS };
  const { given, problems } = readOptions(input, KEYS);
  for (const key of ['docsPath', 'specPath'] as const) problems.push(...pathOptionProblems(key, given[key], OPENAPI_DOCS_DEFAULTS[key]));
  problems.push(...textOptionProblems('title', given.title));
  if (given.ui !== undefined && typeof given.ui !== 'boolean') problems.push(`ui must be true or false, got ${JSON.stringify(given.ui)}`);
  if (problems.length) throw new Error(problems.join('; '));

  const options: ResolvedOpenapiDocsOptions = { ...OPENAPI_DOCS_DEFAULTS };
  for (const key of KEYS) if (given[key] !== undefined) (options as unknown as Record<string, unknown>)[key] = given[key];
  return options;
}
