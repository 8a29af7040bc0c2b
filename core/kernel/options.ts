import type { Logger } from 'winston';
import proxyaddr from 'proxy-addr';
import type { ContractSource } from '../contract/load.js';
import type { ContractCache } from '../contract/validate-document.js';
import type { Plugin, PluginEntry } from '../plugin/define-plugin.js';
import type { Verifier } from '../request/security.js';
import type { HandlerMap } from '../request/handler-types.js';
import type { ResponseValidationOptions } from '../response/reply.js';
import type { MultipartOptions, ResolvedMultipartOptions } from '../request/multipart.js';
import { coreError, type ErrorFamily } from '../errors/burrow-error.js';
import { createLogger, type LoggerOptions } from './logger.js';
import { MAX_TIMER } from '../request/limits.js';

/** Options of `createKernel`. */
export interface KernelOptions {
  /** The contract: a path to a YAML or JSON file (split files joined by `$ref`), or a document object. */
  contract: ContractSource;
  /** The application's handlers by operationId (see `defineHandlers`). */
  handlers?: HandlerMap;
  /** The application's security verifiers by `components.securitySchemes` name (plugins add theirs too). */
  security?: Record<string, Verifier>;
  /** The application's own error codes (`defineErrors({...})`), listed in the error catalogue. */
  errors?: ErrorFamily[];
  /** Plugins, as `plugin` or `plugin(options)`. */
  plugins?: (Plugin<any> | PluginEntry)[];
  /** A winston logger, or options for the one Burrow creates. */
  logger?: Logger | LoggerOptions;
  /** Largest accepted request body, in bytes. Default: 1 MiB. */
  bodyLimit?: number;
  /** How long the body of a request may take to arrive, in ms (408 after). Default: 30000. */
  bodyTimeout?: number;
  /**
   * How long a handler may take to answer, in ms, for operations whose contract sets no
   * `x-burrow-timeout` (on the operation or at the root). When it elapses, `ctx.signal` is
   * aborted and the request is answered 503 `BURROW_ERR_HANDLER_TIMEOUT` with `Retry-After`;
   * the handler's late answer is discarded. It counts from the call of the handler (the body
   * has arrived: `bodyTimeout` covers that). Default: none.
   */
  handlerTimeout?: number;
  /**
   * How `multipart/form-data` bodies are read: their total `limit` (default `bodyLimit`),
   * each part's `partLimit` (default: the total), at most `parts` parts (default 100), and
   * `files` as `buffer` (default) or `stream`. See {@link MultipartOptions}.
   */
  multipart?: MultipartOptions;
  /** `true`/`false`, or the sampling rate and what a violation does. Default: see {@link ResponseValidationOptions}. */
  responseValidation?: boolean | Partial<ResponseValidationOptions>;
  /**
   * What a request that sends a `readOnly` property gets: `reject` (default) answers 400
   * naming each one ("is read-only"); `drop` deletes them before the handler sees the body.
   * JSON Schema: attempts to modify such a value "are expected to be ignored or rejected".
   */
  readOnly?: 'reject' | 'drop';
  /**
   * When validators are compiled: `background` (default) in 2 ms slices after boot,
   * the first request of an operation compiling it if it comes first (~1.5 ms);
   * `lazy` only on first use; `eager` all at boot.
   */
  compile?: 'background' | 'lazy' | 'eager';
  /**
   * Folder where contracts found valid are remembered by hash, so a restart with
   * the same contract skips the OpenAPI schema check; `false` disables it.
   * Default: `BURROW_CACHE_DIR`, else `node_modules/.cache/burrow`.
   */
  contractCache?: ContractCache;
  /** How long `close()` waits for in-flight requests, in ms. Default: 10000. */
  closeTimeout?: number;
  /**
   * The error catalogue, where the `type` of every problem points. `path`: where the
   * kernel serves it, relative to its mount (default `/errors`; `false` serves none).
   * `typeBase`: an absolute URI to use as the base of `type` instead (`https://api.example.com/errors`),
   * e.g. behind a proxy that rewrites paths. Without either, `type` is `about:blank`.
   */
  errorCatalog?: { path?: string | false; typeBase?: string };
  /**
   * Which proxies in front of the server are trusted to say who the client is in
   * `X-Forwarded-For` (read by `ctx.ip`: rate limits, statistics, tracing; the auth plugin's
   * lockout keys on the socket's peer on purpose). Default:
   * `false`, none — `ctx.ip` is the socket's peer. As Express's `trust proxy` and
   * [proxy-addr](https://github.com/jshttp/proxy-addr): addresses and CIDR ranges
   * (`['10.0.0.0/8', '127.0.0.1']`), the names `loopback`, `linklocal`, `uniquelocal`,
   * a number of hops, `true` (every hop: only behind a proxy that overwrites the
   * header), or `(address, hop) => boolean`.
   */
  trustProxy?: TrustProxy;
}

