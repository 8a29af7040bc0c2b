import type { OpenApiDocument } from './contract/load.js';
import type { EngineOperation } from './engine.js';
import { escapePointerToken } from './contract/problems.js';
import { checkExtensionValues, findExtensionUses, type ExtensionBinder } from './extensions.js';

/** What the conformance check compares the contract with. */
export interface ConformanceInput {
  document: OpenApiDocument;
  operations: EngineOperation[];
  handlers: string[];
  verifiers: string[];
  binders: Map<string, ExtensionBinder>;
  knownExtensions: Map<string, object>;
}

/**
 * Checks that the contract and the registered code agree: every operation has an
 * operationId and a handler, every handler an operation, every security scheme a
 * verifier, every `x-burrow-*` extension is known, well-formed and bound. Returns
 * every problem (empty when all agree).
 */
export function checkConformance(input: ConformanceInput): string[] {
  const { document, operations } = input;
  const problems: string[] = [];
  const ids = new Map<string, string>();
  for (const op of operations) {
    const where = `#/paths/${escapePointerToken(op.path)}/${op.method}`;
    if (!op.operationId) {
      problems.push(`${where}: operation ${op.method.toUpperCase()} ${op.path} has no operationId (Burrow keys handlers by it)`);
      continue;
    }
    if (ids.has(op.operationId)) problems.push(`${where}: operationId "${op.operationId}" is also used at ${ids.get(op.operationId)}`);
    ids.set(op.operationId, where);
  }
  const handlers = new Set(input.handlers);
  for (const [id, where] of ids) if (!handlers.has(id)) problems.push(`${where}: no handler for operation "${id}"`);
  for (const id of handlers) if (!ids.has(id)) problems.push(`handler "${id}" has no operation in the contract`);

  const schemes = (document.components?.securitySchemes ?? {}) as Record<string, unknown>;
  const verifiers = new Set(input.verifiers);
  for (const name of Object.keys(schemes)) {
    if (!verifiers.has(name)) problems.push(`#/components/securitySchemes/${escapePointerToken(name)}: no verifier for security scheme "${name}"`);
  }
  for (const name of verifiers) {
    if (!(name in schemes)) problems.push(`verifier "${name}" has no security scheme in the contract`);
  }
  for (const op of operations) {
    for (const requirement of (op.security ?? []) as Record<string, unknown>[]) {
      for (const name of Object.keys(requirement)) {
        if (!(name in schemes)) problems.push(`#/paths/${escapePointerToken(op.path)}/${op.method}/security: scheme "${name}" is not declared in components.securitySchemes`);
      }
    }
  }

  const schemas = new Map(input.knownExtensions);
  for (const [name, binder] of input.binders) if (binder.schema && !schemas.has(name)) schemas.set(name, binder.schema);
  const uses = findExtensionUses(document);
  problems.push(...checkExtensionValues(uses, schemas));
  for (const use of uses) {
    if (schemas.has(use.name) && !input.binders.has(use.name)) {
      problems.push(`#${use.pointer}: ${use.name} is used, but no registered plugin binds it`);
    }
  }
  return problems;
}
