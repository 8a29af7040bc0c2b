import { describe, expect, it } from 'vitest';
import { findModel, readDatamodel, type Datamodel, type Model } from '../../../plugins/resources/internal/datamodel.js';
import { buildView, type BuildViewInput } from '../../../plugins/resources/internal/view.js';

// PostgreSQL's: Task.id is a BigInt there (an Int on SQLite).
const datamodel = readDatamodel('prisma/postgres/schema.prisma');
const model = (name: string, dm: Datamodel = datamodel): Model => findModel(dm, name)!;
const Task = model('Task');
const PTR = '#/paths/~1tasks/get/responses/200/content/application~1json/schema/items';
const BODY = '#/paths/~1tasks/post/requestBody/content/application~1json/schema';

type Schema = Record<string, unknown>;

/** A correct read schema of Task, with its to-one project (whose tasks lead back to Task) and its to-many tags. */
function taskSchemas() {
  const status: Schema = { type: 'string', enum: ['todo', 'in_progress', 'done'] };
  const tag: Schema = { type: 'object', required: ['id', 'name'], properties: { id: { type: 'integer', readOnly: true }, name: { type: 'string' } } };
  const project: Schema = {
    type: 'object',
    properties: {
      id: { type: 'integer', readOnly: true },
      name: { type: 'string' },
      description: { type: ['string', 'null'] },
      tasks: { type: 'array', items: {} },
    },
  };
  const task: Schema = {
    type: 'object',
    required: ['id', 'title'],
    properties: {
      id: { type: 'string', pattern: '^[0-9]+$', readOnly: true },
      title: { type: 'string' },
      description: { type: ['string', 'null'] },
      status,
      priority: { type: 'integer' },
      dueDate: { type: ['string', 'null'], format: 'date-time' },
      estimate: { type: ['string', 'null'] },
      meta: {},
      projectId: { type: 'integer' },
      assigneeId: { type: ['integer', 'null'] },
      version: { type: 'integer', readOnly: true },
      createdAt: { type: 'string', format: 'date-time', readOnly: true },
      updatedAt: { type: 'string', format: 'date', readOnly: true },
      project,
      tags: { type: 'array', items: tag },
    },
  };
  // The cycle: Task.project → Project.tasks → Task.
  ((project.properties as Schema).tasks as Schema).items = task;
  return { task, project, tag, status };
}

function read(schema: Schema, extra: Partial<BuildViewInput> = {}) {
  return buildView({ schema, pointer: PTR, model: Task, datamodel, use: 'read', ...extra });
}

function write(schema: Schema, action: BuildViewInput['action'] = 'create', extra: Partial<BuildViewInput> = {}) {
  return buildView({ schema, pointer: BODY, model: Task, datamodel, use: 'write', action, ...extra });
}

/** Task's read schema with some properties replaced (`undefined` removes one). */
function taskWith(properties: Record<string, unknown>): Schema {
  const { task } = taskSchemas();
  const props = { ...(task.properties as Schema), ...properties };
  for (const [name, value] of Object.entries(props)) if (value === undefined) delete props[name];
  return { ...task, properties: props };
}

/** A valid create body of Task. */
function newTask(properties: Record<string, unknown> = {}, required = ['title', 'projectId']): Schema {
  const props: Schema = {
    title: { type: 'string', minLength: 1 },
    description: { type: ['string', 'null'] },
    status: { type: 'string', enum: ['todo', 'in_progress', 'done'] },
    priority: { type: 'integer' },
    projectId: { type: 'integer' },
    tags: { type: 'array', items: { type: 'integer' } },
    ...properties,
  };
  for (const [name, value] of Object.entries(props)) if (value === undefined) delete props[name];
  return { type: 'object', required, properties: props };
}

const at = (name: string, pointer = PTR) => `${pointer}/properties/${name}`;

