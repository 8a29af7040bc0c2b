import { defineErrors, defineHandlers } from 'burrowjs';
import type { operations } from './generated/api.js';
import type { TaskStore } from './store.js';

/** The example's own error codes, with the same guarantees as Burrow's. */
export const taskErrors = defineErrors({
  TASKS_ERR_NOT_FOUND: {
    status: 404,
    title: 'No task has this id',
    detail: 'no task has the id {id}',
    means: 'The task was deleted, or never existed.',
    do: 'List the tasks (`GET /tasks`) to find a current id.',
  },
});

const notFound = (id: string) => taskErrors.create('TASKS_ERR_NOT_FOUND', { id });

/**
 * The handlers of the task contract, one per operationId, typed from the contract:
 * a missing operation or a body of the wrong shape fails `tsc`.
 */
export function createTaskHandlers(store: TaskStore) {
  return defineHandlers<operations>({
    async listTasks({ query }) {
      const limit = query.limit ?? 20;
      const offset = query.offset ?? 0;
      const page = await store.list({ status: query.status, limit, offset });
      return { status: 200, body: { ...page, limit, offset } };
    },
    async createTask({ body, instance }) {
      const task = await store.create(body);
      return { status: 201, body: task, headers: { location: `${instance}/${task.id}` } };
    },
    async getTask({ params }) {
      const task = await store.get(params.id);
      if (!task) throw notFound(params.id);
      return { status: 200, body: task };
    },
    async updateTask({ params, body }) {
      const task = await store.update(params.id, body);
      if (!task) throw notFound(params.id);
      return { status: 200, body: task };
    },
    async deleteTask({ params }) {
      if (!(await store.remove(params.id))) throw notFound(params.id);
      return { status: 204 };
    },
  });
}
