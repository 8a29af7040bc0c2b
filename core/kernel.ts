import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'winston';
import { createHooks } from './hooks.js';
import { createRegistry } from './registry.js';
import { orderPlugins, parsePluginOptions, toEntry, type Plugin, type PluginEntry } from './plugin.js';
import { loadContract, readDocumentFile, type ContractSource } from './contract/load.js';
import { addedResponseKey, composeDocument } from './contract/compose.js';
import { toPointer } from './contract/problems.js';
import { checkOpenApiDocument, defaultContractCache, type ContractCache } from './contract/validate-document.js';
import { createValidationEngine } from './engine.js';
import { compileOperation, type CompiledOperation, type RawHandler } from './operation.js';
import { createRouter } from './router.js';
import { createPipeline, type PipelineState } from './pipeline.js';
import { checkConformance } from './conformance.js';
import { knownExtensionSchemas, type ExtensionBinder } from './extensions.js';
import { createLogger, type LoggerOptions } from './logger.js';
import { BurrowError } from './errors/burrow-error.js';
import type { ResponseValidationOptions } from './response.js';
import type { HandlerMap } from './types.js';
import type { Kernel, Listening, ListenOptions } from './kernel-types.js';
import type { Verifier, SecuritySchemeObject } from './security.js';
import type { ContractFragment } from './contract/compose.js';
import type { ErrorSpec } from './errors/codes.js';

/** Options of {@link createKernel}. */
export interface KernelOptions {
  /** The contract: a path to a YAML or JSON file (split files joined by `$ref`), or a document object. */
  contract: ContractSource;
  /** The application's handlers by operationId (see `defineHandlers`). */
  handlers?: HandlerMap;
  /** The application's security verifiers by `components.securitySchemes` name (plugins add theirs too). */
  security?: Record<string, Verifier>;
  /** Plugins, as `plugin` or `plugin(options)`. */
  plugins?: (Plugin<any> | PluginEntry)[];
  /** A winston logger, or options for the one Burrow creates. */
  logger?: Logger | LoggerOptions;
  /** Largest accepted request body, in bytes. Default: 1 MiB. */
  bodyLimit?: number;
  /** How long the body of a request may take to arrive, in ms (408 after). Default: 30000. */
  bodyTimeout?: number;
  /** `true`/`false`, or the sampling rate and what a violation does. Default: see {@link ResponseValidationOptions}. */
  responseValidation?: boolean | Partial<ResponseValidationOptions>;
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
}

/**
 * Boots a kernel: loads and checks the contract, sets up the plugins in dependency
 * order, composes the served document, and refuses to start — with one error
 * listing every problem — when contract and code disagree.
 *
 * @example
 * const kernel = await createKernel({ contract: 'openapi/api.yaml', handlers, plugins: [docs()] })
 * app.use('/api/v1', kernel.router)
 */
