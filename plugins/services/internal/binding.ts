/**
 * `x-burrow-service`: its JSON Schema, and what an operation must look like to be a
 * service method (input = its JSON request body, result = the JSON body of its one
 * 2xx response, no path or query parameters). Each rule broken is a boot problem.
 */
import type { CompiledOperation } from 'burrowjs';
import type { Lifetime, ServiceMethodEntry } from './dispatch.js';

/** The value of `x-burrow-service` on an operation. */
export interface ServiceBinding {
  service: string;
  /** Default: the operationId. */
  method?: string;
}

/** The JSON Schema of `x-burrow-service` (checked by the kernel before binding). */
export const SERVICE_EXTENSION_SCHEMA = {
  type: 'object',
  required: ['service'],
  additionalProperties: false,
  properties: {
    service: { type: 'string', pattern: '^[A-Z][A-Za-z0-9]*$' },
    method: { type: 'string', pattern: '^[a-z][A-Za-z0-9]*$' },
  },
} as const;

const KEYED: readonly Lifetime[] = ['perSession', 'perUser', 'perGroup'];
const JSON_TYPE = /^application\/json\s*(;|$)/i;

/** An operation as messages name it: `POST /calculator/add (calculatorAdd)`. */
export function describe(op: CompiledOperation): string {
  return `${op.method.toUpperCase()} ${op.path} (${op.id})`;
}

/** Checks one operation marked as a method of a service with `lifetime`; answers its entry, or the problems. */
export function methodEntry(op: CompiledOperation, binding: ServiceBinding, lifetime: Lifetime): { entry?: ServiceMethodEntry; problems: string[] } {
  const where = describe(op);
  const problems: string[] = [];
  const params = (op.definition.parameters ?? []) as { name: string; in: string }[];
  const refused = params.filter((p) => p.in === 'path' || p.in === 'query');
  if (refused.length) {
    problems.push(`${where}: a service method takes its input from the JSON request body only; it declares ${refused.map((p) => `${p.in} parameter ${p.name}`).join(', ')}`);
  }
  const body = op.definition.requestBody as { content?: Record<string, unknown> } | undefined;
  const bodyKeys = Object.keys(body?.content ?? {});
  const notJson = bodyKeys.filter((key) => !JSON_TYPE.test(key));
  if (notJson.length) problems.push(`${where}: a service method's request body is application/json; it declares ${notJson.join(', ')}`);

  const responses = (op.definition.responses ?? {}) as Record<string, { content?: Record<string, unknown> }>;
  const successes = Object.keys(responses).filter((status) => /^2/.test(status));
  let successStatus = 0;
  if (successes.length !== 1 || !/^2\d\d$/.test(successes[0]!)) {
    problems.push(`${where}: a service method declares exactly one 2xx response (200, 201 or 204: its result); it declares ${successes.length ? successes.join(', ') : 'none'}`);
  } else {
    successStatus = Number(successes[0]);
    const keys = Object.keys(responses[successes[0]!]!.content ?? {});
    const other = keys.filter((key) => !JSON_TYPE.test(key));
    if (other.length) problems.push(`${where}: the ${successStatus} response of a service method is application/json (or has no content); it declares ${other.join(', ')}`);
  }
  if (KEYED.includes(lifetime) && op.security.length === 0) {
    problems.push(`${where}: ${binding.service} is ${lifetime}: its instances are kept by who calls, but the operation declares no security requirement (add security, or choose another lifetime)`);
  }
  if (problems.length) return { problems };
  return {
    problems,
    entry: { service: binding.service, method: binding.method ?? op.id, operationId: op.id, lifetime, hasInput: bodyKeys.length > 0, successStatus },
  };
}
