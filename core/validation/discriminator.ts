import { escapePointerToken, percentDecode, pointerTokens } from '../contract/problems.js';
import type { ViewedDiscriminator } from './keywords.js';
import { isJsonObject, type JsonObject } from './schema-object.js';

type Schema = JsonObject;
const isSchemaObject: (value: unknown) => value is Schema = isJsonObject;

/** What computing discriminator tables needs from the views: the document, component names, where to report. */
export interface DiscriminatorContext {
  /** The dereferenced document. */
  document: Record<string, any>;
  /** Component name of each `components.schemas` object (dereferencing keeps their identity). */
  nameOf: Map<object, string>;
  report(problem: string): void;
}

/**
 * The table of a schema's discriminator (value → index of the `oneOf`/`anyOf` branch it
 * selects), for the `discriminator` keyword of `keywords.ts`; `undefined` for a schema
 * without one, or with the allOf form (no `oneOf`/`anyOf`), which stays documentation.
 *
 * Explicit `mapping` first — a value names a schema, or references one — then every branch
 * that is a named component no explicit mapping targets, by its name (the implicit
 * mapping). OpenAPI 3.0.3 and 3.1.0: "Here the discriminator value of dog will map to the
 * schema #/components/schemas/Dog, rather than the default (implicit) value of Dog." A
 * mapping to no schema, or to one the branches do not list ("In both the oneOf and anyOf
 * use cases, all possible schemas MUST be listed explicitly"), is reported at `at`
 * (the discriminator's pointer, written when needed).
 */
export function discriminatorTable(schema: Schema, at: () => string, context: DiscriminatorContext): ViewedDiscriminator | undefined {
  const discriminator = schema.discriminator;
  if (!isSchemaObject(discriminator) || typeof discriminator.propertyName !== 'string') return undefined;
  const keyword = Array.isArray(schema.oneOf) ? 'oneOf' : Array.isArray(schema.anyOf) ? 'anyOf' : undefined;
  if (!keyword) return undefined;
  const branches = schema[keyword] as unknown[];
  const values: Record<string, number> = {};
  const mapped = new Set<number>();
  for (const [value, target] of Object.entries((discriminator.mapping ?? {}) as Record<string, unknown>)) {
    const resolved = typeof target === 'string' ? resolveMappingTarget(target, context.document) : undefined;
    if (resolved === undefined) {
      context.report(`${at()}/mapping/${escapePointerToken(value)}: ${JSON.stringify(target)} names no schema of the contract`);
      continue;
    }
    const index = branches.indexOf(resolved);
    if (index < 0) {
      context.report(`${at()}/mapping/${escapePointerToken(value)}: ${JSON.stringify(target)} is not one of the schemas of ${keyword} (OpenAPI: "In both the oneOf and anyOf use cases, all possible schemas MUST be listed explicitly")`);
      continue;
    }
    values[value] = index;
    mapped.add(index);
  }
  branches.forEach((branch, index) => {
    const name = isSchemaObject(branch) ? context.nameOf.get(branch) : undefined;
    if (name !== undefined && !mapped.has(index) && !(name in values)) values[name] = index;
  });
  const table: ViewedDiscriminator = { propertyName: discriminator.propertyName, 'x-burrow-keyword': keyword, 'x-burrow-values': values };
  if (isSchemaObject(discriminator.mapping)) table.mapping = { ...(discriminator.mapping as Record<string, string>) };
  return table;
}

/**
 * A mapping value: a schema name, a local reference, or a reference into a file the bundler
 * joined — mapping values are no `$ref`s, so the bundler leaves them as written: matched
 * by their last segment to a schema name.
 */
function resolveMappingTarget(target: string, document: Record<string, any>): unknown {
  const schemas = isSchemaObject(document.components?.schemas) ? (document.components.schemas as Schema) : {};
  if (Object.hasOwn(schemas, target)) return schemas[target];
  if (target.startsWith('#/')) {
    let node: unknown = document;
    for (const token of pointerTokens(percentDecode(target))) node = isSchemaObject(node) || Array.isArray(node) ? (node as Schema)[token] : undefined;
    return isSchemaObject(node) ? node : undefined;
  }
  const last = percentDecode(target.split(/[/#]/).pop() ?? '').replace(/\.(ya?ml|json)$/i, '');
  return Object.hasOwn(schemas, last) ? schemas[last] : undefined;
}
