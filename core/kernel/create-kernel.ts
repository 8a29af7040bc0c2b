import { createHooks } from '../plugin/hooks.js';
import { createRegistry, type Registry } from '../plugin/registry.js';
import { checkAccess, type Guard } from '../request/access.js';
import { checkSecurity } from '../request/security.js';
import { orderPlugins, parsePluginOptions, toEntry, type PluginEntry } from '../plugin/define-plugin.js';
import { createEventBus } from '../plugin/events.js';
import { findExtensionUses, checkExtensionUses, isBoundExtensionKey, type ExtensionBinder } from '../plugin/extensions.js';
import { loadContract } from '../contract/load.js';
import { readBurrowFragment } from '../contract/assets.js';
import { addedResponseKey, composeDocument, type ContractFragment } from '../contract/compose.js';
import { checkOpenApiDocument, defaultContractCache } from '../contract/validate-document.js';
import { checkContract, checkHandlers, describeOperation, type HandlerSource } from '../contract/conformance.js';
import { createValidationEngine } from '../validation/engine.js';
import { compileOperation, type CompiledOperation, type RawHandler } from '../request/operation.js';
import { coreExtensionBinders } from '../request/limits.js';
import { createRouter } from '../request/router.js';
import { createPipeline, type PipelineState } from '../request/pipeline.js';
import type { Verifier, SecuritySchemeObject } from '../request/security.js';
import { BurrowError, coreError, isBurrowError } from '../errors/burrow-error.js';
import { CATALOG_OPERATION_ID, catalogFragment, createCatalogHandler, createErrorRegistry } from '../errors/catalog.js';
import { resolveKernelOptions, type KernelOptions } from './options.js';
import { createLifecycle } from './lifecycle.js';
import { compileAll, warmUp } from './warm-up.js';
import type { HealthCheck, Kernel, ShutdownStep } from './types.js';
import { gaugeRegistry } from './gauges.js';

export type { KernelOptions } from './options.js';

/**
 * Boots a kernel: loads and checks the contract, sets up the plugins in dependency
 * order, composes the served document, and refuses to start — with one error
 * listing every problem — when contract and code disagree.
 *
 * @example
 * const kernel = await createKernel({ contract: 'openapi/api.yaml', handlers, plugins: [openapiDocs()] })
 * app.use('/api/v1', expressMiddleware(kernel))
 */
