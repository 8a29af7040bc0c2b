/**
 * The path items `burrow scaffold resource` writes: the collection (`paths/<plural>`:
 * list, create) and the record (`paths/<plural>-by-id`: get, replace, patch, delete),
 * each operation bound with `x-burrow-resource: { model, action }`. Errors are the
 * kernel's problem details: Burrow's shared responses (`NotFound`, `Conflict`) and
 * problem schema, referenced from the installed package.
 */
import type { ResourceView } from '../plugins/resources/internal/binding.js';
import type { ResourceNames } from './scaffold-names.js';
import { includeParameter, listParameters } from './scaffold-query.js';
import { includableNames } from '../plugins/resources/internal/query/fields.js';

type Schema = Record<string, unknown>;

/** What the path items of one model are built from. */
export interface PathsContext {
  names: ResourceNames;
  /** A `$ref` to a schema of the schemas file, from the paths folder (`../schemas/task.yaml#/Task`). */
  schemaRef: (name: string) => Schema;
  /** `$ref`s to Burrow's shared responses and problem schema, from the paths folder. */
  burrow: { notFound: Schema; conflict: Schema; problem: Schema };
  /** The parameters of the collection path (`/projects/{projectId}/tasks`): each names a field of the model. */
  pathParams: { name: string; description: string; schema: Schema }[];
  /** The schema of the `{id}` path parameter. */
  idSchema: Schema;
  /** The view of `<Model>` against the model: the fields the query parameters name. */
  view: ResourceView;
}

const ETAG = {
  description: 'The version of the record: send it back in If-Match to change the record only if nobody changed it since, or in If-None-Match to get 304 while it is unchanged.',
  schema: { type: 'string' },
};

function problem(ctx: PathsContext, description: string): Schema {
  return { description, content: { 'application/problem+json': { schema: ctx.burrow.problem } } };
}

function json(schema: Schema): Schema {
  return { 'application/json': { schema } };
}

function binding(ctx: PathsContext, action: string): Schema {
  return { model: ctx.names.model, action };
}

function pathLevel(ctx: PathsContext, extra: Schema[] = []): Schema {
  const params = [...ctx.pathParams.map((p) => ({ name: p.name, in: 'path', required: true, description: p.description, schema: p.schema })), ...extra];
  return params.length ? { parameters: params } : {};
}

/** `paths/<plural>`: list and create. */
export function collectionPathItem(ctx: PathsContext): Schema {
  const { names } = ctx;
  const nested = ctx.pathParams.length > 0;
  const parentMissing = nested ? { '404': ctx.burrow.notFound } : {};
  return {
    ...pathLevel(ctx),
    get: {
      operationId: `list${names.plural}`,
      summary: `List ${names.pluralWords}`,
      description: `A page of ${names.pluralWords}: filtered, sorted, paged by offset or by cursor, with the fields and relations asked for.`,
      tags: [names.tag],
      'x-burrow-resource': binding(ctx, 'list'),
      parameters: listParameters(ctx.view),
      responses: {
        '200': {
          description: `A page of ${names.pluralWords}.`,
          headers: { 'X-Total-Count': { description: 'How many records match the filter (only with count=true).', schema: { type: 'integer', minimum: 0 } } },
          content: json(ctx.schemaRef(`${names.model}Page`)),
        },
        '400': problem(ctx, 'The query is not understood: a filter, sort, select or include names an unknown field, or paging is wrong.'),
        ...parentMissing,
      },
    },
    post: {
      operationId: `create${names.model}`,
      summary: `Create a ${names.singularWords}`,
      tags: [names.tag],
      'x-burrow-resource': binding(ctx, 'create'),
      requestBody: { required: true, content: json(ctx.schemaRef(`New${names.model}`)) },
      responses: {
        '201': {
          description: `The ${names.singularWords} was created.`,
          headers: { Location: { description: `The URL of the new ${names.singularWords}.`, schema: { type: 'string' } }, ETag: ETAG },
          content: json(ctx.schemaRef(names.model)),
        },
        '400': problem(ctx, 'The body is not valid.'),
        ...parentMissing,
        '409': ctx.burrow.conflict,
      },
    },
  };
}

/** `paths/<plural>-by-id`: get, replace, patch, delete. */
export function recordPathItem(ctx: PathsContext): Schema {
  const { names } = ctx;
  const idParam = { name: 'id', in: 'path', required: true, description: `The ${names.singularWords}'s id.`, schema: ctx.idSchema };
  const ifMatch = {
    name: 'If-Match',
    in: 'header',
    description: 'The ETag of the record as last read: the change is made only if the record is still that version (else 412).',
    schema: { type: 'string' },
  };
  const preconditionFailed = problem(ctx, 'If-Match names another version: the record changed since it was read.');
  const includable = includableNames(ctx.view);
  const read = json(ctx.schemaRef(names.model));
  const changed = (description: string) => ({ description, headers: { ETag: ETAG }, content: read });
  return {
    ...pathLevel(ctx, [idParam]),
    get: {
      operationId: `get${names.model}`,
      summary: `Get a ${names.singularWords}`,
      tags: [names.tag],
      'x-burrow-resource': binding(ctx, 'get'),
      parameters: [
        ...(includable.length ? [includeParameter(includable)] : []),
        { name: 'If-None-Match', in: 'header', description: 'The ETag of the record as last read: 304 while it is unchanged.', schema: { type: 'string' } },
      ],
      responses: {
        '200': { description: `The ${names.singularWords}.`, headers: { ETag: ETAG }, content: read },
        '304': { description: 'Unchanged since the ETag given in If-None-Match.', headers: { ETag: ETAG } },
        '404': ctx.burrow.notFound,
      },
    },
    put: {
      operationId: `replace${names.model}`,
      summary: `Replace a ${names.singularWords}`,
      description: 'Writes every field: the optional fields the body leaves out are cleared.',
      tags: [names.tag],
      'x-burrow-resource': binding(ctx, 'replace'),
      parameters: [ifMatch],
      requestBody: { required: true, content: json(ctx.schemaRef(`New${names.model}`)) },
      responses: {
        '200': changed(`The ${names.singularWords}, replaced.`),
        '400': problem(ctx, 'The body is not valid.'),
        '404': ctx.burrow.notFound,
        '409': ctx.burrow.conflict,
        '412': preconditionFailed,
      },
    },
    patch: {
      operationId: `patch${names.model}`,
      summary: `Change a ${names.singularWords}`,
      description: 'Changes the fields the body sends, and only those.',
      tags: [names.tag],
      'x-burrow-resource': binding(ctx, 'patch'),
      parameters: [ifMatch],
      requestBody: { required: true, content: json(ctx.schemaRef(`${names.model}Patch`)) },
      responses: {
        '200': changed(`The ${names.singularWords}, changed.`),
        '400': problem(ctx, 'The body is not valid.'),
        '404': ctx.burrow.notFound,
        '409': ctx.burrow.conflict,
        '412': preconditionFailed,
      },
    },
    delete: {
      operationId: `delete${names.model}`,
      summary: `Delete a ${names.singularWords}`,
      tags: [names.tag],
      'x-burrow-resource': binding(ctx, 'delete'),
      parameters: [ifMatch],
      responses: {
        '204': { description: `The ${names.singularWords} was deleted.` },
        '404': ctx.burrow.notFound,
        '412': preconditionFailed,
      },
    },
  };
}
