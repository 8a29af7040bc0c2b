import { randomUUID } from 'node:crypto';
import type { components } from './generated/api.js';

export type Task = components['schemas']['Task'];
export type NewTask = components['schemas']['NewTask'];
export type TaskPatch = components['schemas']['TaskPatch'];
export type TaskStatus = components['schemas']['TaskStatus'];

/**
 * The example's task store: in memory for now (the Prisma issue replaces it with a
 * database behind the same interface).
 */
export interface TaskStore {
  list(filter: { status?: TaskStatus; limit: number; offset: number }): Promise<{ items: Task[]; total: number }>;
  get(id: string): Promise<Task | undefined>;
  create(input: NewTask): Promise<Task>;
  update(id: string, patch: TaskPatch): Promise<Task | undefined>;
  remove(id: string): Promise<boolean>;
}

/** An in-memory {@link TaskStore}; ids are UUIDs, listing is newest first. */
export function createMemoryTaskStore(): TaskStore {
  const tasks = new Map<string, Task>();
  return {
    async list({ status, limit, offset }) {
      const all = [...tasks.values()].filter((t) => !status || t.status === status).reverse();
      return { items: all.slice(offset, offset + limit), total: all.length };
    },
    async get(id) {
      return tasks.get(id);
    },
    async create(input) {
      const now = new Date().toISOString();
      const task: Task = {
        id: randomUUID(),
        title: input.title,
        description: input.description ?? null,
        status: input.status ?? 'todo',
        priority: input.priority ?? 'medium',
        dueDate: input.dueDate ?? null,
        createdAt: now,
        updatedAt: now,
      };
      tasks.set(task.id, task);
      return task;
    },
    async update(id, patch) {
      const task = tasks.get(id);
      if (!task) return undefined;
      const updated: Task = { ...task, ...patch, updatedAt: new Date().toISOString() };
      tasks.set(id, updated);
      return updated;
    },
    async remove(id) {
      return tasks.delete(id);
    },
  };
}
