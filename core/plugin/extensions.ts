import { Ajv, type ValidateFunction } from 'ajv';
import type { CompiledOperation } from '../request/operation.js';
import type { RawHandler } from '../request/operation.js';
import type { OpenApiDocument } from '../contract/load.js';
import { escapePointerToken, toPointer } from '../contract/problems.js';
import { CORE_EXTENSION_SCHEMAS } from '../request/limits.js';

/** Where an `x-burrow-*` extension is used: on an operation, or on the root of the contract. */
export interface ExtensionSite<V = unknown> {
  name: string;
  /** The value, already checked against the binder's `schema`. */
  value: V;
  /** The operation it is on; `undefined` on the root. */
  operation: CompiledOperation | undefined;
  /** JSON pointer of the extension in the composed document. */
  pointer: string;
}

/**
 * What `bind` may answer: for a use on an operation, the handler that serves it (a
 * resource action, a service method); and, for any use, the problems found (a schema
 * that disagrees with a database model...). The kernel gathers the problems of every
 * use and refuses to boot with one message listing them all, as conformance does.
 */
export type BindResult = void | { handler?: RawHandler; problems?: string[] };

/**
 * Gives an `x-burrow-*` extension its meaning. A plugin registers it by extension
 * name with `kernel.extensions.add(name, binder)` and owns the extension's JSON
 * Schema. At boot, every use is checked against `schema` (a malformed value stops
 * the boot, naming its JSON pointer), then `bind` runs once per use. For a use on an
 * operation, `bind` may return `{ handler }`: the binder then serves that operation,
 * and the app must not register a handler of its own for it.
 *
 * @example
 * kernel.extensions.add('x-burrow-echo', {
 *   schema: { type: 'object', required: ['field'], properties: { field: { type: 'string' } }, additionalProperties: false },
 *   bind: ({ value }) => ({ handler: (ctx) => ({ status: 200, body: { [value.field]: ctx.body } }) }),
 * })
 */
export interface ExtensionBinder<V = any> {
  /** The JSON Schema of the extension's value. */
  schema: object;
  bind(site: ExtensionSite<V>): BindResult | Promise<BindResult>;
  /**
   * Called once after every use of every extension was bound, for the checks that
   * need them all (a use that refers to another): returns the problems found.
   */
  done?(): void | string[] | Promise<void | string[]>;
}

/**
 * The extensions Burrow's own plugins will bind, and where from: a contract that
 * uses one without its plugin is told which plugin to add.
 */
export const BURROW_EXTENSIONS: Readonly<Record<string, string>> = {
  'x-burrow-resource': 'the resources plugin (burrowjs/plugins/resources)',
  'x-burrow-service': 'the services plugin (burrowjs/plugins/services)',
  'x-burrow-rate-limit': 'the rate-limit plugin (burrowjs/plugins/rate-limit)',
  'x-burrow-cache': 'the cache plugin (burrowjs/plugins/cache)',
  'x-burrow-rights': 'the auth plugin (burrowjs/plugins/auth)',
};

/** One use of an `x-burrow-*` key in the composed document. */
export interface ExtensionUse {
  name: string;
  value: unknown;
  pointer: string;
  /** The path of the path item or operation it is on (absent on the root). */
  path?: string;
  /** The method of the operation it is on (absent on the root and on path items). */
  method?: string;
}

/**
 * Is a key an extension the kernel handles: any `x-burrow-*` key (checked even when
 * nothing binds it), or an `x-*` key a registered binder claims (a plugin of your own
 * package may bind `x-acme-*`)?
 */
export function isBoundExtensionKey(key: string, bound: ReadonlySet<string>): boolean {
  return key.startsWith('x-burrow-') || (key.startsWith('x-') && bound.has(key));
}

/** Every use of an extension key (see {@link isBoundExtensionKey}) on the root, a path item or an operation. */
export function findExtensionUses(document: OpenApiDocument, bound: ReadonlySet<string> = new Set()): ExtensionUse[] {
  const uses: ExtensionUse[] = [];
  const scan = (node: Record<string, unknown>, pointer: string, path?: string, method?: string) => {
    for (const [key, value] of Object.entries(node)) {
      if (isBoundExtensionKey(key, bound)) uses.push({ name: key, value, pointer: `${pointer}/${escapePointerToken(key)}`, path, method });
    }
  };
  scan(document, '');
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    const itemPointer = `/paths/${escapePointerToken(path)}`;
    scan(item as Record<string, unknown>, itemPointer, path);
    for (const [method, operation] of Object.entries(item as Record<string, unknown>)) {
      if (operation && typeof operation === 'object' && !method.startsWith('x-') && method !== 'parameters') {
        scan(operation as Record<string, unknown>, `${itemPointer}/${method}`, path, method);
      }
    }
  }
  return uses;
}

/**
 * Checks every use against its binder: an extension no registered plugin binds is
 * a problem (naming the plugin that would, for Burrow's own), and so is a value that
 * does not match the binder's schema (with the JSON pointer of the failure).
 * Returns the problems, and the uses that are well-formed.
 */
export function checkExtensionUses(
  uses: ExtensionUse[],
  binders: ReadonlyMap<string, ExtensionBinder>,
): { problems: string[]; valid: ExtensionUse[] } {
  // Made on the first use to check: most contracts use no extension.
  let ajv: Ajv | undefined;
  const compiled = new Map<string, ValidateFunction>();
  const problems: string[] = [];
  const valid: ExtensionUse[] = [];
  for (const use of uses) {
    const binder = binders.get(use.name);
    if (!binder) {
      const hint = BURROW_EXTENSIONS[use.name];
      // The core's own (x-burrow-timeout...) are always there: the hint names the plugins' ones.
      const known = [...binders.keys()].filter((name) => !(name in CORE_EXTENSION_SCHEMAS));
      problems.push(
        `#${use.pointer}: ${use.name} is used, but no registered plugin binds it` +
          (hint ? ` (add ${hint})` : ` (bound extensions: ${known.length ? known.join(', ') : 'none'})`),
      );
      continue;
    }
    let validate = compiled.get(use.name);
    if (!validate) compiled.set(use.name, (validate = (ajv ??= new Ajv({ allErrors: true, strict: false })).compile({ ...binder.schema, $id: undefined })));
    if (validate(use.value)) {
      valid.push(use);
      continue;
    }
    for (const error of validate.errors!) {
      const extra = error.params as { additionalProperty?: string; missingProperty?: string };
      const tail = extra.additionalProperty ?? extra.missingProperty;
      const at = use.pointer + error.instancePath + (tail ? toPointer([tail]) : '');
      problems.push(`#${at}: ${use.name} ${error.message}${extra.additionalProperty ? ' (unknown property)' : ''}`);
    }
  }
  return { problems, valid };
}
