/**
 * The value of `x-burrow-resource` (the resources plugin owns its schema), and the
 * view of a contract schema against a Prisma model that every part of the plugin
 * works from.
 */
import type { Model, ModelField } from './datamodel.js';

/** What a bound operation does to its model. */
export type ResourceAction = 'list' | 'get' | 'create' | 'replace' | 'patch' | 'delete' | 'count' | 'batch';
export const RESOURCE_ACTIONS: readonly ResourceAction[] = ['list', 'get', 'create', 'replace', 'patch', 'delete', 'count', 'batch'];

/** The filter operators of a list query. */
export type FilterOperator = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'contains' | 'startsWith' | 'isNull';
export const FILTER_OPERATORS: readonly FilterOperator[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'startsWith', 'isNull'];

/**
 * Which query parameters of a `list` (or `count`) operation mean what. Every name is a
 * query parameter the operation declares: the contract chooses the names (`limit` or
 * `results`, `offset` or `startIndex`...). Omitted: the parameters of the conventional
 * names (`filter`, `sort`, `dir`, `offset`, `limit`, `cursor`, `select`, `include`,
 * `count`), and any parameter named like a field, are used if declared.
 */
export interface QueryBinding {
  /** A preset of names: `mormot` is `sort`, `dir`, `startIndex`, `results`, `select` (YUI DataSource paging). */
  preset?: 'mormot';
  /** A filter expression: `status eq 'open' and (priority gte 3 or due isNull)`. */
  filter?: string;
  /** Parameters that each filter one field: name → field, or → `{ field, op }` (`dueBefore: { field: due, op: lt }`). */
  fields?: Record<string, string | { field: string; op: FilterOperator }>;
  /** Sort keys: `-priority,due` (a leading `-` sorts descending; `due:desc` too). */
  sort?: string;
  /** The direction of every sort key (`asc` or `desc`), for clients that send it apart (mORMot's `dir`). */
  dir?: string;
  offset?: string;
  limit?: string;
  /** An opaque cursor from a previous page (`nextCursor`); excludes `offset`. */
  cursor?: string;
  /** Fields to return: `id,title` (the id is always returned). */
  select?: string;
  /** Relations to embed: `project,tags` — relations the item schema declares. */
  include?: string;
  /** A boolean parameter asking for the total count (never computed unasked). */
  count?: string;
}

/** The value of `x-burrow-resource`. */
export interface ResourceBinding {
  /** The Prisma model (`Task`). */
  model: string;
  action: ResourceAction;
  /** The path parameter holding the record id (`get`, `replace`, `patch`, `delete`). Default: `id`, else the last path parameter. */
  id?: string;
  /**
   * Nested routes (`/projects/{projectId}/tasks`): path parameters that scope the
   * records, each to a scalar field (`projectId`) or a relation (`tags` for a
   * many-to-many). Default: path parameters named like a model field.
   */
  parent?: Record<string, string>;
  query?: QueryBinding;
  /** Page sizes of a list: `default` (20) when the client names none, `max` (100) the most it may ask. */
  page?: { default?: number; max?: number };
  /** Property names of a list envelope, when its 200 schema is an object (default `items`, `total`, `nextCursor`). */
  envelope?: { items?: string; total?: string; next?: string };
  /**
   * `batch`: the operationIds its items may name, the most items it takes (1000),
   * all-or-nothing (true), and whether each item's answer holds the record written
   * (`bodies`, false: the status, id, Location and ETag only, as mORMot answers statuses).
   */
  batch?: { operations: string[]; maxItems?: number; atomic?: boolean; bodies?: boolean };
}

const NAME = { type: 'string', minLength: 1 } as const;

/** The JSON Schema of `x-burrow-resource`. */
export const RESOURCE_EXTENSION_SCHEMA = {
  type: 'object',
  required: ['model', 'action'],
  additionalProperties: false,
  properties: {
    model: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]*$' },
    action: { enum: RESOURCE_ACTIONS },
    id: NAME,
    parent: { type: 'object', additionalProperties: NAME },
    query: {
      type: 'object',
      additionalProperties: false,
      properties: {
        preset: { enum: ['mormot'] },
        filter: NAME,
        fields: {
          type: 'object',
          additionalProperties: {
            oneOf: [
              NAME,
              {
                type: 'object',
                required: ['field', 'op'],
                additionalProperties: false,
                properties: { field: NAME, op: { enum: FILTER_OPERATORS } },
              },
            ],
          },
        },
        sort: NAME,
        dir: NAME,
        offset: NAME,
        limit: NAME,
        cursor: NAME,
        select: NAME,
        include: NAME,
        count: NAME,
      },
    },
    page: {
      type: 'object',
      additionalProperties: false,
      properties: { default: { type: 'integer', minimum: 1 }, max: { type: 'integer', minimum: 1 } },
    },
    envelope: {
      type: 'object',
      additionalProperties: false,
      properties: { items: NAME, total: NAME, next: NAME },
    },
    batch: {
      type: 'object',
      required: ['operations'],
      additionalProperties: false,
      properties: {
        operations: { type: 'array', items: NAME, minItems: 1, uniqueItems: true },
        maxItems: { type: 'integer', minimum: 1 },
        atomic: { type: 'boolean' },
        bodies: { type: 'boolean' },
      },
    },
  },
} as const;

/**
 * A property of a contract schema matched to its model field: what the plugin reads,
 * writes, filters and sorts on. Built once at boot (see `view.ts`), with the drift
 * check: a property that matches no field, or disagrees with it, is a boot problem.
 */
export interface ViewField {
  /** The property name in the contract (and the model field name). */
  name: string;
  field: ModelField;
  /** The property's schema (dereferenced). */
  schema: Record<string, unknown>;
  /** How the value travels in JSON: what the schema says for BigInt / Decimal / DateTime / Bytes. */
  wire: WireType;
  /** Not `writeOnly`: returned in responses, and may be filtered and sorted on. */
  readable: boolean;
  /** Not `readOnly`, and not set by the database: may be written. */
  writable: boolean;
  /** Required by the schema. */
  required: boolean;
  /** May be null (`nullable: true` in 3.0, `type: [..., 'null']` in 3.1). */
  nullable: boolean;
  /** For a relation: the view of the related schema against the related model. */
  relation?: ResourceView;
}

/**
 * How a value is written in JSON: `string` for a BigInt or Decimal the contract types
 * as a string, `number` where it types them as numbers; `date-time` (RFC 3339) or
 * `date` (`YYYY-MM-DD`) for DateTime; `base64` for Bytes; `json` for Json; `plain` for
 * the rest.
 */
export type WireType = 'plain' | 'string' | 'number' | 'date-time' | 'date' | 'base64' | 'json';

/** A contract schema (an item, a request body) seen against a Prisma model. */
export interface ResourceView {
  model: Model;
  /** The JSON pointer of the schema in the composed contract (for messages). */
  pointer: string;
  /** The schema's properties that match model fields, by name. */
  fields: Map<string, ViewField>;
  /** The id field(s) of the model. */
  id: ModelField[];
}