/** Which proxies are trusted to name the client in `X-Forwarded-For` (see {@link KernelOptions.trustProxy}). */
export type TrustProxy = boolean | number | string | readonly string[] | ((address: string, hop: number) => boolean);

/** The options after defaults are applied and checked. */
export interface ResolvedKernelOptions {
  logger: Logger;
  bodyLimit: number;
  bodyTimeout: number;
  /** `undefined`: no handler timeout unless the contract sets one. */
  handlerTimeout: number | undefined;
  multipart: ResolvedMultipartOptions;
  /** The multipart options of an operation whose `x-burrow-body-limit` overrides the total `limit`. */
  multipartFor(limit: number): ResolvedMultipartOptions;
  responseValidation: ResponseValidationOptions;
  readOnly: 'reject' | 'drop';
  compile: 'background' | 'lazy' | 'eager';
  closeTimeout: number;
  catalogPath: string | undefined;
  typeBase: string | undefined;
  /** `undefined` when no proxy is trusted (`ctx.ip` is the socket's peer). */
  trustProxy: ((address: string, hop: number) => boolean) | undefined;
}

/** setTimeout's limit: a longer delay fires after 1 ms (Node warns TimeoutOverflowWarning). */

const CATALOG_PATH = /^(\/[A-Za-z0-9._~-]+)+$/;

/**
 * Applies defaults and checks every option, throwing `BURROW_ERR_BOOT_KERNEL_OPTION`
 * naming the first bad one. Closures of the kernel read the result, never the
 * caller's options object (it holds the contract, which may be megabytes).
 */
export function resolveKernelOptions(options: KernelOptions): ResolvedKernelOptions {
  const production = process.env.NODE_ENV === 'production';
  const positive = (name: string, value: number | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER) => {
    if (value === undefined) return fallback;
    if (!(Number.isFinite(value) && value > 0)) throw coreError('BURROW_ERR_BOOT_KERNEL_OPTION', { option: name, reason: `must be a positive number, got ${String(value)}` });
    if (value > max) throw coreError('BURROW_ERR_BOOT_KERNEL_OPTION', { option: name, reason: `must be at most ${max} ms, the longest delay a Node timer takes, got ${value}` });
    return value;
  };
  const compile = options.compile ?? 'background';
  if (!['background', 'lazy', 'eager'].includes(compile)) {
    throw coreError('BURROW_ERR_BOOT_KERNEL_OPTION', { option: 'compile', reason: `must be background, lazy or eager, got ${JSON.stringify(compile)}` });
  }
  const readOnly = options.readOnly ?? 'reject';
  if (readOnly !== 'reject' && readOnly !== 'drop') {
    throw coreError('BURROW_ERR_BOOT_KERNEL_OPTION', { option: 'readOnly', reason: `must be reject or drop, got ${JSON.stringify(readOnly)}` });
  }
  const catalog = options.errorCatalog ?? {};
  const catalogPath = catalog.path === false ? undefined : (catalog.path ?? '/errors');
  if (catalogPath !== undefined && !CATALOG_PATH.test(catalogPath)) {
    throw coreError('BURROW_ERR_BOOT_KERNEL_OPTION', { option: 'errorCatalog.path', reason: `must be a path such as "/errors" (a leading slash, no trailing slash, no {template}), got ${JSON.stringify(catalogPath)}` });
  }
  if (catalog.typeBase !== undefined && !/^[a-z][a-z0-9+.-]*:\S+$/i.test(catalog.typeBase)) {
    throw coreError('BURROW_ERR_BOOT_KERNEL_OPTION', { option: 'errorCatalog.typeBase', reason: `must be an absolute URI such as "https://api.example.com/errors", got ${JSON.stringify(catalog.typeBase)}` });
  }
  const bodyLimit = positive('bodyLimit', options.bodyLimit, 1024 * 1024);
  const handlerTimeout = options.handlerTimeout === undefined ? undefined : positive('handlerTimeout', options.handlerTimeout, 0, MAX_TIMER);
  const multipart = resolveMultipart(options.multipart, bodyLimit);
  const multipartInput = options.multipart;
  return {
    logger: isLogger(options.logger) ? options.logger : createLogger(options.logger),
    bodyLimit,
    bodyTimeout: positive('bodyTimeout', options.bodyTimeout, 30_000, MAX_TIMER),
    handlerTimeout,
    multipart,
    // The operation's limit is the total; a part may be as large unless `multipart.partLimit` says less.
    multipartFor: (limit) => resolveMultipart({ ...multipartInput, limit }, limit),
    responseValidation: resolveResponseValidation(options.responseValidation, production),
    readOnly,
    compile,
    closeTimeout: positive('closeTimeout', options.closeTimeout, 10_000, MAX_TIMER),
    catalogPath,
    typeBase: catalog.typeBase,
    trustProxy: resolveTrustProxy(options.trustProxy),
  };
}

