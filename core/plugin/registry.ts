import { coreError } from '../errors/burrow-error.js';

/**
 * A small keyed registry that refuses duplicates: the shape of every extension
 * point of the kernel (handlers, verifiers, binders, health checks...).
 *
 * @example
 * const handlers = createRegistry<Handler>('operation handler')
 * handlers.add('listTasks', listTasks, 'my-plugin')
 */
export interface Registry<V> {
  /** What the registry holds, for error messages ("operation handler"). */
  readonly kind: string;
  /** Registers `value` under `key`; throws BURROW_ERR_BOOT_DUPLICATE if the key is taken. */
  add(key: string, value: V, owner?: string): void;
  get(key: string): V | undefined;
  has(key: string): boolean;
  keys(): string[];
  entries(): [string, V][];
  /** Who registered a key (a plugin name, or `app`). */
  ownerOf(key: string): string | undefined;
}

/** Creates a {@link Registry}. */
export function createRegistry<V>(kind: string): Registry<V> {
  const values = new Map<string, V>();
  const owners = new Map<string, string>();
  return {
    kind,
    add(key, value, owner = 'app') {
      if (values.has(key)) {
        throw coreError('BURROW_ERR_BOOT_DUPLICATE', { kind, key, first: owners.get(key) ?? 'app', second: owner });
      }
      values.set(key, value);
      owners.set(key, owner);
    },
    get: (key) => values.get(key),
    has: (key) => values.has(key),
    keys: () => [...values.keys()],
    entries: () => [...values.entries()],
    ownerOf: (key) => owners.get(key),
  };
}
