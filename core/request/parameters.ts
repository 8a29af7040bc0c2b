/**
 * Parameters as OpenAPI 3.0.3 and 3.1 serialize them (Parameter Object: `style`,
 * `explode`, `content`, `allowReserved`, `allowEmptyValue`), read back into the
 * values their schemas describe, then validated and coerced by the parameter
 * validator (`input.ts`).
 *
 * Everything a parameter needs is worked out once per operation at boot
 * ({@link compileParameterSpecs}): its reader, its delimiters, the shape of its
 * value. A request runs the readers and nothing else; a location without parameters
 * costs nothing beyond a length check. The styles themselves are in `parameters/`.
 */
import type { EngineOperation } from '../validation/engine.js';
import type { ValidationIssue } from '../errors/burrow-error.js';
import type { RequestContext } from './context.js';
import { contentPairsReader, contentReader } from './parameters/content.js';
import { splitCookies } from './parameters/cookie-header.js';
import { pairsReader, takeUndeclared, type PairsOptions, type PairsReader } from './parameters/form.js';
import { defaultStyle, parameterProblems, type DeclaredParameter } from './parameters/problems.js';
import { decodePercent, decodeQueryComponent, splitQuery, type RawQuery } from './parameters/query-string.js';
import { kindOf, objectShape, type ObjectShape, type ValueKind } from './parameters/schema-kind.js';
import { Invalid, labelReader, matrixReader, put, simpleReader, type Decode, type StringReader } from './parameters/styles.js';
import { locateSegment, rawPathValue, type SegmentLocation } from './parameters/path-segment.js';
import { IGNORED_HEADERS } from './parameters/validator-operation.js';

export { parameterProblems } from './parameters/problems.js';
export { validatorOperation } from './parameters/validator-operation.js';

/** A path parameter whose style needs the raw segment (anything but a `simple` primitive). */
interface PathReader extends SegmentLocation {
  name: string;
  read: StringReader;
}

/** A query or cookie parameter, read from the name=value pairs. */
interface PairsParameter {
  name: string;
  read: PairsReader;
  options: PairsOptions;
}

/** A header parameter whose value needs shaping (an array, an object, `content`); lower-case name. */
interface HeaderReader {
  name: string;
  read: StringReader;
}

/** What reading an operation's parameters needs, worked out once at boot. */
export interface ParameterSpecs {
  path: PathReader[];
  query: PairsParameter[];
  /** Query names some parameter reads (its own name, or a property of an exploded object). */
  queryNames: Set<string>;
  /** `name[` of each `deepObject` parameter: pairs with these names are its properties. */
  deepObjectPrefixes: string[];
  /** The exploded `form` object that takes every query pair no parameter claims (`additionalProperties`). */
  openQueryObject: PairsParameter | undefined;
  header: HeaderReader[];
  usesHeaders: boolean;
  cookie: PairsParameter[];
  /** Cookies a reader shapes; the others are handed over decoded, as sent. */
  cookieNames: Set<string>;
  usesCookies: boolean;
  /** Parameters declared against the *Style Values* table (see {@link parameterProblems}). */
  problems: string[];
}

/** The input of the parameter validator: values shaped by their styles, before coercion. */
export interface ParameterInput {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  header: Record<string, unknown>;
  cookie: Record<string, unknown>;
  /** Values that do not follow their serialization (left out of the input above). */
  issues: ValidationIssue[] | undefined;
}

const trimOws: Decode = (raw) => raw.trim();
const identity: Decode = (raw) => raw;