function resolveTrustProxy(input: TrustProxy | undefined): ResolvedKernelOptions['trustProxy'] {
  if (input === undefined || input === false) return undefined;
  if (input === true) return () => true;
  if (typeof input === 'function') return input;
  if (typeof input === 'number') {
    if (!(Number.isSafeInteger(input) && input >= 0)) throw coreError('BURROW_ERR_BOOT_KERNEL_OPTION', { option: 'trustProxy', reason: `a number of hops must be a whole number ≥ 0, got ${input}` });
    return input === 0 ? undefined : (_address, hop) => hop < input;
  }
  const list = typeof input === 'string' ? input.split(',').map((s) => s.trim()) : [...input];
  try {
    return proxyaddr.compile(list);
  } catch (error) {
    throw coreError('BURROW_ERR_BOOT_KERNEL_OPTION', { option: 'trustProxy', reason: error instanceof Error ? error.message : String(error) });
  }
}

function resolveMultipart(input: MultipartOptions | undefined, bodyLimit: number): ResolvedMultipartOptions {
  const option = (name: string, reason: string) => coreError('BURROW_ERR_BOOT_KERNEL_OPTION', { option: `multipart.${name}`, reason });
  if (input !== undefined && (typeof input !== 'object' || input === null)) throw coreError('BURROW_ERR_BOOT_KERNEL_OPTION', { option: 'multipart', reason: 'must be an object' });
  const size = (name: 'limit' | 'partLimit' | 'parts', value: number | undefined, fallback: number) => {
    if (value === undefined) return fallback;
    if (!(Number.isSafeInteger(value) && value > 0)) throw option(name, `must be a positive integer, got ${String(value)}`);
    return value;
  };
  const limit = size('limit', input?.limit, bodyLimit);
  const files = input?.files ?? 'buffer';
  if (files !== 'buffer' && files !== 'stream') throw option('files', `must be buffer or stream, got ${JSON.stringify(files)}`);
  return { limit, partLimit: size('partLimit', input?.partLimit, limit), parts: size('parts', input?.parts, 100), files };
}

function isLogger(value: unknown): value is Logger {
  return typeof value === 'object' && value !== null && typeof (value as Logger).log === 'function' && typeof (value as Logger).child === 'function';
}

function resolveResponseValidation(input: KernelOptions['responseValidation'], production: boolean): ResponseValidationOptions {
  const defaults: ResponseValidationOptions = production ? { rate: 0.05, onViolation: 'log' } : { rate: 1, onViolation: 'reject' };
  if (input === undefined) return defaults;
  if (typeof input === 'boolean') return { ...defaults, rate: input ? 1 : 0 };
  const merged = { ...defaults, ...input };
  if (!(merged.rate >= 0 && merged.rate <= 1)) {
    throw coreError('BURROW_ERR_BOOT_KERNEL_OPTION', { option: 'responseValidation.rate', reason: `must be within 0..1, got ${merged.rate}` });
  }
  if (merged.onViolation !== 'reject' && merged.onViolation !== 'log') {
    throw coreError('BURROW_ERR_BOOT_KERNEL_OPTION', { option: 'responseValidation.onViolation', reason: `must be reject or log, got ${JSON.stringify(merged.onViolation)}` });
  }
  return merged;
}