export async function createKernel(options: KernelOptions): Promise<Kernel> {
  // Closures below read these, never `options`: it holds the caller's contract, which may be megabytes.
  const closeTimeout = options.closeTimeout ?? 10_000;
  const logger = isLogger(options.logger) ? options.logger : createLogger(options.logger);
  const hooks = createHooks();
  const handlers = createRegistry<RawHandler>('operation handler');
  const security = createRegistry<Verifier>('security verifier');
  const extensions = createRegistry<ExtensionBinder>('extension binder');
  const contract = createRegistry<ContractFragment>('contract contribution');
  const health = createRegistry<() => void | Promise<void>>('health check');
  const shutdown = createRegistry<() => void | Promise<void>>('shutdown step');
  const errors = createRegistry<ErrorSpec>('error code');
  for (const [id, handler] of Object.entries(options.handlers ?? {})) handlers.add(id, handler as RawHandler, 'app');
  for (const [scheme, verifier] of Object.entries(options.security ?? {})) security.add(scheme, verifier, 'app');

  const entries = orderPlugins((options.plugins ?? []).map(toEntry));
  const parsed = entries.map((entry) => parsePluginOptionsCollected(entry));
  const optionProblems = parsed.filter((p): p is BurrowError => p instanceof BurrowError);
  if (optionProblems.length) {
    throw new BurrowError('BURROW_ERR_BOOT_PLUGIN_OPTIONS', { detail: optionProblems.map((e) => e.detail).join('\n') });
  }
  const cache = options.contractCache ?? defaultContractCache();
  const loaded = await loadContract(options.contract, { cache });

  const production = process.env.NODE_ENV === 'production';
  const responseValidation = resolveResponseValidation(options.responseValidation, production);
  const inflight: PipelineState['inflight'] = { count: 0, closing: false };
  const stats = { responseViolations: 0 };
  const closers: (() => void | Promise<void>)[] = [];
  const servers: import('node:http').Server[] = [];
  let booted: { document: any; operations: Map<string, CompiledOperation>; handle: Kernel['handle'] } | undefined;
  const ready = () => {
    if (!booted) throw new Error('the kernel is not booted yet: this is only available after createKernel() resolves');
    return booted;
  };

  const kernel: Kernel = {
    logger,
    hooks,
    handlers,
    security,
    extensions,
    contract,
    health,
    shutdown,
    errors,
    version: loaded.version,
    stats,
    get document() {
      return ready().document;
    },
    get operations() {
      return ready().operations;
    },
    handle: (req, res, notFound) => ready().handle(req, res, notFound),
    // light-my-request is loaded on first use: a server that never injects does not carry it.
    inject: async (injectOptions) => (await import('light-my-request')).default(ready().handle as never, injectOptions as never) as never,
    listen: (listenOptions) => listen(listenOptions ?? {}),
    attach: (server) => void servers.push(server),
    checkHealth,
    compileAll,
    close,
  };

  // Plugins set up in dependency order; the app's contract is loaded, contributions are not yet composed.
  for (let i = 0; i < entries.length; i++) {
    const { plugin } = entries[i];
    const closer = await plugin.setup(scopedKernel(kernel, plugin.name), parsed[i]);
    if (typeof closer === 'function') closers.push(closer);
  }

  const problemSchemas = (await readDocumentFile(new URL('../openapi/problem.yaml', import.meta.url))) as Record<string, unknown>;
  const composed = composeDocument(
    loaded.document,
    contract.entries().map(([name, fragment]) => ({ owner: contract.ownerOf(name) ?? name, fragment })),
    problemSchemas,
  );
  const bootProblems: string[] = [...composed.problems];
  if (contract.keys().length) {
    const { problems } = await checkOpenApiDocument(composed.document, cache);
    bootProblems.push(...problems.map((p) => `#${p.pointer}: ${p.message} (in the composed contract)`));
  }
  if (bootProblems.length) fail(bootProblems);

  const engine = await createValidationEngine(composed.document, loaded.version);
  const binders = new Map(extensions.entries());
  const conformance = checkConformance({
    document: composed.document,
    operations: engine.operations,
    handlers: handlers.keys(),
    verifiers: security.keys(),
    binders,
    knownExtensions: knownExtensionSchemas(),
  });
  if (conformance.length) fail(conformance);

  const rootExtensions = Object.fromEntries(Object.entries(composed.document).filter(([k]) => k.startsWith('x-burrow-')));
  const router = createRouter<CompiledOperation>();
  const operations = new Map<string, CompiledOperation>();
  for (const op of engine.operations) {
    const compiled = compileOperation(op, engine, rootExtensions, handlers.get(op.operationId!)!, (status) =>
      composed.added.has(addedResponseKey(op.path, op.method, status)),
    );
    operations.set(compiled.id, compiled);
    router.add(op.method, op.path, compiled);
  }
  for (const [name, binder] of binders) {
    if (Object.hasOwn(rootExtensions, name)) await binder.bind({ name, value: rootExtensions[name], operation: undefined, pointer: `/${name}` });
    for (const op of operations.values()) {
      if (Object.hasOwn(op.definition, name)) {
        await binder.bind({ name, value: op.extensions[name], operation: op, pointer: toPointer(['paths', op.path, op.method, name]) });
      }
    }
  }

  const handle = createPipeline({
    router,
    hooks,
    verifiers: new Map(security.entries()),
    schemes: (composed.document.components?.securitySchemes ?? {}) as Record<string, SecuritySchemeObject>,
    logger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    bodyTimeout: options.bodyTimeout ?? 30_000,
    responseValidation,
    inflight,
    stats,
  });
  booted = { document: composed.document, operations, handle };

  const compileMode = options.compile ?? 'background';
  if (compileMode === 'eager') compileAll();
  else if (compileMode === 'background') warmUp();
  for (const hook of hooks.list('onReady')) await hook();
  logger.debug('kernel ready', { operations: operations.size, plugins: entries.map((e) => e.plugin.name) });
  return kernel;

  function fail(problems: string[]): never {
    throw new BurrowError('BURROW_ERR_BOOT_CONFORMANCE', {
      detail: `Burrow refuses to start: ${problems.length} problem(s) between the contract and the code:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      extensions: { problems },
    });
  }

  function parsePluginOptionsCollected(entry: PluginEntry): unknown {
    try {
      return parsePluginOptions(entry.plugin, entry.input);
    } catch (error) {
      return error;
    }
  }

  function compileAll(): void {
    for (const op of ready().operations.values()) {
      op.requestValidators();
      if (responseValidation.rate > 0) op.responseValidators();
    }
  }

  /**
   * Compiles validators a few operations at a time, in slices of about 2 ms so
   * requests wait little between them. The first operation is compiled at once:
   * Ajv's code generator is cold in a new process (~35 ms), and that cost belongs to
   * the boot, not to a client's first request. The immediates are ref'd so the
   * warm-up also runs while the server is idle; `close()` stops it.
   */
  function warmUp(): void {
    const pending = [...ready().operations.values()];
    const compileOne = (op: CompiledOperation) => {
      try {
        op.requestValidators();
        // Sampled response checks compile on first use: production need not hold every response validator.
        if (responseValidation.rate >= 1) op.responseValidators();
      } catch (error) {
        logger.error('validator compilation failed', { operationId: op.id, error });
      }
    };
    if (pending.length) compileOne(pending.shift()!);
    const step = () => {
      const deadline = performance.now() + 2;
      while (pending.length && performance.now() < deadline && !inflight.closing) compileOne(pending.shift()!);
      if (pending.length && !inflight.closing) setImmediate(step);
    };
    if (pending.length) setImmediate(step);
  }

  async function listen(listenOptions: ListenOptions): Promise<Listening> {
    const { handle: serve } = ready();
    const port = listenOptions.port ?? Number(process.env.PORT ?? 3000);
    const host = listenOptions.host ?? process.env.HOST ?? '127.0.0.1';
    const server = createServer(listenOptions.handler ?? ((req, res) => void serve(req, res)));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    servers.push(server);
    const address = server.address() as AddressInfo;
    return { server, url: `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}` };
  }

  async function checkHealth() {
    const checks: Record<string, { ok: boolean; error?: string }> = {};
    for (const [name, check] of health.entries()) {
      try {
        await check();
        checks[name] = { ok: true };
      } catch (error) {
        checks[name] = { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    }
    return { ok: Object.values(checks).every((c) => c.ok), checks };
  }

  async function close(): Promise<void> {
    if (inflight.closing) return;
    inflight.closing = true;
    const stopped = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const server of servers) server.closeIdleConnections();
    if (inflight.count > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, closeTimeout);
        timer.unref();
        inflight.drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    for (const server of servers) server.closeAllConnections();
    await Promise.all(stopped);
    const steps = [...hooks.list('onClose'), ...shutdown.entries().map(([, step]) => step), ...closers].reverse();
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        logger.error('shutdown step failed', { error });
      }
    }
  }
}

/** A view of the kernel whose registries record the plugin as the owner of what it adds. */
function scopedKernel(kernel: Kernel, owner: string): Kernel {
  const scope = <V>(registry: import('./registry.js').Registry<V>) => ({ ...registry, add: (key: string, value: V) => registry.add(key, value, owner) });
  return Object.create(kernel, {
    handlers: { value: scope(kernel.handlers) },
    security: { value: scope(kernel.security) },
    extensions: { value: scope(kernel.extensions) },
    contract: { value: scope(kernel.contract) },
    health: { value: scope(kernel.health) },
    shutdown: { value: scope(kernel.shutdown) },
    errors: { value: scope(kernel.errors) },
  });
}

function isLogger(value: unknown): value is Logger {
  return typeof value === 'object' && value !== null && typeof (value as Logger).log === 'function' && typeof (value as Logger).child === 'function';
}

function resolveResponseValidation(input: KernelOptions['responseValidation'], production: boolean): ResponseValidationOptions {
  const defaults: ResponseValidationOptions = production ? { rate: 0.05, onViolation: 'log' } : { rate: 1, onViolation: 'reject' };
  if (input === true) return { ...defaults, rate: 1 };
  if (input === false) return { ...defaults, rate: 0 };
  const merged = { ...defaults, ...input };
  if (!(merged.rate >= 0 && merged.rate <= 1)) throw new BurrowError('BURROW_ERR_BOOT_CONFORMANCE', { detail: `responseValidation.rate must be within 0..1, got ${merged.rate}` });
  return merged;
}
