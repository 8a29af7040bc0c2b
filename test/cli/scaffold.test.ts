import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import $RefParser from '@apidevtools/json-schema-ref-parser';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, loadContract } from '../../core/index.js';
import { resources } from '../../plugins/resources/index.js';
import { findModel, readDatamodel } from '../../plugins/resources/internal/datamodel.js';
import { buildView } from '../../plugins/resources/internal/view.js';
import { lintContract } from '../../cli/lint.js';
import { pluralize, resourceNames } from '../../cli/scaffold-names.js';
import type { RootSnippet } from '../../cli/scaffold.js';
import { burrowInProcess } from './run-cli.js';

// PostgreSQL's: Task.id is a BigInt there (an Int on SQLite).
const SCHEMA = 'prisma/postgres/schema.prisma';
const datamodel = readDatamodel(SCHEMA);
const root = mkdtempSync(path.join(tmpdir(), 'burrow-scaffold-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Json = Record<string, any>;

/** Scaffolds `models` into `<dir>/openapi`, and writes `<dir>/openapi/api.yaml` from the printed snippets. */
async function scaffold(dir: string, models: string[], extra: string[] = []): Promise<{ contract: string; outputs: string[] }> {
  const out = path.join(dir, 'openapi');
  const snippets: RootSnippet[] = [];
  const outputs: string[] = [];
  for (const model of models) {
    const run = await burrowInProcess(['scaffold', 'resource', model, '--schema', SCHEMA, '--out', out, ...extra]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    outputs.push(run.stdout);
    snippets.push(parse(run.stdout.slice(run.stdout.indexOf('# Add to the root document'))) as RootSnippet);
  }
  const document = {
    openapi: '3.1.0',
    info: { title: 'Scaffolded', version: '1.0.0', license: { name: 'MIT', identifier: 'MIT' } },
    servers: [{ url: '/' }],
    security: [],
    tags: snippets.flatMap((s) => s.tags),
    paths: Object.assign({}, ...snippets.map((s) => s.paths)),
    components: { schemas: Object.assign({}, ...snippets.map((s) => s.components.schemas)) },
  };
  const contract = path.join(out, 'api.yaml');
  writeFileSync(contract, stringify(document));
  return { contract, outputs };
}

/** Every schema the resources plugin views, as it finds them in the dereferenced contract, with buildView's problems. */
async function drift(contract: string, supplied: string[] = []): Promise<{ checked: string[]; problems: string[] }> {
  const { document } = await loadContract(contract, { cache: false });
  const dereferenced = (await $RefParser.dereference(structuredClone(document) as never)) as Json;
  const checked: string[] = [];
  const problems: string[] = [];
  const token = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
  for (const [route, item] of Object.entries<Json>(dereferenced.paths)) {
    for (const method of ['get', 'put', 'post', 'patch', 'delete']) {
      const op = item[method];
      const binding = op?.['x-burrow-resource'];
      if (!binding) continue;
      const model = findModel(datamodel, binding.model)!;
      const at = `#/paths/${token(route)}/${method}`;
      const view = (schema: Json, pointer: string, use: 'read' | 'write') => {
        const action = use === 'write' ? binding.action : undefined;
        problems.push(...buildView({ schema, pointer, model, datamodel, use, action, supplied }).problems);
        checked.push(`${op.operationId} ${use}`);
      };
      for (const status of ['200', '201']) {
        const schema = op.responses[status]?.content?.['application/json']?.schema;
        if (!schema) continue;
        const pointer = `${at}/responses/${status}/content/application~1json/schema`;
        if (binding.action === 'list') view(schema.properties.items.items, `${pointer}/properties/items/items`, 'read');
        else view(schema, pointer, 'read');
      }
      const body = op.requestBody?.content?.['application/json']?.schema;
      if (body) view(body, `${at}/requestBody/content/application~1json/schema`, 'write');
    }
  }
  return { checked, problems };
}

const yamlOf = (file: string) => parse(readFileSync(file, 'utf8')) as Json;

describe('burrow scaffold resource', () => {
  const dir = path.join(root, 'app');
  const out = path.join(dir, 'openapi');
  let scaffolded: Promise<{ contract: string; outputs: string[] }>;
  beforeAll(async () => {
    scaffolded = scaffold(dir, ['Task', 'Comment']);
    await scaffolded;
  });

  it('writes the paths and schemas of each model, and prints the snippet of the root document', async () => {
    const { outputs } = await scaffolded;
    for (const file of ['paths/tasks.yaml', 'paths/tasks-by-id.yaml', 'schemas/task.yaml', 'paths/comments.yaml', 'paths/comments-by-id.yaml', 'schemas/comment.yaml']) {
      expect(existsSync(path.join(out, file)), file).toBe(true);
    }
    expect(outputs[0]).toContain(`wrote ${path.join(out, 'paths/tasks.yaml')}\n`);
    const snippet = parse(outputs[0]!.slice(outputs[0]!.indexOf('# Add'))) as RootSnippet;
    expect(snippet).toEqual({
      paths: { '/tasks': { $ref: './paths/tasks.yaml' }, '/tasks/{id}': { $ref: './paths/tasks-by-id.yaml' } },
      components: {
        schemas: {
          Task: { $ref: './schemas/task.yaml#/Task' },
          NewTask: { $ref: './schemas/task.yaml#/NewTask' },
          TaskPatch: { $ref: './schemas/task.yaml#/TaskPatch' },
          TaskPage: { $ref: './schemas/task.yaml#/TaskPage' },
          TaskStatus: { $ref: './schemas/task.yaml#/TaskStatus' },
        },
      },
      tags: [{ name: 'tasks', description: 'Tasks (Prisma model Task).' }],
    });
  });

  it('writes a contract that loads, and that `burrow lint` finds nothing in', async () => {
    const { contract } = await scaffolded;
    await expect(loadContract(contract, { cache: false })).resolves.toMatchObject({ version: '3.1' });
    const report = await lintContract(contract);
    expect(report.problems).toEqual([]);
    expect(report.extensions.filter((e) => e.name === 'x-burrow-resource')).toHaveLength(12);
  });

  it('writes schemas in which the drift check of the resources plugin finds nothing', async () => {
    const { contract } = await scaffolded;
    const { checked, problems } = await drift(contract);
    expect(problems).toEqual([]);
    expect(checked).toEqual([
      'listTasks read',
      'createTask read',
      'createTask write',
      'getTask read',
      'replaceTask read',
      'replaceTask write',
      'patchTask read',
      'patchTask write',
      'listComments read',
      'createComment read',
      'createComment write',
      'getComment read',
      'replaceComment read',
      'replaceComment write',
      'patchComment read',
      'patchComment write',
    ]);
  });

  it('writes a contract the resources plugin binds at boot (query parameters, routes, schemas)', async () => {
    const { contract } = await scaffolded;
    const prisma = { $transaction: async () => undefined, $queryRawUnsafe: async () => 1 };
    const kernel = await createKernel({ contract, plugins: [resources({ prisma, datamodel, disconnectOnClose: false })] });
    await kernel.close();
  });

  it('binds each operation, names it, and declares ETag, If-Match, 304 and problem responses', async () => {
    await scaffolded;
    const list = yamlOf(path.join(out, 'paths/tasks.yaml'));
    const byId = yamlOf(path.join(out, 'paths/tasks-by-id.yaml'));
    const ops = [list.get, list.post, byId.get, byId.put, byId.patch, byId.delete];
    expect(ops.map((o) => o.operationId)).toEqual(['listTasks', 'createTask', 'getTask', 'replaceTask', 'patchTask', 'deleteTask']);
    expect(ops.map((o) => o['x-burrow-resource'])).toEqual(
      ['list', 'create', 'get', 'replace', 'patch', 'delete'].map((action) => ({ model: 'Task', action })),
    );
    expect(list.get.parameters.map((p: Json) => p.name)).toEqual(['filter', 'sort', 'limit', 'offset', 'cursor', 'select', 'include', 'count']);
    const filter = list.get.parameters[0];
    expect(filter.description).toContain('- `status`: eq, ne, in');
    expect(filter.description).toContain('- `project.name`: eq, ne, gt, gte, lt, lte, in, contains, startsWith');
    expect(Object.keys(filter.examples).length).toBeGreaterThan(1);
    expect(list.post.responses['201'].headers).toHaveProperty('Location');
    expect(byId.get.parameters.map((p: Json) => p.name)).toEqual(['include', 'If-None-Match']);
    expect(byId.get.responses['200'].headers).toHaveProperty('ETag');
    expect(byId.get.responses).toHaveProperty('304');
    for (const op of [byId.put, byId.patch, byId.delete]) expect(op.parameters.map((p: Json) => p.name)).toEqual(['If-Match']);
    expect(byId.delete.responses).toHaveProperty('204');
    // Problems: Burrow's own responses and schema, from the burrowjs this project resolves (here, the repository).
    const notFound = byId.get.responses['404'].$ref as string;
    expect(path.resolve(out, 'paths', notFound.split('#')[0]!)).toBe(path.resolve('openapi/responses.yaml'));
    expect(notFound.endsWith('#/NotFound')).toBe(true);
    expect(byId.patch.responses['412'].content['application/problem+json'].schema.$ref).toMatch(/openapi\/problem\.yaml#\/BurrowProblem$/);
  });

  it('types each field as the model holds it: ids and DB-set fields readOnly, optional fields nullable', async () => {
    await scaffolded;
    const schemas = yamlOf(path.join(out, 'schemas/task.yaml'));
    const task = schemas.Task.properties;
    expect(task.id).toMatchObject({ type: 'string', pattern: '^[0-9]+$', readOnly: true });
    expect(task.estimate).toMatchObject({ type: ['string', 'null'] });
    expect(task.dueDate).toEqual({ type: ['string', 'null'], format: 'date-time' });
    expect(task.meta).toEqual({});
    expect(task.status).toEqual({ $ref: '#/TaskStatus' });
    for (const name of ['version', 'createdAt', 'updatedAt']) expect(task[name].readOnly, name).toBe(true);
    expect(task.project).toMatchObject({ type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } });
    expect(task.assignee.type).toEqual(['object', 'null']);
    expect(task).not.toHaveProperty('tags');
    expect(schemas.TaskStatus).toMatchObject({ type: 'string', enum: ['todo', 'in_progress', 'done'] });
    expect(schemas.NewTask.required).toEqual(['title', 'projectId']);
    expect(Object.keys(schemas.NewTask.properties)).toEqual(['title', 'description', 'status', 'priority', 'dueDate', 'estimate', 'meta', 'projectId', 'assigneeId']);
    expect(schemas.TaskPatch).toMatchObject({ minProperties: 1, additionalProperties: false });
    expect(schemas.TaskPatch).not.toHaveProperty('required');
    expect(schemas.TaskPage).toMatchObject({ required: ['items'], properties: { items: { type: 'array', items: { $ref: '#/Task' } }, total: { type: 'integer' }, nextCursor: { type: 'string' } } });
    const comment = yamlOf(path.join(out, 'schemas/comment.yaml'));
    expect(comment.Comment.properties.taskId).toMatchObject({ type: 'string', pattern: '^-?[0-9]+$' });
    expect(comment.NewComment.required).toEqual(['body', 'taskId', 'authorId']);
  });

  it('hides secret-looking fields from responses (writeOnly)', async () => {
    const dir = path.join(root, 'users');
    await scaffold(dir, ['User']);
    const user = yamlOf(path.join(dir, 'openapi/schemas/user.yaml'));
    expect(user.User.properties.passwordHash).toMatchObject({ writeOnly: true });
    expect(user.User.properties.role).toEqual({ $ref: '#/Role' });
  });

  it('scaffolds a nested route: the path supplies the foreign key', async () => {
    const dir = path.join(root, 'nested');
    const { contract, outputs } = await scaffold(dir, ['Task'], ['--path', '/projects/{projectId}/tasks']);
    expect(outputs[0]).toContain("/projects/{projectId}/tasks/{id}:\n    $ref: ./paths/tasks-by-id.yaml");
    const schemas = yamlOf(path.join(dir, 'openapi/schemas/task.yaml'));
    expect(schemas.NewTask.required).toEqual(['title']);
    expect(schemas.NewTask.properties).not.toHaveProperty('projectId');
    const list = yamlOf(path.join(dir, 'openapi/paths/tasks.yaml'));
    expect(list.parameters).toEqual([{ name: 'projectId', in: 'path', required: true, description: 'The projectId of the tasks.', schema: { type: 'integer', format: 'int32' } }]);
    expect((await lintContract(contract)).problems).toEqual([]);
    expect((await drift(contract, ['projectId'])).problems).toEqual([]);
  });

  it('writes JSON with --format json', async () => {
    const dir = path.join(root, 'json');
    const run = await burrowInProcess(['scaffold', 'resource', 'Tag', '--schema', SCHEMA, '--out', path.join(dir, 'openapi'), '--format', 'json']);
    expect(run.code).toBe(0);
    const schemas = JSON.parse(readFileSync(path.join(dir, 'openapi/schemas/tag.json'), 'utf8')) as Json;
    expect(Object.keys(schemas)).toEqual(['Tag', 'NewTag', 'TagPatch', 'TagPage']);
    const byId = JSON.parse(readFileSync(path.join(dir, 'openapi/paths/tags-by-id.json'), 'utf8')) as Json;
    expect(byId.get.responses['200'].content['application/json'].schema).toEqual({ $ref: '../schemas/tag.json#/Tag' });
    const snippet = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as RootSnippet;
    expect(snippet.paths['/tags']).toEqual({ $ref: './paths/tags.json' });
  });

  it('refuses to overwrite a file (exit 1, naming it) unless --force', async () => {
    const dir = path.join(root, 'existing');
    const out = path.join(dir, 'openapi');
    const args = ['scaffold', 'resource', 'Tag', '--schema', SCHEMA, '--out', out];
    expect((await burrowInProcess(args)).code).toBe(0);
    const file = path.join(out, 'schemas/tag.yaml');
    writeFileSync(file, '# mine\n');
    const refused = await burrowInProcess(args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(path.join(out, 'paths/tags.yaml'));
    expect(refused.stderr).toContain(file);
    expect(refused.stderr).toMatch(/use --force to overwrite/);
    expect(readFileSync(file, 'utf8')).toBe('# mine\n');

    const forced = await burrowInProcess([...args, '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^# Scaffolded by `burrow scaffold resource Tag --schema prisma\/postgres\/schema\.prisma`/);
  });

  it('names the models, the closest first, for an unknown model (exit 1)', async () => {
    const run = await burrowInProcess(['scaffold', 'resource', 'Taks', '--schema', SCHEMA, '--out', path.join(root, 'none')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('burrow scaffold: prisma/postgres/schema.prisma has no model Taks (did you mean Task?); models: User, Project, Task, Tag, Comment\n');
    expect(existsSync(path.join(root, 'none'))).toBe(false);
  });

  it('reports a Prisma schema it cannot read (exit 1)', async () => {
    const run = await burrowInProcess(['scaffold', 'resource', 'Task', '--schema', path.join(root, 'nothing.prisma')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no Prisma schema at .*nothing\.prisma/);
  });

  it('prints its help (exit 0), and `burrow --help` lists it', async () => {
    const help = await burrowInProcess(['scaffold', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: burrow scaffold resource <Model> \[options\]/);
    expect(help.stdout).toContain('--force');
    expect((await burrowInProcess(['--help'])).stdout).toMatch(/scaffold +write the contract of a CRUD resource from a Prisma model/);
  });

  it('refuses a wrong command line with exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['scaffold'], /missing what to scaffold: resource/],
      [['scaffold', 'resource'], /missing <Model>/],
      [['scaffold', 'handler', 'Task'], /cannot scaffold handler: only resource/],
      [['scaffold', 'resource', 'Task', 'Tag'], /unexpected argument: Tag/],
      [['scaffold', 'resource', 'Task', '--format', 'xml'], /--format must be yaml or json, not xml/],
      [['scaffold', 'resource', 'Task', '--frobnicate'], /Unknown option '--frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const run = await burrowInProcess(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toContain('Usage: burrow scaffold resource <Model>');
    }
  });

  it('refuses a nested path whose parameter names no field (exit 1)', async () => {
    const run = await burrowInProcess(['scaffold', 'resource', 'Task', '--schema', SCHEMA, '--out', path.join(root, 'bad-path'), '--path', '/boards/{boardId}/tasks']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\{boardId\} names no field of Task/);
  });
});

describe('scaffold names', () => {
  it('derives plurals, files and paths from the model name', () => {
    expect(['Task', 'Category', 'Box', 'Day', 'Status'].map(pluralize)).toEqual(['Tasks', 'Categories', 'Boxes', 'Days', 'Statuses']);
    expect(resourceNames('TaskComment')).toMatchObject({ plural: 'TaskComments', schemaFile: 'task-comment', pathFile: 'task-comments', path: '/task-comments', singularWords: 'task comment' });
  });
});
