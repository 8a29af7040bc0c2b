import { closest, distance } from 'fastest-levenshtein';
import type { OpenApiDocument } from './load.js';
import type { EngineOperation } from '../validation/engine.js';
import { escapePointerToken } from './problems.js';

/** How an operation is named in boot messages: `GET /greetings/{name} (#/paths/~1greetings~1{name}/get)`. */
export function describeOperation(op: { method: string; path: string }): string {
  return `${op.method.toUpperCase()} ${op.path} (#/paths/${escapePointerToken(op.path)}/${op.method})`;
}

/**
 * Checks the contract on its own terms before anything is bound: every operation
 * has an operationId, used once; every security requirement names a declared scheme;
 * every declared scheme has a verifier, every verifier a scheme.
 */
export function checkContract(input: { document: OpenApiDocument; operations: EngineOperation[]; verifiers: string[] }): string[] {
  const { document, operations } = input;
  const problems: string[] = [];
  const ids = new Map<string, EngineOperation>();
  for (const op of operations) {
    if (!op.operationId) {
      problems.push(`${describeOperation(op)}: has no operationId (Burrow keys handlers by it)`);
      continue;
    }
    const first = ids.get(op.operationId);
    if (first) problems.push(`${describeOperation(op)}: operationId "${op.operationId}" is also used by ${describeOperation(first)}`);
    else ids.set(op.operationId, op);
  }

  const schemes = (document.components?.securitySchemes ?? {}) as Record<string, unknown>;
  const verifiers = new Set(input.verifiers);
  for (const name of Object.keys(schemes)) {
    if (!verifiers.has(name)) problems.push(`#/components/securitySchemes/${escapePointerToken(name)}: no verifier for security scheme "${name}"`);
  }
  for (const name of verifiers) {
    if (!(name in schemes)) problems.push(`verifier "${name}" has no security scheme in the contract${suggest(name, Object.keys(schemes))}`);
  }
  for (const op of operations) {
    for (const requirement of (op.security ?? []) as Record<string, unknown>[]) {
      for (const name of Object.keys(requirement)) {
        if (!(name in schemes)) problems.push(`${describeOperation(op)}: security names scheme "${name}", which components.securitySchemes does not declare${suggest(name, Object.keys(schemes))}`);
      }
    }
  }
  return problems;
}

/** Who may serve an operation: a registered handler, or a binder that returned one. */
export interface HandlerSource {
  operationId: string;
  /** `handler registered by app`, `x-burrow-resource bound by plugin resources`… */
  owner: string;
}

/**
 * Checks that every operation is served exactly once: by a handler registered by
 * the app or a plugin, or by a binder of one of its extensions; and that every
 * registered handler has an operation (with a "did you mean" for near misses).
 */
export function checkHandlers(operations: EngineOperation[], sources: HandlerSource[]): string[] {
  const problems: string[] = [];
  const byId = new Map<string, string[]>();
  for (const { operationId, owner } of sources) {
    const owners = byId.get(operationId);
    if (owners) owners.push(owner);
    else byId.set(operationId, [owner]);
  }
  const ids: string[] = [];
  for (const op of operations) {
    if (!op.operationId) continue;
    ids.push(op.operationId);
    const owners = byId.get(op.operationId);
    if (!owners) problems.push(`${describeOperation(op)}: no handler for operation "${op.operationId}"`);
    else if (owners.length > 1) problems.push(`${describeOperation(op)}: operation "${op.operationId}" is served twice: by ${owners.join(' and by ')}`);
  }
  const declared = new Set(ids);
  for (const id of byId.keys()) {
    if (!declared.has(id)) problems.push(`handler "${id}" has no operation in the contract${suggest(id, ids)}`);
  }
  return problems;
}

/** `; did you mean "getTask"?` when a name is a near miss of one of the candidates. */
function suggest(name: string, candidates: string[]): string {
  if (!candidates.length) return '';
  const best = closest(name, candidates);
  // Close enough to be a typo or a case slip: a third of the longer name, at least 2 edits.
  const limit = Math.max(2, Math.floor(Math.max(name.length, best.length) / 3));
  return distance(name.toLowerCase(), best.toLowerCase()) <= limit ? `; did you mean "${best}"?` : '';
}
