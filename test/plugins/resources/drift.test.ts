import { describe, expect, it } from 'vitest';
import { createKernel } from '../../../core/index.js';
import { readDatamodel, resources } from '../../../plugins/resources/index.js';

const datamodel = readDatamodel('prisma/sqlite/schema.prisma');
// Nothing is queried at boot: a client that is never called is enough to check the contract.
const prisma = { $transaction: async () => undefined };

function contract(taskSchema: object, binding: object = { model: 'Task', action: 'get' }) {
  return {
    openapi: '3.1.0',
    info: { title: 'drift', version: '1' },
    paths: {
      '/tasks/{id}': {
        get: {
          operationId: 'getTask',
          'x-burrow-resource': binding,
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'a task', content: { 'application/json': { schema: taskSchema } } } },
        },
      },
    },
  };
}

const boot = (document: Record<string, unknown>) =>
  createKernel({ contract: document as never, logger: { level: 'silent' }, contractCache: false, plugins: [resources({ prisma, datamodel, disconnectOnClose: false })] });

describe('the drift check at boot', () => {
  it('boots a schema that agrees with its model', async () => {
    const kernel = await boot(contract({ type: 'object', properties: { id: { type: 'string', readOnly: true }, title: { type: 'string' }, status: { type: 'string', enum: ['todo', 'in_progress', 'done'] } } }));
    await kernel.close();
  });

  it('stops the boot listing every disagreement with its JSON pointer and model field', async () => {
    const attempt = boot(
      contract({
        type: 'object',
        properties: {
          id: { type: 'string', readOnly: true },
          titel: { type: 'string' },
          priority: { type: 'boolean' },
          description: { type: 'string' },
          status: { type: 'string', enum: ['todo', 'done', 'lost'] },
        },
      }),
    );
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e as { code: string; extensions: { problems: string[] } },
    );
    expect(error?.code).toBe('BURROW_ERR_BOOT_CONFORMANCE');
    const problems = error!.extensions.problems.join('\n');
    const at = '#/paths/~1tasks~1{id}/get/responses/200/content/application~1json/schema/properties';
    expect(problems).toContain(`${at}/titel`);
    expect(problems).toContain('title');
    expect(problems).toContain(`${at}/priority`);
    expect(problems).toContain(`${at}/description`);
    expect(problems).toContain(`${at}/status`);
    expect(problems).toMatch(/in_progress/);
    expect(problems).toMatch(/lost/);
    expect(error!.extensions.problems.length).toBeGreaterThanOrEqual(4);
  });

  it('names an unknown model, with the closest one', async () => {
    await expect(boot(contract({ type: 'object' }, { model: 'Tsk', action: 'get' }))).rejects.toMatchObject({
      code: 'BURROW_ERR_BOOT_CONFORMANCE',
      extensions: { problems: [expect.stringMatching(/no Prisma model is named Tsk \(did you mean Task\?\)/)] },
    });
  });

  it('refuses a malformed binding with its pointer', async () => {
    await expect(boot(contract({ type: 'object' }, { model: 'Task', action: 'fetch' }))).rejects.toMatchObject({ code: 'BURROW_ERR_BOOT_CONFORMANCE' });
  });
});

describe('a list with a select parameter', () => {
  it('must not require fields the select may leave out', async () => {
    const document = {
      openapi: '3.1.0',
      info: { title: 'select', version: '1' },
      paths: {
        '/tasks': {
          get: {
            operationId: 'listTasks',
            'x-burrow-resource': { model: 'Task', action: 'list' },
            parameters: [{ name: 'select', in: 'query', schema: { type: 'string' } }],
            responses: {
              '200': {
                description: 'tasks',
                content: { 'application/json': { schema: { type: 'array', items: { type: 'object', required: ['id', 'title'], properties: { id: { type: 'string' }, title: { type: 'string' } } } } } },
              },
            },
          },
        },
      },
    };
    await expect(boot(document)).rejects.toMatchObject({
      extensions: { problems: [expect.stringMatching(/items\/required: GET \/tasks \(listTasks\) has a select parameter, which may leave out title/)] },
    });
  });
});
