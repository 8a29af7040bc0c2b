import { parse as parseQueryString } from 'node:querystring';
import { coreError } from '../errors/burrow-error.js';
import { bodyKindOf, hasType, parseMediaType, type SchemaLike } from './media-type.js';

/** The Encoding Object of one property (OpenAPI 3.0.3/3.1 §Encoding Object). */
export interface EncodingObject {
  contentType?: string;
  style?: string;
  explode?: boolean;
  allowReserved?: boolean;
  headers?: Record<string, unknown>;
}

/** How one property of a form is read from the form's keys, worked out at boot. */
interface FormField {
  name: string;
  /** `array`: a list; `object`: a map; `json`: one value whose encoding is JSON. */
  shape: 'array' | 'object' | 'json';
  /** `form` (the default), `spaceDelimited`, `pipeDelimited` or `deepObject`. */
  style: string;
  explode: boolean;
  /** An exploded object's own properties, which arrive as keys of the form; `undefined`: free-form. */
  properties?: string[];
}

/**
 * How an `application/x-www-form-urlencoded` body of one content key is read: the
 * properties that are not one string each. Worked out once per operation at boot.
 */
export interface FormPlan {
  readonly fields: readonly FormField[];
  /** The properties the schema declares (an exploded free-form object takes the rest). */
  readonly declared: ReadonlySet<string>;
}

/** The properties a schema declares, its `allOf` members' included. */
export function propertiesOf(schema: SchemaLike | undefined, into: Record<string, SchemaLike> = {}): Record<string, SchemaLike> {
  if (!schema || typeof schema !== 'object') return into;
  for (const [name, property] of Object.entries(schema.properties ?? {})) into[name] ??= property;
  for (const part of schema.allOf ?? []) propertiesOf(part, into);
  return into;
}

/**
 * Works out how a form body is read from the schema and `encoding` of its content key.
 * The Encoding Object's `style` and `explode` follow the query parameters' rules
 * ("The behavior follows the same values as `query` parameters, including default
 * values"): `form` and exploded by default; `contentType` JSON makes a property one
 * JSON value.
 */
export function compileFormPlan(schema: SchemaLike | undefined, encoding: Record<string, EncodingObject> = {}): FormPlan {
  const properties = propertiesOf(schema);
  const fields: FormField[] = [];
  for (const [name, property] of Object.entries(properties)) {
    const enc = encoding[name] ?? {};
    const style = enc.style ?? 'form';
    const explode = enc.explode ?? style === 'form';
    const declaredType = enc.contentType === undefined ? undefined : parseMediaType(enc.contentType.split(',')[0]!);
    // 3.1: "If a value is explicitly defined [style, explode], then the value of contentType … SHALL be ignored."
    const styled = enc.style !== undefined || enc.explode !== undefined;
    if (!styled && declaredType && bodyKindOf(declaredType) === 'json') {
      fields.push({ name, shape: 'json', style, explode });
    } else if (hasType(property, 'array')) {
      fields.push({ name, shape: 'array', style, explode });
    } else if (hasType(property, 'object') || (property?.properties && !property.type)) {
      const own = property.properties ? Object.keys(property.properties) : undefined;
      fields.push({ name, shape: 'object', style, explode, properties: own });
    }
  }
  return { fields, declared: new Set(Object.keys(properties)) };
}

const EMPTY_PLAN: FormPlan = { fields: [], declared: new Set() };

/**
 * Parses an `application/x-www-form-urlencoded` body into an object, each property read
 * as its encoding says: a key sent once is a list of one where the contract declares an
 * array; `explode: false` and the delimited styles split one value; objects come from
 * their own keys (`form`, exploded), `k,v` pairs (`form`, not exploded) or `name[k]`
 * keys (`deepObject`). Values stay strings: the body validator coerces them to their
 * schema types.
 */
export function parseFormBody(raw: Buffer, plan: FormPlan = EMPTY_PLAN): Record<string, unknown> {
  const form: Record<string, unknown> = { ...parseQueryString(raw.toString('utf8')) };
  let claimedAll = false;
  for (const field of plan.fields) {
    const value = form[field.name];
    if (field.shape === 'json') {
      if (typeof value === 'string') form[field.name] = parseJsonField(field.name, value);
    } else if (field.shape === 'array') {
      if (value === undefined) continue;
      const delimiter = field.style === 'spaceDelimited' ? ' ' : field.style === 'pipeDelimited' ? '|' : field.explode ? undefined : ',';
      if (typeof value === 'string') form[field.name] = delimiter === undefined ? [value] : value === '' ? [] : value.split(delimiter);
    } else if (field.style === 'deepObject') {
      const object = takeDeepObject(form, field.name);
      if (object) form[field.name] = object;
    } else if (!field.explode) {
      if (typeof value === 'string') form[field.name] = pairs(value.split(','));
    } else if (value === undefined) {
      // Exploded: the object's properties are keys of the form itself.
      const object: Record<string, unknown> = {};
      const names = field.properties ?? (claimedAll ? [] : Object.keys(form).filter((key) => !plan.declared.has(key)));
      if (!field.properties) claimedAll = true;
      let found = false;
      for (const name of names) {
        if (form[name] === undefined || (field.properties && plan.declared.has(name))) continue;
        object[name] = form[name];
        delete form[name];
        found = true;
      }
      if (found) form[field.name] = object;
    }
  }
  return form;
}

function pairs(items: string[]): Record<string, string> {
  const object: Record<string, string> = {};
  for (let i = 0; i + 1 < items.length; i += 2) object[items[i]!] = items[i + 1]!;
  return object;
}

/** Gathers `name[a]=1&name[b][c]=2` into `{ a: '1', b: { c: '2' } }`, removing those keys from the form. */
function takeDeepObject(form: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  let object: Record<string, unknown> | undefined;
  const prefix = `${name}[`;
  for (const key of Object.keys(form)) {
    if (!key.startsWith(prefix) || !key.endsWith(']')) continue;
    const path = key.slice(prefix.length, -1).split('][');
    const value = form[key];
    delete form[key];
    // No prototype pollution through a key named __proto__ (or constructor).
    if (!path.every(isSafeKey)) continue;
    object ??= {};
    let target = object;
    for (let i = 0; i < path.length - 1; i++) {
      const next = target[path[i]!];
      target = (target[path[i]!] = next && typeof next === 'object' && !Array.isArray(next) ? next : {}) as Record<string, unknown>;
    }
    target[path[path.length - 1]!] = value;
  }
  return object;
}

function isSafeKey(key: string): boolean {
  return key !== '__proto__' && key !== 'constructor' && key !== 'prototype';
}

/** A value whose encoding is JSON (a form field or a multipart part); 400 when it does not parse. */
export function parseJsonField(name: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw coreError('BURROW_ERR_REQUEST_MALFORMED_BODY', { format: `JSON in "${name}"`, reason: (error as Error).message });
  }
}