describe('buildView: a read schema that agrees with the model', () => {
  it('gives no problem, and a ViewField per property with its wire type', () => {
    const { task, project } = taskSchemas();
    const { view, problems } = read(task);
    expect(problems).toEqual([]);
    expect(view.model).toBe(Task);
    expect(view.pointer).toBe(PTR);
    expect(view.id.map((f) => f.name)).toEqual(['id']);
    expect([...view.fields.keys()]).toEqual(Object.keys(task.properties as Schema));
    const wires = Object.fromEntries([...view.fields.values()].map((f) => [f.name, f.wire]));
    expect(wires).toEqual({
      id: 'string',
      title: 'plain',
      description: 'plain',
      status: 'plain',
      priority: 'plain',
      dueDate: 'date-time',
      estimate: 'string',
      meta: 'json',
      projectId: 'plain',
      assigneeId: 'plain',
      version: 'plain',
      createdAt: 'date-time',
      updatedAt: 'date',
      project: 'plain',
      tags: 'plain',
    });
    const field = (name: string) => view.fields.get(name)!;
    expect(field('id')).toMatchObject({ readable: true, writable: false, required: true, nullable: false });
    expect(field('title')).toMatchObject({ readable: true, writable: true, required: true, nullable: false });
    expect(field('description')).toMatchObject({ writable: true, required: false, nullable: true });
    // Set by the database: never writable, readOnly or not.
    expect(field('updatedAt').writable).toBe(false);
    expect(field('title').field.type).toBe('String');
    expect(field('title').schema).toBe((task.properties as Schema).title);

    // Relations are viewed against their model, and the cycle closes on the same view.
    const projectView = field('project').relation!;
    expect(projectView.model.name).toBe('Project');
    expect(projectView.pointer).toBe(at('project'));
    expect(field('project').schema).toBe(project);
    expect(projectView.fields.get('tasks')!.relation).toBe(view);
    const tags = field('tags').relation!;
    expect(tags.model.name).toBe('Tag');
    expect(tags.pointer).toBe(`${at('tags')}/items`);
    expect([...tags.fields.keys()]).toEqual(['id', 'name']);
  });

  it('reads BigInt as integer (wire plain) or string (wire string), Decimal as number (wire number)', () => {
    const asInteger = read(taskWith({ id: { type: 'integer', format: 'int64', readOnly: true }, estimate: { type: ['number', 'null'] } }));
    expect(asInteger.problems).toEqual([]);
    expect(asInteger.view.fields.get('id')!.wire).toBe('plain');
    expect(asInteger.view.fields.get('estimate')!.wire).toBe('number');
  });

  it('takes an Int typed as number, and Json of any schema, nullable or not', () => {
    const { problems } = read(taskWith({ priority: { type: 'number' }, meta: { type: 'object' } }));
    expect(problems).toEqual([]);
  });

  it('merges allOf (of the record and of a property), and reads a writeOnly property as not readable', () => {
    const base: Schema = { type: 'object', required: ['id'], properties: { id: { type: 'string', readOnly: true } } };
    const status: Schema = { type: 'string', enum: ['todo', 'in_progress', 'done'] };
    const schema: Schema = {
      allOf: [
        base,
        {
          type: 'object',
          required: ['title'],
          properties: {
            title: { type: 'string' },
            status: { allOf: [status], description: 'where it stands' },
            description: { allOf: [{ type: ['string', 'null'] }], writeOnly: true },
          },
        },
      ],
    };
    const { view, problems } = read(schema);
    expect(problems).toEqual([]);
    expect([...view.fields.keys()]).toEqual(['id', 'title', 'status', 'description']);
    expect(view.fields.get('id')).toMatchObject({ required: true, wire: 'string', writable: false });
    expect(view.fields.get('title')!.required).toBe(true);
    expect(view.fields.get('status')!.schema).toMatchObject({ type: 'string', enum: ['todo', 'in_progress', 'done'], description: 'where it stands' });
    expect(view.fields.get('description')!.readable).toBe(false);
  });

  it('recognises null in OpenAPI 3.0 (nullable: true) and 3.1 (a type array, or oneOf with null)', () => {
    const { status } = taskSchemas();
    const openapi30 = read(taskWith({ description: { type: 'string', nullable: true }, dueDate: { type: 'string', format: 'date-time', nullable: true } }));
    expect(openapi30.problems).toEqual([]);
    expect(openapi30.view.fields.get('description')!.nullable).toBe(true);
    const assignee: Schema = { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } };
    const openapi31 = read(taskWith({ description: { oneOf: [{ type: 'string' }, { type: 'null' }] }, assignee: { anyOf: [assignee, { type: 'null' }] }, status }));
    expect(openapi31.problems).toEqual([]);
    expect(openapi31.view.fields.get('assignee')!.relation!.model.name).toBe('User');
    // nullable without a type adds nothing (OpenAPI 3.0.3): the value is not nullable.
    const untyped = read(taskWith({ description: { allOf: [{ type: 'string' }], nullable: true } }));
    expect(untyped.problems).toEqual([`${at('description')}: is optional in the model but not nullable in the contract (model Task, field description: String?)`]);
  });

  it('accepts the leading # of the pointer or not, and escapes property names', () => {
    const { problems } = buildView({ schema: { type: 'object', properties: { 'a/b~c': { type: 'string' } } }, pointer: PTR.slice(1), model: Task, datamodel, use: 'read' });
    expect(problems).toEqual([`${at('a~1b~0c')}: the model has no field a/b~c; its fields: ${Task.fields.map((f) => f.name).join(', ')} (model Task)`]);
  });
});

