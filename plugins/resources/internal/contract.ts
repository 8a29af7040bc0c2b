/** Reading what the plugin needs from a bound operation of the (dereferenced) contract. */
import type { CompiledOperation } from 'burrowjs';

export type Schema = Record<string, unknown>;

/** Escapes one JSON pointer token (RFC 6901). */
export function pointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The JSON pointer of an operation in the composed contract. */
export function operationPointer(op: CompiledOperation): string {
  return `#/paths/${pointerToken(op.path)}/${op.method}`;
}

function jsonContent(content: unknown): [string, Schema] | undefined {
  if (!content || typeof content !== 'object') return undefined;
  for (const [key, media] of Object.entries(content as Record<string, { schema?: Schema }>)) {
    const type = key.split(';')[0]!.trim().toLowerCase();
    if ((type === 'application/json' || type.endsWith('+json')) && media?.schema) return [key, media.schema];
  }
  return undefined;
}

/** The JSON schema of the first declared success response among `statuses`, with its pointer and status. */
export function successSchema(op: CompiledOperation, statuses: readonly string[]): { status: number; schema?: Schema; pointer: string } | undefined {
  const responses = (op.definition.responses ?? {}) as Record<string, { content?: unknown }>;
  for (const status of statuses) {
    const response = responses[status];
    if (!response) continue;
    const found = jsonContent(response.content);
    const pointer = `${operationPointer(op)}/responses/${status}`;
    return found
      ? { status: Number(status), schema: found[1], pointer: `${pointer}/content/${pointerToken(found[0])}/schema` }
      : { status: Number(status), pointer };
  }
  return undefined;
}

/** The JSON request body schema, with its pointer. */
export function requestSchema(op: CompiledOperation): { schema: Schema; pointer: string } | undefined {
  const body = op.definition.requestBody as { content?: unknown } | undefined;
  const found = jsonContent(body?.content);
  return found ? { schema: found[1], pointer: `${operationPointer(op)}/requestBody/content/${pointerToken(found[0])}/schema` } : undefined;
}

/** The parameters an operation declares in one location (path-item parameters included). */
export function declaredParameters(op: CompiledOperation, where: 'path' | 'query' | 'header'): { name: string; schema: Schema; required: boolean }[] {
  const params = (op.definition.parameters ?? []) as { name: string; in: string; schema?: Schema; required?: boolean }[];
  return params.filter((p) => p.in === where).map((p) => ({ name: p.name, schema: p.schema ?? {}, required: p.required === true }));
}

/** Merges `allOf` branches into one object schema (properties, required) — enough to find a list's items. */
export function objectSchema(schema: Schema): Schema {
  const all = schema.allOf as Schema[] | undefined;
  if (!all) return schema;
  const properties: Record<string, unknown> = { ...(schema.properties as object) };
  const required = new Set<string>((schema.required as string[]) ?? []);
  for (const part of all.map(objectSchema)) {
    Object.assign(properties, part.properties);
    for (const name of (part.required as string[]) ?? []) required.add(name);
  }
  return { ...schema, allOf: undefined, properties, required: [...required] };
}

/** An operation as messages name it: `GET /tasks (listTasks)`. */
export function describe(op: CompiledOperation): string {
  return `${op.method.toUpperCase()} ${op.path} (${op.id})`;
}
