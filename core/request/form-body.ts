import { parse as parseQueryString } from 'node:querystring';
import type { CompiledOperation } from './operation.js';

/** The part of a schema that says which properties of a form are lists. */
interface FormSchema {
  type?: string | string[];
  properties?: Record<string, FormSchema>;
  allOf?: FormSchema[];
}

const FORM = 'application/x-www-form-urlencoded';

/** The properties an operation's form body declares as arrays, worked out once per operation. */
const arrayProperties = new WeakMap<CompiledOperation, readonly string[]>();

/**
 * Parses an `application/x-www-form-urlencoded` body. A key sent once parses as a
 * string; where the contract declares the property an array, it is a list of one
 * (OpenAPI's default form encoding, `style: form, explode: true`), as a query
 * parameter is.
 */
export function parseFormBody(raw: Buffer, op: CompiledOperation): Record<string, unknown> {
  const form: Record<string, unknown> = { ...parseQueryString(raw.toString('utf8')) };
  for (const name of arraysOf(op)) if (typeof form[name] === 'string') form[name] = [form[name]];
  return form;
}

function arraysOf(op: CompiledOperation): readonly string[] {
  let names = arrayProperties.get(op);
  if (names === undefined) {
    const content = (op.definition.requestBody as { content?: Record<string, { schema?: FormSchema }> } | undefined)?.content ?? {};
    const declared = Object.keys(content).find((type) => type.toLowerCase() === FORM);
    names = declared === undefined ? [] : arrayPropertiesOf(content[declared]?.schema);
    arrayProperties.set(op, names);
  }
  return names;
}

function arrayPropertiesOf(schema: FormSchema | undefined): string[] {
  if (!schema) return [];
  const names = Object.entries(schema.properties ?? {})
    .filter(([, property]) => property?.type === 'array' || (Array.isArray(property?.type) && property.type.includes('array')))
    .map(([name]) => name);
  for (const part of schema.allOf ?? []) names.push(...arrayPropertiesOf(part));
  return names;
}
