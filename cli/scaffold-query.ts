/**
 * The query parameters of a scaffolded list (`filter`, `sort`, `limit`, `offset`,
 * `cursor`, `select`, `include`, `count`: the names the resources plugin binds by
 * convention), each described with the model's fields and operators, with examples.
 * The fields and operators come from the plugin itself, through the view of the
 * scaffolded `<Model>` schema.
 */
import type { ResourceView, ViewField } from '../plugins/resources/internal/binding.js';
import { enumValues, filterableNames, includableNames, operatorsOf, resolvePath, selectableNames, sortableNames, valueType } from '../plugins/resources/internal/query/fields.js';

type Parameter = Record<string, unknown>;

/** The page sizes the plugin uses when a binding sets none. */
export const PAGE = { default: 20, max: 100 } as const;

/** A literal of the filter grammar for a field (`'todo'`, `3`, `'2030-01-01T00:00:00Z'`). */
function literal(field: ViewField): string {
  switch (valueType(field)) {
    case 'enum':
      return `'${enumValues(field)?.[0] ?? 'value'}'`;
    case 'int':
    case 'bigint':
      return '3';
    case 'float':
    case 'decimal':
      return '1.5';
    case 'datetime':
      return "'2030-01-01T00:00:00Z'";
    case 'boolean':
      return 'true';
    default:
      return "'text'";
  }
}

/** One comparison of a field, with an operator that suits it. */
function comparison(name: string, field: ViewField): string {
  const ops = operatorsOf(field);
  if (ops.includes('contains') && valueType(field) === 'string') return `${name} contains ${literal(field)}`;
  if (ops.includes('gte') && valueType(field) !== 'enum' && valueType(field) !== 'string') return `${name} gte ${literal(field)}`;
  return `${name} eq ${literal(field)}`;
}

function example(summary: string, value: unknown): Record<string, unknown> {
  return { summary, value };
}

/** The filter's examples: one comparison, a combination, a null test. */
function filterExamples(view: ResourceView): Record<string, unknown> {
  const fields = filterableNames(view)
    .map((name) => ({ name, path: resolvePath(view, name)! }))
    .filter(({ path }) => !path.field.field.isId);
  const examples: Record<string, unknown> = {};
  const [first, second, third] = fields;
  if (!first) return { byId: example('One record', `${view.id[0]?.name ?? 'id'} eq 1`) };
  examples.simple = example('One comparison', comparison(first.name, first.path.field));
  if (second) {
    const rest = third ? ` and (${comparison(second.name, second.path.field)} or ${comparison(third.name, third.path.field)})` : ` and ${comparison(second.name, second.path.field)}`;
    examples.combined = example('Comparisons combined', `${comparison(first.name, first.path.field)}${rest}`);
  }
  const enumField = fields.find(({ path }) => valueType(path.field) === 'enum');
  if (enumField) {
    const values = (enumValues(enumField.path.field) ?? []).slice(0, 2).map((v) => `'${v}'`);
    if (values.length) examples.inList = example('One of several values', `${enumField.name} in (${values.join(', ')})`);
  }
  const nullable = fields.find(({ path }) => operatorsOf(path.field).includes('isNull'));
  if (nullable) examples.isNull = example('No value', `${nullable.name} isNull`);
  return examples;
}

function fieldList(view: ResourceView, names: string[]): string {
  return names
    .map((name) => {
      const path = resolvePath(view, name);
      return path ? `- \`${name}\`: ${operatorsOf(path.field).join(', ')}` : `- \`${name}\``;
    })
    .join('\n');
}

/** The query parameters of the list of `view`'s records. */
export function listParameters(view: ResourceView): Parameter[] {
  const sortable = sortableNames(view);
  const selectable = selectableNames(view);
  const includable = includableNames(view);
  const others = sortable.filter((n) => !view.id.some((f) => f.name === n));
  const params: Parameter[] = [
    {
      name: 'filter',
      in: 'query',
      // Expressions hold ( ) ' and , — which OpenAPI otherwise requires clients to percent-encode.
      allowReserved: true,
      description: [
        "A filter expression: comparisons `field op value` joined with `and` / `or`, grouped with parentheses, negated with `not`.",
        "Values are 'quoted strings', numbers, `true`, `false` and `null`; `field in (v1, v2)` tests several values, `field isNull` (or `isNull false`) a missing one.",
        'The fields, and the operators each takes:',
        fieldList(view, filterableNames(view)),
      ].join('\n'),
      schema: { type: 'string', maxLength: 2000 },
      examples: filterExamples(view),
    },
    {
      name: 'sort',
      in: 'query',
      allowReserved: true,
      description: `Sort keys, comma-separated: a leading \`-\` sorts descending (\`field:asc\` and \`field:desc\` too); ties are broken by the id. Fields: ${sortable.join(', ')}.`,
      schema: { type: 'string' },
      examples: {
        oneKey: example('Descending', `-${others[0] ?? sortable[0] ?? 'id'}`),
        ...(others.length > 1 ? { twoKeys: example('Two keys', `${others[1]},-${others[0]}`) } : {}),
      },
    },
    {
      name: 'limit',
      in: 'query',
      description: `How many records a page holds (default ${PAGE.default}, at most ${PAGE.max}).`,
      schema: { type: 'integer', minimum: 1, maximum: PAGE.max, default: PAGE.default },
      examples: { small: example('Ten per page', 10) },
    },
    {
      name: 'offset',
      in: 'query',
      description: 'How many records to skip (offset paging; not with cursor).',
      schema: { type: 'integer', minimum: 0, maximum: 2147483647 },
      examples: { thirdPage: example('The third page of 20', 40) },
    },
    {
      name: 'cursor',
      in: 'query',
      description: 'The `nextCursor` of the previous page (cursor paging, stable while records are added; not with offset).',
      schema: { type: 'string' },
    },
    {
      name: 'select',
      in: 'query',
      description: `The fields to return, comma-separated (the id always is). Fields: ${selectable.join(', ')}.`,
      style: 'form',
      explode: false,
      schema: { type: 'array', items: { type: 'string', enum: selectable }, uniqueItems: true },
      examples: { some: example('A few fields', selectable.slice(0, 2)) },
    },
  ];
  if (includable.length) params.push(includeParameter(includable));
  params.push({
    name: 'count',
    in: 'query',
    description: 'true: the page also says how many records match the filter (`total`), counted only when asked.',
    schema: { type: 'boolean', default: false },
  });
  return params;
}

/** The `include` parameter: the relations to embed. */
export function includeParameter(includable: string[]): Parameter {
  return {
    name: 'include',
    in: 'query',
    description: `Relations to embed, comma-separated: ${includable.join(', ')}. Not embedded unless asked for.`,
    style: 'form',
    explode: false,
    schema: { type: 'array', items: { type: 'string', enum: includable }, uniqueItems: true },
    examples: { one: example('Embed one relation', [includable[0]]) },
  };
}
