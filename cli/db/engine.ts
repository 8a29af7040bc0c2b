/**
 * Loads Prisma's schema engine compiled to WebAssembly (`@prisma/schema-engine-wasm`)
 * and opens it over a driver adapter. Node 20 cannot `import` the package's `.wasm`
 * entry (ESM wasm modules need a flag), so the module is compiled here and wired to
 * the package's own JS glue (`schema_engine_bg.js`), as wasm-bindgen's bundler output
 * expects. The engine's API is internal to Prisma and pinned to one exact version.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ErrorCapturingSqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

export type { SchemaEngine } from '@prisma/schema-engine-wasm';

type Glue = typeof import('@prisma/schema-engine-wasm/schema_engine_bg') & {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
};

interface PanicRegistry {
  set_message(message: string): void;
}

/** The message of the last panic of the engine (its panic hook writes it to a global registry). */
let lastPanic: string | undefined;

let glue: Promise<Glue> | undefined;
/** Bumped after a panic: the next engine gets a new glue module and wasm instance. */
let generation = 0;

/** Compiles and starts the wasm module once per process (some 40 ms), then reuses it. */
function loadGlue(): Promise<Glue> {
  glue ??= (async () => {
    const require = createRequire(import.meta.url);
    // The package exports its glue (`./schema_engine_bg`) but not package.json.
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    // A fresh module per generation: the glue caches views of the instance's memory.
    const js = (await import(pathToFileURL(gluePath).href + (generation ? `?generation=${generation}` : ''))) as Glue;
    const module = new WebAssembly.Module(await readFile(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm')));
    const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': unrefTimers(js) });
    js.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return js;
  })();
  // A failed load must not be cached: the next call tries again.
  glue.catch(() => (glue = undefined));
  return glue;
}

/**
 * The glue as the wasm module's imports, with its timers unref'd: the engine arms a 60 s
 * timer it never clears, which would keep `burrow db migrate` (or a user's script) alive
 * for a minute after its work is done.
 */
function unrefTimers(js: Glue): WebAssembly.ModuleImports {
  const imports: WebAssembly.ModuleImports = { ...(js as unknown as WebAssembly.ModuleImports) };
  for (const [name, value] of Object.entries(imports)) {
    if (!name.startsWith('__wbg_setTimeout_') || typeof value !== 'function') continue;
    imports[name] = (...args: unknown[]) => {
      const timer = (value as (...a: unknown[]) => unknown)(...args);
      (timer as { unref?: () => void } | undefined)?.unref?.();
      return timer;
    };
  }
  return imports;
}

const OURS = Symbol.for('burrowjs.db.panicRegistry');

/** Records panics; a registry already there (the Prisma client's, for its query compiler) still gets them. */
function installPanicRegistry(): void {
  const global = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry & { [OURS]?: true } };
  const previous = global.PRISMA_WASM_PANIC_REGISTRY;
  if (previous?.[OURS]) return;
  global.PRISMA_WASM_PANIC_REGISTRY = {
    [OURS]: true,
    set_message: (message) => {
      lastPanic = message;
      previous?.set_message(message);
    },
  };
}

/**
 * The message of the engine's last panic, once. A panic leaves the wasm instance
 * unusable: when there was one, the next {@link openEngine} starts a new instance.
 */
export function takePanicMessage(): string | undefined {
  const message = lastPanic;
  if (message !== undefined) {
    lastPanic = undefined;
    glue = undefined;
    generation++;
  }
  return message;
}

/**
 * Opens the schema engine on `schemaFiles` (`[path, content]` pairs) over a bound
 * (error-capturing) migration-aware adapter factory. `debug` receives the engine's
 * log lines (JSON strings).
 */
export async function openEngine(
  schemaFiles: [string, string][],
  adapterFactory: ErrorCapturingSqlMigrationAwareDriverAdapterFactory,
  debug: (line: string) => void = () => {},
): Promise<SchemaEngine> {
  const { SchemaEngine } = await loadGlue();
  installPanicRegistry();
  return SchemaEngine.new({ datamodels: schemaFiles }, debug, adapterFactory);
}