export async function createKernel(options: KernelOptions): Promise<Kernel> {
  const resolved = resolveKernelOptions(options);
  const { logger } = resolved;
  const hooks = createHooks();
  const handlers = createRegistry<RawHandler>('operation handler');
  const security = createRegistry<Verifier>('security verifier');
  const extensions = createRegistry<ExtensionBinder>('extension binder');
  const contract = createRegistry<ContractFragment>('contract contribution');
  const health = createRegistry<HealthCheck>('health check');
  const shutdown = createRegistry<ShutdownStep>('shutdown step');
  const gauges = gaugeRegistry();
  const guards = createRegistry<Guard>('access guard');
  const errors = createErrorRegistry();
  const events = createEventBus(logger);
  for (const [id, handler] of Object.entries(options.handlers ?? {})) handlers.add(id, handler as RawHandler, 'app');
  for (const [scheme, verifier] of Object.entries(options.security ?? {})) security.add(scheme, verifier, 'app');
  for (const family of options.errors ?? []) errors.addFamily(family, 'app');
  // The extensions the kernel reads itself (x-burrow-timeout, x-burrow-body-limit): checked at boot like a plugin's.
  for (const [name, binder] of coreExtensionBinders()) extensions.add(name, binder, 'burrow');

  const entries = orderPlugins((options.plugins ?? []).map(toEntry));
  const parsed = entries.map((entry) => parseCollected(entry));
  const optionProblems = parsed.filter((p): p is BurrowError => isBurrowError(p));
  if (optionProblems.length) throw coreError('BURROW_ERR_BOOT_PLUGIN_OPTIONS', { problems: optionProblems.map((e) => e.detail).join('\n') });
  const cache = options.contractCache ?? defaultContractCache();
  const loaded = await loadContract(options.contract, { cache });

  const inflight: PipelineState['inflight'] = { count: 0, closing: false };
  const stats = { responseViolations: 0 };
  const closers: ShutdownStep[] = [];
  let authorizeOperation: Kernel['authorize'] | undefined;
  let booted: { document: any; operations: Map<string, CompiledOperation>; handle: Kernel['handle']; route: Kernel['route'] } | undefined;
  const ready = (member: string) => {
    if (!booted) throw coreError('BURROW_ERR_KERNEL_NOT_READY', { member });
    return booted;
  };
  const lifecycle = createLifecycle({ logger, hooks, health, shutdown, events, closers, inflight, closeTimeout: resolved.closeTimeout, serve: () => ready('listen').handle, problemType: { typeBase: resolved.typeBase, catalogPath: resolved.catalogPath } });

  const kernel: Kernel = {
    logger,
    hooks,
    handlers,
    security,
    extensions,
    contract,
    health,
    gauges,
    shutdown,
    guards,
    errors,
    events,
    version: loaded.version,
    contractSource: loaded.document,
    stats,
    get document() {
      return ready('document').document;
    },
    get operations() {
      return ready('operations').operations;
    },
    get closing() {
      return inflight.closing;
    },
    handle: (req, res, notFound) => ready('handle').handle(req, res, notFound),
    route: (method, path) => ready('route').route(method, path),
    authorize: (ctx, operationId) => (ready('authorize'), authorizeOperation!(ctx, operationId)),
    // light-my-request is loaded on first use: a server that never injects does not carry it.
    inject: async (injectOptions) => (await import('light-my-request')).default(ready('inject').handle as never, injectOptions as never) as never,
    listen: lifecycle.listen,
    attach: lifecycle.attach,
    closeOnSignals: lifecycle.closeOnSignals,
    checkHealth: lifecycle.checkHealth,
    compileAll: () => compileAll(ready('compileAll').operations.values(), resolved.responseValidation.rate),
    close: lifecycle.close,
  };

  // Burrow's own contribution: the error catalogue that every problem's `type` points at.
  if (resolved.catalogPath) {
    contract.add('error-catalog', catalogFragment(resolved.catalogPath), 'burrow');
    handlers.add(CATALOG_OPERATION_ID, createCatalogHandler(errors, () => String(kernel.document.info?.title ?? 'API')) as RawHandler, 'burrow');
  }

  // Plugins set up in dependency order; the app's contract is loaded, contributions are not yet composed.
  for (let i = 0; i < entries.length; i++) {
    const { plugin } = entries[i]!;
    let closer: Awaited<ReturnType<typeof plugin.setup>>;
    try {
      closer = await plugin.setup(scopedKernel(kernel, plugin.name), parsed[i]);
    } catch (error) {
      if (isBurrowError(error)) throw error;
      throw coreError('BURROW_ERR_BOOT_PLUGIN_SETUP', { name: plugin.name, reason: error instanceof Error ? error.message : String(error) }, { cause: error });
    }
    if (typeof closer === 'function') closers.push(closer);
  }

  const composed = composeDocument(
    loaded.document,
    contract.entries().map(([name, fragment]) => ({ owner: contract.ownerOf(name) ?? name, fragment })),
    await readBurrowFragment('problem.yaml'),
  );
  const contributed = [...composed.problems];
  // Burrow's own contribution (the catalogue) is valid by construction: only others cost a recheck of the whole document.
  if (contract.keys().some((key) => contract.ownerOf(key) !== 'burrow')) {
    const { problems } = await checkOpenApiDocument(composed.document, cache);
    contributed.push(...problems.map((p) => `#${p.pointer}: ${p.message} (in the composed contract)`));
  }
  if (contributed.length) throw coreError('BURROW_ERR_BOOT_CONTRIBUTION_CONFLICT', { problems: contributed.map((p) => `  - ${p}`).join('\n') });

  const engine = await createValidationEngine(composed.document, loaded.version, { readOnly: resolved.readOnly });
  const problems = checkContract({ document: composed.document, operations: engine.operations, verifiers: security.keys() });
  const binders = new Map(extensions.entries());
  for (const name of binders.keys()) {
    if (!/^x-[\w.-]+$/.test(name)) problems.push(`extension binder "${name}" (by ${extensions.ownerOf(name)}): an extension name starts with x- (x-burrow-* for Burrow's plugins, x-<yours>-* for yours)`);
  }
  const boundNames = new Set(binders.keys());
  const isExtension = (key: string) => isBoundExtensionKey(key, boundNames);
  const checkedUses = checkExtensionUses(findExtensionUses(composed.document, boundNames), binders);
  problems.push(...checkedUses.problems);

  const rootExtensions = Object.fromEntries(Object.entries(composed.document).filter(([k]) => isExtension(k)));
  const router = createRouter<CompiledOperation>();
  const operations = new Map<string, CompiledOperation>();
  const byPath = new Map<string, CompiledOperation>();
  const securitySchemes = (composed.document.components?.securitySchemes ?? {}) as Record<string, SecuritySchemeObject>;
  for (const op of engine.operations) {
    if (!op.operationId) continue;
    const compiled = compileOperation(op, engine, rootExtensions, (status) => composed.added.has(addedResponseKey(op.path, op.method, status)), isExtension, securitySchemes);
    for (const problem of compiled.parameters.problems) problems.push(`${describeOperation(op)}: ${problem}`);
    if (!operations.has(compiled.id)) operations.set(compiled.id, compiled);
    byPath.set(`${op.method} ${op.path}`, compiled);
    try {
      router.add(op.method, op.path, compiled);
    } catch (error) {
      if (!isBurrowError(error)) throw error;
      problems.push(`${describeOperation(op)}: ${error.detail} (${error.code})`);
    }
  }

  // Binders see every well-formed use; for an operation they may supply its handler.
  const bound = new Map<string, RawHandler>();
  const sources: HandlerSource[] = handlers.keys().map((id) => ({ operationId: id, owner: `the handler registered by ${handlers.ownerOf(id)}` }));
  for (const use of checkedUses.valid) {
    const operation = use.method ? byPath.get(`${use.method} ${use.path}`) : undefined;
    const value = operation ? operation.extensions[use.name] : use.value;
    let result: Awaited<ReturnType<ExtensionBinder['bind']>>;
    try {
      result = await binders.get(use.name)!.bind({ name: use.name, value, operation, pointer: use.pointer });
    } catch (error) {
      if (isBurrowError(error)) throw error;
      const reason = `binding ${use.name} at #${use.pointer} failed: ${error instanceof Error ? error.message : String(error)}`;
      throw coreError('BURROW_ERR_BOOT_PLUGIN_SETUP', { name: (extensions.ownerOf(use.name) ?? 'app').replace(/^plugin /, ''), reason }, { cause: error });
    }
    if (result?.problems?.length) {
      problems.push(...result.problems);
      // The binder said why it could not serve the operation: "no handler" would only repeat it.
      if (operation && !result.handler) sources.push({ operationId: operation.id, owner: `${use.name} (not bound: see its problems)` });
    }
    if (!result || typeof result.handler !== 'function') continue;
    if (!operation) {
      problems.push(`#${use.pointer}: the binder of ${use.name} (${extensions.ownerOf(use.name)}) returned a handler for a use that is not on an operation`);
      continue;
    }
    sources.push({ operationId: operation.id, owner: `${use.name}, bound by ${extensions.ownerOf(use.name)}` });
    bound.set(operation.id, result.handler);
  }
  for (const binder of new Set(binders.values())) {
    const found = await binder.done?.();
    if (found) problems.push(...found);
  }
  problems.push(...checkHandlers(engine.operations, sources));
  if (problems.length) {
    throw coreError('BURROW_ERR_BOOT_CONFORMANCE', { count: problems.length, problems: problems.map((p) => `  - ${p}`).join('\n') }, { extensions: { problems } });
  }
  for (const op of operations.values()) op.handler = bound.get(op.id) ?? handlers.get(op.id)!;

  const verifierMap = new Map(security.entries());
  const schemeObjects = (composed.document.components?.securitySchemes ?? {}) as Record<string, SecuritySchemeObject>;
  const guardList = guards.entries().map(([, guard]) => guard);
  authorizeOperation = async (ctx, operationId) => {
    const op = operations.get(operationId);
    if (!op) throw coreError('BURROW_ERR_ROUTE_NOT_FOUND', { path: operationId });
    if (op.security.length) await checkSecurity(ctx, op, verifierMap, schemeObjects);
    if (guardList.length) await checkAccess(guardList, ctx, { operationId });
  };
  const handle = createPipeline({
    router,
    hooks,
    verifiers: verifierMap,
    schemes: schemeObjects,
    logger,
    bodyLimit: resolved.bodyLimit,
    bodyTimeout: resolved.bodyTimeout,
    handlerTimeout: resolved.handlerTimeout,
    multipart: resolved.multipart,
    multipartFor: resolved.multipartFor,
    responseValidation: resolved.responseValidation,
    inflight,
    stats,
    typeBase: problemTypeBase(resolved.typeBase, resolved.catalogPath),
    trustProxy: resolved.trustProxy,
  });
  const route: Kernel['route'] = (method, path) => {
    const found = router.find(method.toLowerCase(), path);
    if (found.kind === 'found') return { kind: 'found', operation: found.match.value, params: found.match.params };
    return found.kind === 'method' ? { kind: 'method', allowed: found.allowed } : { kind: 'none' };
  };
  booted = { document: composed.document, operations, handle, route };

  if (resolved.compile === 'eager') kernel.compileAll();
  else if (resolved.compile === 'background') {
    warmUp(operations.values(), { responseRate: resolved.responseValidation.rate, logger, stopped: () => inflight.closing });
  }
  for (const hook of hooks.list('onReady')) await hook();
  logger.debug('kernel ready', { operations: operations.size, plugins: entries.map((e) => e.plugin.name) });
  return kernel;

  function parseCollected(entry: PluginEntry): unknown {
    try {
      return parsePluginOptions(entry.plugin, entry.input);
    } catch (error) {
      return error;
    }
  }
}

