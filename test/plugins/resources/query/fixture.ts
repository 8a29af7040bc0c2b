/** A hand-built view of a small Task model for the list query tests. */
import type { ModelField, Model } from '../../../../plugins/resources/internal/datamodel.js';
import type { ResourceView, ViewField, WireType } from '../../../../plugins/resources/internal/binding.js';
import { compileListQuery, type ListQueryPlan } from '../../../../plugins/resources/internal/query/index.js';
import type { QueryBinding } from '../../../../plugins/resources/internal/binding.js';

function modelField(name: string, type: string, extra: Partial<ModelField> = {}): ModelField {
  const kind = extra.kind ?? (/^[A-Z]/.test(type) && !['String', 'Int', 'BigInt', 'Float', 'Decimal', 'Boolean', 'DateTime', 'Json', 'Bytes'].includes(type) ? 'enum' : 'scalar');
  return {
    name,
    kind,
    type,
    isList: false,
    isRequired: true,
    isId: false,
    isUnique: false,
    hasDefaultValue: false,
    isUpdatedAt: false,
    isReadOnly: false,
    ...extra,
  };
}

function viewField(field: ModelField, schema: Record<string, unknown>, extra: Partial<ViewField> = {}): ViewField {
  return {
    name: field.name,
    field,
    schema,
    wire: 'plain' as WireType,
    readable: true,
    writable: !field.isId,
    required: field.isRequired,
    nullable: !field.isRequired,
    ...extra,
  };
}

function view(model: Model, pointer: string, fields: ViewField[]): ResourceView {
  return { model, pointer, fields: new Map(fields.map((f) => [f.name, f])), id: model.fields.filter((f) => f.isId) };
}

// Project { id Int @id, name String, ownerId Int (not in the view) }
const projectFields = {
  id: modelField('id', 'Int', { isId: true, hasDefaultValue: true, isReadOnly: true }),
  name: modelField('name', 'String', { isUnique: true }),
  ownerId: modelField('ownerId', 'Int'),
};
export const projectModel: Model = { name: 'Project', fields: Object.values(projectFields) };
export const projectView = view(projectModel, '#/components/schemas/Project', [
  viewField(projectFields.id, { type: 'integer' }),
  viewField(projectFields.name, { type: 'string' }),
]);

// Tag { id Int @id, name String }
const tagFields = {
  id: modelField('id', 'Int', { isId: true }),
  name: modelField('name', 'String'),
};
export const tagModel: Model = { name: 'Tag', fields: Object.values(tagFields) };
export const tagView = view(tagModel, '#/components/schemas/Tag', [viewField(tagFields.id, { type: 'integer' }), viewField(tagFields.name, { type: 'string' })]);

// Task: passwordHash is a model field the contract's schema does not declare; pin is declared write-only.
export const taskFields = {
  id: modelField('id', 'BigInt', { isId: true, hasDefaultValue: true, isReadOnly: true }),
  title: modelField('title', 'String'),
  status: modelField('status', 'TaskStatus', { kind: 'enum' }),
  priority: modelField('priority', 'Int'),
  done: modelField('done', 'Boolean'),
  ratio: modelField('ratio', 'Float', { isRequired: false }),
  due: modelField('due', 'DateTime', { isRequired: false }),
  estimate: modelField('estimate', 'Decimal', { isRequired: false }),
  meta: modelField('meta', 'Json', { isRequired: false }),
  passwordHash: modelField('passwordHash', 'String'),
  pin: modelField('pin', 'String'),
  projectId: modelField('projectId', 'Int'),
  project: modelField('project', 'Project', { kind: 'object', relationName: 'ProjectToTask', relationFromFields: ['projectId'], relationToFields: ['id'] }),
  tags: modelField('tags', 'Tag', { kind: 'object', isList: true, isRequired: true, relationName: 'TagToTask' }),
};
export const taskModel: Model = { name: 'Task', fields: Object.values(taskFields) };

export const taskView: ResourceView = view(taskModel, '#/components/schemas/Task', [
  viewField(taskFields.id, { type: 'string' }, { wire: 'string' }),
  viewField(taskFields.title, { type: 'string' }),
  viewField(taskFields.status, { type: 'string', enum: ['todo', 'doing', 'done'] }),
  viewField(taskFields.priority, { type: 'integer' }),
  viewField(taskFields.done, { type: 'boolean' }),
  viewField(taskFields.ratio, { type: ['number', 'null'] }),
  viewField(taskFields.due, { type: ['string', 'null'], format: 'date-time' }, { wire: 'date-time' }),
  viewField(taskFields.estimate, { type: ['string', 'null'] }, { wire: 'string' }),
  viewField(taskFields.meta, {}, { wire: 'json' }),
  viewField(taskFields.pin, { type: 'string', writeOnly: true }, { readable: false }),
  viewField(taskFields.projectId, { type: 'integer' }),
  viewField(taskFields.project, { $ref: '#/components/schemas/Project' }, { relation: projectView }),
  viewField(taskFields.tags, { type: 'array' }, { relation: tagView }),
]);

/** Every readable scalar of the Task view, as the default select reads them. */
export const ALL_SCALARS = { id: true, title: true, status: true, priority: true, done: true, ratio: true, due: true, estimate: true, meta: true, projectId: true };

/** The query parameters of a list that declares every conventional name. */
export const CONVENTIONAL = ['filter', 'sort', 'dir', 'offset', 'limit', 'cursor', 'select', 'include', 'count'];

const schemaOf = (name: string): Record<string, unknown> =>
  name === 'limit' || name === 'offset' ? { type: 'integer' } : name === 'count' ? { type: 'boolean' } : { type: 'string' };

/** Compiles a plan, failing the test on a boot problem. */
export function planOf(
  options: { operationId?: string; likeEscape?: boolean; binding?: QueryBinding; params?: (string | { name: string; schema: Record<string, unknown> })[]; page?: { default: number; max: number }; scope?: Record<string, unknown>; view?: ResourceView } = {},
): ListQueryPlan {
  const declared = (options.params ?? CONVENTIONAL).map((p) => (typeof p === 'string' ? { name: p, schema: schemaOf(p) } : p));
  const { plan, problems } = compileListQuery({
    operationId: options.operationId ?? 'listTasks',
    binding: options.binding,
    declared,
    view: options.view ?? taskView,
    page: options.page ?? { default: 20, max: 100 },
    ...(options.scope ? { scope: options.scope } : {}),
    ...(options.likeEscape ? { likeEscape: true } : {}),
  });
  if (!plan) throw new Error(`boot problems: ${problems.join('; ')}`);
  return plan;
}
