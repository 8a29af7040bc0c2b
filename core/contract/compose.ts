import type { OpenApiDocument } from './load.js';
import { escapePointerToken } from './problems.js';

/** A piece of contract a plugin contributes: operations, and the components they use. */
export interface ContractFragment {
  paths?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  tags?: { name: string; description?: string }[];
}

/** A contribution and who made it, for error messages. */
export interface Contribution {
  owner: string;
  fragment: ContractFragment;
}

/** The operation fields of a Path Item Object, in the specification's order. */
export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * Composes the served document: the app's contract, every plugin's contribution,
 * and the Problem schema with a `4XX` and `5XX` response on every operation that
 * does not declare its own. Collisions (the same path and method, or the same
 * component name, from two sources) are reported, not overwritten.
 *
 * `base` is composed in place (the kernel owns the freshly loaded document; a copy
 * of a large contract costs megabytes for the life of the process).
 */
export function composeDocument(
  base: OpenApiDocument,
  contributions: Contribution[],
  problemSchemas: Record<string, unknown>,
): { document: OpenApiDocument; problems: string[]; added: Set<string> } {
  const document = base;
  const problems: string[] = [];
  document.paths ??= {};
  document.components ??= {};
  for (const { owner, fragment } of contributions) {
    for (const [path, item] of Object.entries(fragment.paths ?? {})) {
      const target = (document.paths[path] ??= {});
      for (const [key, value] of Object.entries(item)) {
        if (key in target) {
          problems.push(`#/paths/${escapePointerToken(path)}/${key}: contributed by ${owner}, but the contract already has it`);
          continue;
        }
        target[key] = structuredClone(value);
      }
    }
    for (const [section, entries] of Object.entries(fragment.components ?? {})) {
      const target = (document.components[section] ??= {});
      for (const [name, value] of Object.entries(entries)) {
        if (name in target) {
          problems.push(`#/components/${section}/${escapePointerToken(name)}: contributed by ${owner}, but the contract already has it`);
          continue;
        }
        target[name] = structuredClone(value);
      }
    }
    for (const tag of fragment.tags ?? []) {
      document.tags ??= [];
      if (!document.tags.some((t: { name: string }) => t.name === tag.name)) document.tags.push(tag);
    }
  }

  const schemas = (document.components.schemas ??= {});
  for (const [name, schema] of Object.entries(problemSchemas)) schemas[name] ??= schema;
  const responses = (document.components.responses ??= {});
  responses.BurrowProblem ??= {
    description: 'An error, as RFC 9457 problem details (see ERRORS.md for the codes).',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/BurrowProblem' } } },
  };
  const added = new Set<string>();
  for (const [path, item] of Object.entries(document.paths) as [string, Record<string, any>][]) {
    for (const method of METHODS) {
      const operation = item?.[method];
      if (!operation || typeof operation !== 'object') continue;
      operation.responses ??= {};
      for (const range of ['4XX', '5XX']) {
        if (operation.responses[range]) continue;
        operation.responses[range] = { $ref: '#/components/responses/BurrowProblem' };
        added.add(addedResponseKey(path, method, range));
      }
    }
  }
  return { document, problems, added };
}

/** Names a response Burrow added (not the contract's author): handlers may not answer with it. */
export function addedResponseKey(path: string, method: string, status: string): string {
  return `${method} ${path} ${status}`;
}