/** Works out, once per operation, how each of its parameters is read. */
export function compileParameterSpecs(op: EngineOperation): ParameterSpecs {
  const specs: ParameterSpecs = {
    path: [],
    query: [],
    queryNames: new Set(),
    deepObjectPrefixes: [],
    openQueryObject: undefined,
    header: [],
    usesHeaders: false,
    cookie: [],
    cookieNames: new Set(),
    usesCookies: false,
    problems: parameterProblems(op),
  };
  const segments = op.path.split('/').slice(1);
  for (const parameter of (op.parameters ?? []) as DeclaredParameter[]) {
    if (!parameter || typeof parameter !== 'object') continue;
    const contentType = parameter.content ? Object.keys(parameter.content)[0] : undefined;
    const schema = contentType ? parameter.content![contentType]?.schema : parameter.schema;
    const kind = kindOf(schema);
    const style = parameter.style ?? defaultStyle(parameter.in);
    // "When style is form, the default value is true. For all other styles, the default value is false."
    const explode = parameter.explode ?? style === 'form';
    const shape = kind === 'object' ? objectShape(schema) : undefined;
    const name = parameter.name;

    if (parameter.in === 'path') {
      if (!contentType && style === 'simple' && kind === 'primitive') continue;
      const decode = decodePercent;
      const read = contentType ? contentReader(contentType, decode) : styleReader(style, name, kind, explode, decode, shape);
      specs.path.push({ name, ...locateSegment(segments, name), read });
    } else if (parameter.in === 'query') {
      const options: PairsOptions = {
        name,
        kind,
        style,
        explode,
        decode: decodeQueryComponent,
        // "This property only applies to parameters with an in value of query. The default value is false."
        checkReserved: parameter.allowReserved !== true && !contentType,
        emptyAllowed: parameter.allowEmptyValue === true,
        firstWins: false,
        shape,
      };
      const read = contentType ? contentPairsReader(contentType, options) : pairsReader(options);
      const spec = { name, read, options };
      specs.query.push(spec);
      // deepObject pairs are `name[property]`; an exploded form object's are its properties.
      if (!contentType && style === 'deepObject') specs.deepObjectPrefixes.push(`${name}[`);
      else if (!contentType && kind === 'object' && explode && style === 'form') {
        for (const property of shape!.properties) specs.queryNames.add(property);
        if (shape!.open) specs.openQueryObject ??= spec;
      } else specs.queryNames.add(name);
    } else if (parameter.in === 'header') {
      if (IGNORED_HEADERS.has(name.toLowerCase())) continue;
      specs.usesHeaders = true;
      if (!contentType && kind === 'primitive') continue;
      const read = contentType ? contentReader(contentType, identity) : simpleReader(kind, explode, trimOws, shape);
      specs.header.push({ name: name.toLowerCase(), read });
    } else if (parameter.in === 'cookie') {
      specs.usesCookies = true;
      if (!contentType && kind === 'primitive') continue;
      const options: PairsOptions = { name, kind, style, explode, decode: decodePercent, checkReserved: false, emptyAllowed: true, firstWins: true, shape };
      specs.cookie.push({ name, read: contentType ? contentPairsReader(contentType, options) : pairsReader(options), options });
      specs.cookieNames.add(name);
    }
  }
  return specs;
}

function styleReader(style: string, name: string, kind: ValueKind, explode: boolean, decode: Decode, shape: ObjectShape | undefined): StringReader {
  if (style === 'matrix') return matrixReader(name, kind, explode, decode, shape);
  if (style === 'label') return labelReader(kind, explode, decode, shape);
  return simpleReader(kind, explode, decode, shape);
}

function addIssue(input: ParameterInput, location: ValidationIssue['in'], name: string, invalid: Invalid): void {
  (input.issues ??= []).push({ in: location, name, pointer: '', message: invalid.message });
}

/**
 * Reads the parameters of a request as their styles say, into the validator's input.
 * Header values are copied only when the operation declares some (coercion rewrites
 * them in place); a value that does not follow its style is left out and reported
 * in `issues`.
 */
export function readParameters(ctx: RequestContext, specs: ParameterSpecs): ParameterInput {
  const input: ParameterInput = { path: ctx.params, query: {}, header: ctx.headers as Record<string, unknown>, cookie: {}, issues: undefined };
  if (specs.path.length) readPath(ctx, specs, input);
  if (ctx.rawQuery !== '') readQuery(splitQuery(ctx.rawQuery), specs, input);
  if (specs.usesHeaders) readHeaders(ctx, specs, input);
  if (specs.usesCookies) readCookies(ctx, specs, input);
  return input;
}