describe('buildView: drift', () => {
  it('an unknown property, with the closest field name', () => {
    expect(read(taskWith({ titel: { type: 'string' } })).problems).toEqual([`${at('titel')}: the model has no field titel; did you mean title? (model Task)`]);
  });

  it('a type that does not fit the field', () => {
    const cases: [string, unknown, string][] = [
      ['title', { type: 'integer' }, "type integer does not fit the model's String (expected string) (model Task, field title: String)"],
      ['priority', { type: 'array' }, "type array does not fit the model's Int (expected integer (or number, or a string of digits)) (model Task, field priority: Int)"],
      ['dueDate', { type: ['string', 'null'] }, "type string does not fit the model's DateTime (expected string with format date-time or date) (model Task, field dueDate: DateTime?)"],
      ['id', { type: 'integer', format: 'int32' }, "type integer (format int32) does not fit the model's BigInt (expected integer (format int64) or string) (model Task, field id: BigInt)"],
      ['estimate', { type: ['boolean', 'null'] }, "type boolean does not fit the model's Decimal (expected string or number) (model Task, field estimate: Decimal?)"],
      ['title', { description: 'no type' }, "has no type; the model's String expects string (model Task, field title: String)"],
      ['status', { type: 'integer', enum: [1, 2, 3] }, "type integer does not fit the model's TaskStatus (expected string with enum [todo, in_progress, done]) (model Task, field status: TaskStatus)"],
    ];
    for (const [name, schema, what] of cases) expect(read(taskWith({ [name]: schema })).problems, name).toEqual([`${at(name)}: ${what}`]);
  });

  it("enum values that differ from the Prisma enum's, each named", () => {
    const { problems } = read(taskWith({ status: { type: 'string', enum: ['todo', 'doing', 'done', 'archived'] } }));
    expect(problems).toEqual([
      `${at('status')}: enum differs from the model's enum TaskStatus: missing in_progress; not in the model: doing, archived (model Task, field status: TaskStatus)`,
    ]);
    expect(read(taskWith({ status: { type: 'string' } })).problems).toEqual([
      `${at('status')}: lists no enum values; the model's enum TaskStatus takes todo, in_progress, done (model Task, field status: TaskStatus)`,
    ]);
  });

  it('nullability, both ways, in a read schema', () => {
    expect(read(taskWith({ title: { type: ['string', 'null'] } })).problems).toEqual([
      `${at('title')}: is nullable in the contract but required in the model (model Task, field title: String)`,
    ]);
    expect(read(taskWith({ description: { type: 'string' } })).problems).toEqual([
      `${at('description')}: is optional in the model but not nullable in the contract (model Task, field description: String?)`,
    ]);
    const assignee: Schema = { type: 'object', properties: { id: { type: 'integer' } } };
    expect(read(taskWith({ assignee })).problems).toEqual([
      `${at('assignee')}: is optional in the model but not nullable in the contract (model Task, field assignee: User?)`,
    ]);
  });

  it('relations of the wrong shape in a read schema', () => {
    const { tag, project } = taskSchemas();
    expect(read(taskWith({ project: { type: 'array', items: project } })).problems).toEqual([
      `${at('project')}: is an array, but project is a to-one relation: describe one Project object (model Task, field project: Project)`,
    ]);
    expect(read(taskWith({ tags: tag })).problems).toEqual([
      `${at('tags')}: type object does not fit the model's relation to many Tag (expected an array of Tag objects) (model Task, field tags: Tag[])`,
    ]);
    expect(read(taskWith({ tags: { type: 'array', items: { type: 'integer' } } })).problems).toEqual([
      `${at('tags')}: type array does not fit the model's relation to many Tag (expected an array of Tag objects) (model Task, field tags: Tag[])`,
    ]);
  });

  it('drift inside a relation, at its own pointer, reported once however often the cycle reaches it', () => {
    const { task, project } = taskSchemas();
    (project.properties as Schema).name = { type: 'integer' };
    (task.properties as Schema).colour = { type: 'string' };
    const { problems } = read(task);
    expect(problems).toEqual([
      `${at('project')}/properties/name: type integer does not fit the model's String (expected string) (model Project, field name: String)`,
      `${at('colour')}: the model has no field colour; its fields: ${Task.fields.map((f) => f.name).join(', ')} (model Task)`,
    ]);
  });

  it('lists every problem at once', () => {
    const { problems } = read(
      taskWith({
        titel: { type: 'string' },
        priority: { type: 'boolean' },
        description: { type: 'string' },
        status: { type: 'string', enum: ['todo', 'done'] },
      }),
    );
    expect(problems).toEqual([
      `${at('description')}: is optional in the model but not nullable in the contract (model Task, field description: String?)`,
      `${at('status')}: enum differs from the model's enum TaskStatus: missing in_progress (model Task, field status: TaskStatus)`,
      `${at('priority')}: type boolean does not fit the model's Int (expected integer (or number, or a string of digits)) (model Task, field priority: Int)`,
      `${at('titel')}: the model has no field titel; did you mean title? (model Task)`,
    ]);
  });

  it('a record schema that is no object', () => {
    expect(read({ type: 'string' }).problems).toEqual([`${PTR}: type string is no object; a Task record is an object (model Task)`]);
  });
});

