/**
 * The Prisma `select` of a list: the id, and every readable scalar field of the view
 * or the ones `select` names; the relations `include` names, each with the readable
 * scalar fields of its own view (a list relation capped at the page maximum).
 * Relations not included are not read.
 */
import type { ResourceView } from '../binding.js';
import { relationSelect } from '../select.js';
import { includableNames, relationField, scalarField, selectableNames } from './fields.js';
import { unknownField } from './fail.js';
import type { OrderKey } from './sort.js';
import { splitList } from './sort.js';

/** What to read, and what to return. */
export interface Selection {
  select: Record<string, unknown>;
  /**
   * With a `select` parameter: the top-level properties the client asked for (the id
   * and included relations with them). `select` may hold more (the sort keys, which the
   * next cursor needs): the response keeps only these. `undefined`: return all.
   */
  fields?: string[];
}

/**
 * The select of a list.
 *
 * @throws BurrowError `BURROW_ERR_QUERY_FIELD_UNKNOWN` (naming `params.select` or `params.include`), `BURROW_ERR_QUERY_SYNTAX` for an empty item.
 */
export function buildSelect(input: {
  view: ResourceView;
  select: unknown;
  include: unknown;
  params: { select?: string; include?: string };
  keys: readonly OrderKey[];
  max: number;
}): Selection {
  const { view, keys } = input;
  const selectParam = input.params.select ?? 'select';
  const includeParam = input.params.include ?? 'include';
  const named = splitList(input.select, selectParam);
  const included = splitList(input.include, includeParam);
  const select: Record<string, unknown> = {};
  const fields: string[] = [];
  const add = (name: string, returned: boolean) => {
    if (!Object.hasOwn(select, name)) select[name] = true;
    if (returned && !fields.includes(name)) fields.push(name);
  };
  for (const id of view.id) add(id.name, true);
  if (named.length) {
    for (const name of named) {
      const field = scalarField(view, name);
      if (!field) throw unknownField(selectParam, name, 'select', selectableNames(view));
      add(field.field.name, true);
    }
    for (const key of keys) add(key.field.field.name, false);
  } else {
    for (const field of view.fields.values()) if (scalarField(view, field.name)) add(field.field.name, true);
  }
  for (const name of included) {
    const field = relationField(view, name);
    if (!field?.relation) throw unknownField(includeParam, name, 'include', includableNames(view));
    select[field.field.name] = relationSelect(field.relation, field.field.isList ? input.max : undefined, field.field.isList);
    if (!fields.includes(field.field.name)) fields.push(field.field.name);
  }
  return named.length ? { select, fields } : { select };
}
