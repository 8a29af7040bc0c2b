import { fileURLToPath } from 'node:url';
import { createKernel, type KernelOptions } from 'burrowjs';
import { openapiDocs } from 'burrowjs/plugins/openapi-docs';
import { createTaskHandlers, taskErrors } from './handlers.js';
import { createMemoryTaskStore, type TaskStore } from './store.js';

/** The example's contract file. */
export const CONTRACT = fileURLToPath(new URL('./openapi/api.yaml', import.meta.url));

/**
 * Boots the example app's kernel. Tests call it with their own store and logger;
 * `server.ts` calls it to serve.
 */
export async function createExampleKernel(options: { store?: TaskStore } & Partial<KernelOptions> = {}) {
  const { store = createMemoryTaskStore(), ...rest } = options;
  return createKernel({
    contract: CONTRACT,
    handlers: createTaskHandlers(store),
    errors: [taskErrors],
    plugins: [openapiDocs()],
    ...rest,
  });
}