describe('buildView: request schemas', () => {
  it('a correct create body: writable fields, tags as ids of Tag', () => {
    const { view, problems } = write(newTask());
    expect(problems).toEqual([]);
    expect(view.fields.get('title')).toMatchObject({ writable: true, required: true });
    const tags = view.fields.get('tags')!;
    expect(tags.writable).toBe(true);
    expect(tags.relation).toMatchObject({ pointer: `${BODY}/properties/tags/items`, fields: new Map() });
    expect(tags.relation!.model.name).toBe('Tag');
    expect(tags.relation!.id.map((f) => f.name)).toEqual(['id']);
  });

  it('fields the model requires without a default must be required by create and replace, not by patch', () => {
    const missing = newTask({ projectId: undefined }, ['title']);
    const problem = `${at('projectId', BODY)}: field projectId is required by the model and has no default: the request schema must require it (model Task, field projectId: Int)`;
    expect(write(missing).problems).toEqual([problem]);
    expect(write(missing, 'replace').problems).toEqual([problem]);
    expect(write(newTask({}, ['projectId'])).problems).toEqual([problem.replaceAll('projectId', 'title').replace(': Int)', ': String)')]);
    expect(write(missing, 'patch').problems).toEqual([]);
    // A nested route supplies the foreign key from the path.
    expect(write(missing, 'create', { supplied: ['projectId'] }).problems).toEqual([]);
  });

  it('a field the database sets is a problem unless readOnly; readOnly fields are not writable', () => {
    expect(write(newTask({ id: { type: 'string' } })).problems).toEqual([
      `${at('id', BODY)}: id is set by the database: mark it readOnly or remove it from the request schema (model Task, field id: BigInt)`,
    ]);
    expect(write(newTask({ updatedAt: { type: 'string', format: 'date-time' } }), 'patch').problems).toEqual([
      `${at('updatedAt', BODY)}: updatedAt is set by the database: mark it readOnly or remove it from the request schema (model Task, field updatedAt: DateTime)`,
    ]);
    const marked = write(newTask({ id: { type: 'string', readOnly: true }, version: { type: 'integer', readOnly: true } }));
    expect(marked.problems).toEqual([]);
    expect(marked.view.fields.get('id')!.writable).toBe(false);
    expect(marked.view.fields.get('version')!.writable).toBe(false);
    // The core's request view replaces a readOnly property by a marker.
    const viewed = write(newTask({ id: { 'x-burrow-read-only': true } }));
    expect(viewed.problems).toEqual([]);
    expect(viewed.view.fields.get('id')!.writable).toBe(false);
    // Other defaults are defaults: the client may set createdAt.
    const created = write(newTask({ createdAt: { type: 'string', format: 'date-time' } }));
    expect(created.problems).toEqual([]);
    expect(created.view.fields.get('createdAt')!.writable).toBe(true);
  });

  it('a required field may not be nullable in a request', () => {
    expect(write(newTask({ title: { type: ['string', 'null'] } })).problems).toEqual([
      `${at('title', BODY)}: is nullable in the contract but required in the model (model Task, field title: String)`,
    ]);
    // Optional and not nullable is fine: the client cannot clear it, that is all.
    expect(write(newTask({ description: { type: 'string' } })).problems).toEqual([]);
  });

  it('nested writes are refused; a to-many relation takes ids of the related id type', () => {
    const { project, tag } = taskSchemas();
    expect(write(newTask({ project })).problems).toEqual([
      `${at('project', BODY)}: nested writes are not supported; write the foreign key field (projectId) instead (model Task, field project: Project)`,
    ]);
    expect(write(newTask({ tags: { type: 'array', items: tag } })).problems).toEqual([
      `${at('tags', BODY)}: nested writes are not supported; send the ids of the Tag records to connect (an array of Tag ids) (model Task, field tags: Tag[])`,
    ]);
    expect(write(newTask({ tags: { type: 'array', items: { type: 'boolean' } } })).problems).toEqual([
      `${at('tags', BODY)}: its items (ids of Tag, id: Int): type boolean does not fit the model's Int (expected integer (or number, or a string of digits)) (model Task, field tags: Tag[])`,
    ]);
  });
});

