import type { Kernel } from '../kernel/types.js';
import { coreError } from '../errors/burrow-error.js';

/**
 * Checks and normalises a plugin's options. Either a function that returns the
 * merged options (and throws on bad input), or any object with a `parse` method
 * (a zod schema fits).
 */
export type OptionsParser<O, I = unknown> = ((input: I | undefined) => O) | { parse(input: I | undefined): O };

/** A plugin: a value, not a class. Build one with {@link definePlugin}. */
export interface Plugin<O = unknown> {
  readonly name: string;
  readonly dependsOn: readonly string[];
  readonly options?: OptionsParser<O>;
  setup(kernel: Kernel, options: O): void | (() => void | Promise<void>) | Promise<void | (() => void | Promise<void>)>;
}

/** A plugin together with the options the user gave it. */
export interface PluginEntry {
  plugin: Plugin<any>;
  input: unknown;
}

/**
 * Defines a plugin. `setup` runs once at boot, in dependency order; it may be
 * async and may return a close function, run at shutdown in reverse order.
 * `O` is the type of the merged options `setup` receives, `I` the type users
 * pass (`plugin(input)`), checked by the compiler and again by `options` at boot.
 *
 * @example
 * export default definePlugin({
 *   name: 'hello',
 *   options: (input) => ({ greeting: 'hi', ...(input as object) }),
 *   setup(kernel, options) { kernel.hooks.add('onRequest', () => {}) },
 * })
 */
export function definePlugin<O = undefined, I = unknown>(spec: {
  name: string;
  dependsOn?: readonly string[];
  options?: OptionsParser<O, I>;
  setup: Plugin<O>['setup'];
}): Plugin<O> & ((input?: I) => PluginEntry) {
  const plugin: Plugin<O> = { name: spec.name, dependsOn: spec.dependsOn ?? [], options: spec.options as OptionsParser<O>, setup: spec.setup };
  // A plugin is also a function that binds options: `plugins: [docs({ path: '/docs' })]`.
  const withOptions = (input?: I): PluginEntry => ({ plugin, input });
  Object.defineProperty(withOptions, 'name', { value: spec.name });
  return Object.assign(withOptions, { dependsOn: plugin.dependsOn, options: plugin.options, setup: plugin.setup }) as never;
}

/** Turns what the user passed (`plugin` or `plugin(options)`) into entries. */
export function toEntry(value: Plugin<any> | PluginEntry): PluginEntry {
  if ('plugin' in value && 'input' in value) return value;
  return { plugin: value as Plugin<any>, input: undefined };
}

/**
 * Orders plugins so that each comes after what it depends on, and checks that
 * every dependency is present. All missing dependencies are reported at once.
 */
export function orderPlugins(entries: PluginEntry[]): PluginEntry[] {
  const byName = new Map<string, PluginEntry>();
  for (const entry of entries) {
    if (byName.has(entry.plugin.name)) {
      throw coreError('BURROW_ERR_BOOT_PLUGIN_DUPLICATE', { name: entry.plugin.name });
    }
    byName.set(entry.plugin.name, entry);
  }
  const missing: string[] = [];
  for (const entry of entries) {
    for (const dep of entry.plugin.dependsOn) {
      if (!byName.has(dep)) missing.push(`plugin "${entry.plugin.name}" depends on "${dep}", which is not registered`);
    }
  }
  if (missing.length) throw coreError('BURROW_ERR_BOOT_PLUGIN_DEPENDENCY_MISSING', { problems: missing.join('\n') });

  const ordered: PluginEntry[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (entry: PluginEntry, trail: string[]) => {
    const name = entry.plugin.name;
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      throw coreError('BURROW_ERR_BOOT_PLUGIN_DEPENDENCY_CYCLE', { cycle: [...trail, name].join(' -> ') });
    }
    state.set(name, 'visiting');
    for (const dep of entry.plugin.dependsOn) visit(byName.get(dep)!, [...trail, name]);
    state.set(name, 'done');
    ordered.push(entry);
  };
  for (const entry of entries) visit(entry, []);
  return ordered;
}

/** Runs a plugin's options parser, turning any failure into a boot error naming the plugin. */
export function parsePluginOptions<O>(plugin: Plugin<O>, input: unknown): O {
  if (!plugin.options) return input as O;
  try {
    return typeof plugin.options === 'function' ? plugin.options(input) : plugin.options.parse(input);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw coreError('BURROW_ERR_BOOT_PLUGIN_OPTIONS', { problems: `plugin "${plugin.name}": ${reason}` }, { cause: error });
  }
}

/**
 * The start of an options parser: `input` must be an object (else it throws, naming the
 * keys), and every key it has must be one of `keys` (else a problem per unknown key).
 * The parser adds its own checks to `problems` and throws them all in one message.
 *
 * @example
 * const { given, problems } = readOptions(input, ['path', 'timeout'])
 * if (given.timeout !== undefined && typeof given.timeout !== 'number') problems.push('timeout must be a number')
 * if (problems.length) throw new Error(problems.join('; '))
 */
export function readOptions(input: unknown, keys: readonly string[]): { given: Record<string, unknown>; problems: string[] } {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new Error(`options must be an object (${keys.join(', ')}), got ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}`);
  }
  const given = input as Record<string, unknown>;
  const problems = Object.keys(given)
    .filter((key) => !keys.includes(key))
    .map((key) => `unknown option "${key}" (options are: ${keys.join(', ')})`);
  return { given, problems };
}

const MOUNT_PATH = /^(\/[A-Za-z0-9._~-]+)+$/;

/**
 * The problem of an option that names where a plugin serves (`/stat`): literal segments only
 * (a `{template}`, a query or a trailing slash would make the contributed paths ambiguous, and
 * these characters need no escaping in a URL); none when the option is absent or well-formed.
 *
 * @example
 * problems.push(...pathOptionProblems('path', given.path, '/stat'))
 */
export function pathOptionProblems(name: string, value: unknown, example: string): string[] {
  if (value === undefined || (typeof value === 'string' && MOUNT_PATH.test(value))) return [];
  return [`${name} must be a path such as "${example}" (a leading slash, no trailing slash, no {template}), got ${JSON.stringify(value)}`];
}

/** The problem of an option that must be a non-empty string (a tag, a title); none when absent or well-formed. */
export function textOptionProblems(name: string, value: unknown): string[] {
  if (value === undefined || (typeof value === 'string' && value.trim() !== '')) return [];
  return [`${name} must be a non-empty string, got ${JSON.stringify(value)}`];
}
