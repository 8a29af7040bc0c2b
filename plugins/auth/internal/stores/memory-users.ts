/**
 * A user store kept in memory: for tests, demos and small fixed user lists. Plain
 * passwords are hashed (scrypt) on first use, so building the store costs nothing.
 */
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../password.js';
import type { UserRecord, UserStore } from '../types.js';

/** One user given to {@link memoryUsers}: a plain `password` or an already hashed `passwordHash`. */
export interface MemoryUser {
  /** Defaults to a random UUID. */
  id?: string;
  name: string;
  /** Hashed on first use; never kept in clear after that. */
  password?: string;
  /** A `scrypt$…` hash (see `hashPassword`). */
  passwordHash?: string;
  /** Defaults to none. */
  groups?: string[];
  disabled?: boolean;
}

/**
 * A {@link UserStore} over a fixed list of users, held in this process. Names are
 * unique (case-sensitive); `create` adds to the list (the seeded admin, tests).
 * Records handed out are copies: changing them does not change the store.
 *
 * @example
 * auth({ users: memoryUsers([{ name: 'ada', password: process.env.ADA_PASSWORD, groups: ['admin'] }]) })
 */
export function memoryUsers(users: readonly MemoryUser[] = []): UserStore {
  const byName = new Map<string, UserRecord>();
  const byId = new Map<string, UserRecord>();
  const plain: { record: UserRecord; password: string }[] = [];
  const add = (record: UserRecord) => {
    if (byName.has(record.name)) throw new TypeError(`memoryUsers: the user name "${record.name}" is given twice`);
    if (byId.has(record.id)) throw new TypeError(`memoryUsers: the user id "${record.id}" is given twice`);
    byName.set(record.name, record);
    byId.set(record.id, record);
  };
  for (const user of users) {
    if (typeof user?.name !== 'string' || !user.name) throw new TypeError('memoryUsers: every user needs a non-empty name');
    if (user.password !== undefined && user.passwordHash !== undefined) {
      throw new TypeError(`memoryUsers: user "${user.name}" has both password and passwordHash; give one`);
    }
    const record: UserRecord = {
      id: user.id ?? randomUUID(),
      name: user.name,
      passwordHash: user.passwordHash ?? null,
      groups: [...(user.groups ?? [])],
      ...(user.disabled ? { disabled: true } : {}),
    };
    add(record);
    if (user.password !== undefined) plain.push({ record, password: user.password });
  }

  // Hashing is slow on purpose (scrypt): done once, on the first lookup, not at construction.
  let hashed: Promise<void> | undefined;
  const ready = () =>
    (hashed ??= Promise.all(
      plain.map(async (entry) => {
        entry.record.passwordHash = await hashPassword(entry.password);
      }),
    ).then(() => void plain.splice(0)));
  const copy = (record: UserRecord | undefined): UserRecord | undefined => (record ? { ...record, groups: [...record.groups] } : undefined);

  return {
    async findByName(name) {
      await ready();
      return copy(byName.get(name));
    },
    async findById(id) {
      await ready();
      return copy(byId.get(id));
    },
    async create(user) {
      const record: UserRecord = { id: randomUUID(), name: user.name, passwordHash: user.passwordHash, groups: [...user.groups] };
      add(record);
      return copy(record)!;
    },
    async count() {
      return byName.size;
    },
  };
}
