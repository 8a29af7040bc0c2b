/**
 * Burrow's own plugins (every `plugins/<folder>/index.ts`), and a kernel that sets up all
 * of them: what the repository's generated docs (ERRORS.md) and reference checks read.
 * A repository script: not part of the package.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createKernel, type Kernel, type Plugin } from '../core/index.js';

/** The plugins under `plugins/`, by folder: each folder's `index.ts` default export (or its exported plugins). */
export async function builtInPlugins(root = 'plugins'): Promise<{ folder: string; plugin: Plugin<any> }[]> {
  const found: { folder: string; plugin: Plugin<any> }[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const index = path.resolve(root, entry.name, 'index.ts');
    if (!entry.isDirectory() || !existsSync(index)) continue;
    const module = (await import(pathToFileURL(index).href)) as Record<string, unknown>;
    const isPlugin = (v: unknown): v is Plugin<any> =>
      typeof v === 'function' && typeof (v as Partial<Plugin>).setup === 'function' && Array.isArray((v as Partial<Plugin>).dependsOn);
    const plugins = isPlugin(module.default) ? [module.default] : [...new Set(Object.values(module).filter(isPlugin))];
    for (const plugin of plugins) found.push({ folder: entry.name, plugin });
  }
  return found;
}

/** Options for the plugins that cannot boot without some (a client that is never called, an empty data model). */
const REQUIRED_OPTIONS: Record<string, unknown> = {
  resources: { prisma: { $transaction: async () => undefined }, datamodel: { models: [], enums: [] }, disconnectOnClose: false },
};

/** A kernel over a one-operation contract with every built-in plugin set up; close it after use. */
export async function everyPluginKernel(plugins?: { plugin: Plugin<any> }[]): Promise<Kernel> {
  const list = plugins ?? (await builtInPlugins());
  return createKernel({
    contract: { openapi: '3.1.0', info: { title: 'every plugin', version: '1' }, paths: { '/a': { get: { operationId: 'getA', responses: { '204': { description: 'x' } } } } } },
    handlers: { getA: () => ({ status: 204 }) },
    logger: { level: 'silent' },
    contractCache: false,
    compile: 'lazy',
    // Every plugin with its default options: one that cannot boot without options needs them here.
    plugins: list.map(({ plugin }) => (REQUIRED_OPTIONS[plugin.name] ? { plugin, input: REQUIRED_OPTIONS[plugin.name] } : plugin)),
  });
}