function readPath(ctx: RequestContext, specs: ParameterSpecs, input: ParameterInput): void {
  const path = (input.path = { ...ctx.params });
  for (const reader of specs.path) {
    const raw = rawPathValue(ctx.path, reader);
    if (raw === undefined) continue;
    const value = reader.read(raw);
    if (value instanceof Invalid) {
      delete path[reader.name];
      addIssue(input, 'path', reader.name, value);
    } else path[reader.name] = value;
  }
}

function readHeaders(ctx: RequestContext, specs: ParameterSpecs, input: ParameterInput): void {
  const header: Record<string, unknown> = (input.header = { ...ctx.headers });
  for (const reader of specs.header) {
    const raw = header[reader.name];
    if (raw === undefined) continue;
    const value = reader.read(Array.isArray(raw) ? raw.join(', ') : String(raw));
    if (value instanceof Invalid) {
      delete header[reader.name];
      addIssue(input, 'header', reader.name, value);
    } else header[reader.name] = value;
  }
}

function readCookies(ctx: RequestContext, specs: ParameterSpecs, input: ParameterInput): void {
  const pairs = splitCookies(ctx.headers.cookie ?? '');
  const cookie = input.cookie;
  for (const spec of specs.cookie) {
    const value = spec.read(pairs);
    if (value === undefined) continue;
    if (value instanceof Invalid) addIssue(input, 'cookie', spec.name, value);
    else put(cookie, spec.name, value);
  }
  for (const name in pairs) {
    if (specs.cookieNames.has(name)) continue;
    const raw = pairs[name]!;
    put(cookie, name, decodePercent(typeof raw === 'string' ? raw : raw[0]!));
  }
}

function readQuery(pairs: RawQuery, specs: ParameterSpecs, input: ParameterInput): void {
  const query = input.query;
  let openFailed = false;
  for (const spec of specs.query) {
    const value = spec.read(pairs);
    if (value === undefined) continue;
    if (value instanceof Invalid) {
      addIssue(input, 'query', spec.name, value);
      if (spec === specs.openQueryObject) openFailed = true;
    } else put(query, spec.name, value);
  }
  const open = specs.openQueryObject;
  const prefixes = specs.deepObjectPrefixes;
  for (const key in pairs) {
    if (specs.queryNames.has(key)) continue;
    if (prefixes.length && prefixes.some((prefix) => key.startsWith(prefix))) continue;
    const raw = pairs[key]!;
    if (open) {
      if (openFailed) continue;
      let object = query[open.name] as Record<string, unknown> | undefined;
      if (object === undefined) put(query, open.name, (object = {}));
      const invalid = takeUndeclared(object, key, raw, open.options);
      if (invalid) {
        addIssue(input, 'query', open.name, invalid);
        delete query[open.name];
        openFailed = true;
      }
      continue;
    }
    // Not declared: kept for the validator, which refuses it by name.
    if (Object.prototype.hasOwnProperty.call(query, key)) continue;
    put(query, key, typeof raw === 'string' ? decodeQueryComponent(raw) : raw.map(decodeQueryComponent));
  }
}

/**
 * Adds the issues found while reading to the validator's, which come first; a
 * parameter whose value could not be read is reported once, by the reading issue,
 * not again as missing or mistyped by the validator.
 */
export function mergeParameterIssues(validatorIssues: ValidationIssue[] | undefined, readIssues: ValidationIssue[]): ValidationIssue[] {
  const unread = (issue: ValidationIssue) => !readIssues.some((r) => r.in === issue.in && r.name === issue.name);
  return [...(validatorIssues ?? []).filter(unread), ...readIssues];
}

/**
 * After validation: the coerced values become the context's (`ctx.params`,
 * `ctx.query`, `ctx.cookies`, declared `ctx.headers`).
 */
export function applyParameters(ctx: RequestContext, specs: ParameterSpecs, input: ParameterInput): void {
  ctx.params = input.path;
  ctx.query = input.query;
  if (specs.usesCookies) ctx.cookies = input.cookie as Record<string, string | undefined>;
  if (specs.usesHeaders) ctx.headers = input.header as RequestContext['headers'];
}