describe('buildView: every Prisma type', () => {
  const dm = readDatamodel(`
    datasource db {
      provider = "postgresql"
    }
    enum Kind {
      a
      b
    }
    model Thing {
      id      String   @id @default(uuid())
      score   Float
      ok      Boolean
      data    Bytes?
      big     BigInt
      names   String[]
      kinds   Kind[]
      blob    Json
    }
  `);
  const Thing = findModel(dm, 'Thing')!;
  const thing = (properties: Schema) => buildView({ schema: { type: 'object', properties }, pointer: '#/components/schemas/Thing', model: Thing, datamodel: dm, use: 'read' });
  const good = {
    id: { type: 'string', format: 'uuid' },
    score: { type: 'number' },
    ok: { type: 'boolean' },
    data: { type: ['string', 'null'], format: 'byte' },
    big: { type: 'string', pattern: '^[0-9]+$' },
    names: { type: 'array', items: { type: 'string' } },
    kinds: { type: 'array', items: { type: 'string', enum: ['a', 'b'] } },
    blob: { type: ['object', 'array', 'string', 'number', 'boolean', 'null'] },
  };

  it('matches each with its wire type', () => {
    const { view, problems } = thing(good);
    expect(problems).toEqual([]);
    expect(Object.fromEntries([...view.fields.values()].map((f) => [f.name, f.wire]))).toEqual({
      id: 'plain',
      score: 'plain',
      ok: 'plain',
      data: 'base64',
      big: 'string',
      names: 'plain',
      kinds: 'plain',
      blob: 'json',
    });
  });

  it('names what does not fit', () => {
    const { problems } = thing({
      ...good,
      score: { type: 'integer' },
      data: { type: ['string', 'null'] },
      names: { type: 'string' },
      kinds: { type: 'array', items: { type: 'string', enum: ['a'] } },
    });
    const p = '#/components/schemas/Thing/properties';
    expect(problems).toEqual([
      `${p}/score: type integer does not fit the model's Float (expected number) (model Thing, field score: Float)`,
      `${p}/data: type string does not fit the model's Bytes (expected string with format byte) (model Thing, field data: Bytes?)`,
      `${p}/names: type string does not fit the model's String[] (expected an array of string) (model Thing, field names: String[])`,
      `${p}/kinds: its items: enum differs from the model's enum Kind: missing b (model Thing, field kinds: Kind[])`,
    ]);
  });
});