/**
 * Where the `type` of a problem points: the configured absolute base, else the
 * catalogue under the path the kernel is mounted at (`/api/v1/errors`), else nowhere.
 */
function problemTypeBase(typeBase: string | undefined, catalogPath: string | undefined): PipelineState['typeBase'] {
  if (typeBase) return () => typeBase;
  if (catalogPath) return (ctx) => ctx.mountPath + catalogPath;
  return undefined;
}

/** A view of the kernel whose registries record the plugin as the owner of what it adds. */
function scopedKernel(kernel: Kernel, owner: string): Kernel {
  const scope = <V>(registry: Registry<V>) => ({ ...registry, add: (key: string, value: V) => registry.add(key, value, `plugin ${owner}`) });
  return Object.create(kernel, {
    handlers: { value: scope(kernel.handlers) },
    security: { value: scope(kernel.security) },
    extensions: { value: scope(kernel.extensions) },
    contract: { value: scope(kernel.contract) },
    health: { value: scope(kernel.health) },
    gauges: { value: scope(kernel.gauges) },
    shutdown: { value: scope(kernel.shutdown) },
    guards: { value: scope(kernel.guards) },
    errors: { value: { ...scope(kernel.errors), addFamily: (family: Parameters<Kernel['errors']['addFamily']>[0]) => kernel.errors.addFamily(family, `plugin ${owner}`) } },
  });
}
