import { escapePointerToken } from '../contract/problems.js';
import { LABELS } from './keywords.js';
import { discriminatorTable } from './discriminator.js';
import { isJsonObject, type JsonObject } from './schema-object.js';

/** Which message a schema describes: a request (parameters, bodies) or a response. */
export type Side = 'request' | 'response';

/** What the views of one contract need. */
export interface SchemaViewOptions {
  version: '3.0' | '3.1';
  /** A readOnly property sent in a request: `reject` (an error naming it) or `drop` (deleted before the handler). */
  readOnly: 'reject' | 'drop';
  /** The dereferenced document: component names and discriminator mappings are looked up in it. */
  document: Record<string, any>;
  /**
   * The contract as JSON text, when at hand: a contract that uses none of what the views
   * change, and whose patterns all compile, is not walked at all.
   */
  text?: string;
}

/** Request and response views of the schemas of one dereferenced contract. */
export interface SchemaViews {
  /**
   * The view of a schema for one side: a copy made once per schema object (and per set of
   * property names its context un-requires), whose own `$ref`-free cycles are kept as
   * cycles of copies. `at` is where the schema is used: problems found in it are named
   * from there (or from its component, `#/components/schemas/Pet/...`).
   */
  view(schema: unknown, side: Side, at: () => string): unknown;
  /** What makes the contract unusable, one `#/pointer: message` each (a pattern that is no regular expression…). */
  readonly problems: string[];
  /** True when every view is its schema (the contract uses nothing the views change): nothing need be viewed. */
  readonly identity: boolean;
}

/** Keywords whose value is one schema. */
const ONE = ['items', 'additionalItems', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'contentSchema'];
/** Keywords whose value is a list of schemas. */
const LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
/** Keywords whose value maps names to schemas. */
const MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependencies'];
/** Keywords under which a `required` naming a hidden property of this schema is still about this instance. */
const UNREQUIRING = new Set(['allOf', 'anyOf', 'oneOf', 'then', 'else']);
/** Keywords that apply their schemas to the same value (not to a property or an item of it). */
const SAME_INSTANCE = new Set(['allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependentSchemas', 'dependencies']);

type Schema = JsonObject;

const isSchemaObject: (value: unknown) => value is Schema = isJsonObject;

/** The sides on which a schema's view differs from the schema itself. */
const REQUEST = 1;
const RESPONSE = 2;
const BIT: Record<Side, number> = { request: REQUEST, response: RESPONSE };

/** How a keyword holds subschemas: one, a list, a map. */
const KIND = new Map<string, 1 | 2 | 3>([...ONE.map((k) => [k, 1] as const), ...LISTS.map((k) => [k, 2] as const), ...MAPS.map((k) => [k, 3] as const)]);

/**
 * Calls `visit` for each subschema object of a schema, with whether it applies to the same
 * value, and how to name where it is (`where()`: allocated only when asked for).
 */
function eachSubschema(schema: Schema, at: Where, visit: (sub: Schema, sameInstance: boolean, where: () => Where) => void): void {
  for (const keyword in schema) {
    const kind = KIND.get(keyword);
    if (kind === undefined) continue;
    const value = schema[keyword];
    if (value === null || typeof value !== 'object') continue;
    const same = SAME_INSTANCE.has(keyword);
    if (kind === 1) {
      if (!Array.isArray(value)) visit(value, same, () => ({ parent: at, token: keyword }));
    } else if (kind === 2) {
      if (Array.isArray(value)) for (let i = 0; i < value.length; i++) if (isSchemaObject(value[i])) visit(value[i], same, () => ({ parent: { parent: at, token: keyword }, token: String(i) }));
    } else if (!Array.isArray(value)) {
      for (const key in value) if (isSchemaObject(value[key])) visit(value[key], same, () => ({ parent: { parent: at, token: keyword }, token: key }));
    }
  }
}

/**
 * Builds the views of the schemas of a dereferenced contract. A schema object may be used
 * by requests and responses alike, and may be cyclic. A first pass over the schemas an
 * operation uses finds, for each, whether its request or response view differs from it
 * (itself or through any schema it reaches: strongly connected components, since cycles
 * share their fate), checks what no validator could compile, and finds loops. Then a view
 * is the schema itself where nothing differs, else a transformed copy made once per
 * original (and per set of names its context un-requires), cycles kept as cycles of copies:
 *
 * - request: a readOnly property answers "is read-only" (or is dropped) and is not
 *   required; response: a writeOnly property answers "is write-only" and is not required.
 *   OpenAPI 3.0.3: "If the property is marked as readOnly being true and is in the required
 *   list, the required will take effect on the response only." A property hidden by an
 *   `allOf` part is not required by the other parts either.
 * - 3.0: `exclusiveMinimum: true` with `minimum` becomes draft-07's numeric form (the same
 *   for maximum); `nullable` without `type` is dropped (3.0.3: it "adds null to the allowed
 *   type specified by the type keyword, only if type is explicitly defined"). 3.1: `nullable`
 *   is no keyword of JSON Schema 2020-12, and is dropped.
 * - a `discriminator` with `oneOf`/`anyOf` gets its table: value → branch, from `mapping`
 *   and from the component names of the branches (the implicit mapping).
 * - `oneOf`/`anyOf` branches get labels (`#/oneOf/1 (Cat)`) for error messages.
 *
 * Data (`enum`, `default`, examples…) is shared with the original: no compiled schema holds
 * both a schema and its view (one side each), and `prepareRefs` leaves no merged `$ref`.
 */
export function createSchemaViews(options: SchemaViewOptions): SchemaViews {
  const { version, document } = options;
  const componentSchemas = isSchemaObject(document.components?.schemas) ? (document.components.schemas as Record<string, unknown>) : {};
  const nameOf = new Map<object, string>();
  for (const [name, schema] of Object.entries(componentSchemas)) if (isSchemaObject(schema) && !nameOf.has(schema)) nameOf.set(schema, name);
  const componentAt = (schema: object, at: Where): Where => {
    const name = nameOf.get(schema);
    return name === undefined ? at : { parent: undefined, token: `#/components/schemas/${escapePointerToken(name)}` };
  };
  const problems: string[] = [];
  // The request and the response view of one schema find the same problem: reported once.
  const report = (problem: string) => void (problems.includes(problem) || problems.push(problem));
  const checkedPatterns = new Set<string>();
  const discriminators = { document, nameOf, report };

  // The first pass: Tarjan's strongly connected components over the subschema graph.
  // `differs`: the sides whose view differs, set once the schema's component is complete.
  const visits = new Map<object, { index: number; low: number; own: number; onPath: boolean; differs: number | undefined }>();
  const path: object[] = [];
  const loopState = new Map<object, 1 | 2>();
  let counter = 0;

  /** What differs in the schema itself, on each side (its subschemas aside); checks its patterns. */
  const ownDifferences = (schema: Schema, at: Where): number => {
    let bits = 0;
    if (schema.properties !== undefined || schema.allOf !== undefined) bits |= hiddenSides(schema, 0);
    if (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf)) bits |= REQUEST | RESPONSE;
    if (schema.nullable !== undefined) bits |= REQUEST | RESPONSE;
    if (version === '3.0' && (typeof schema.exclusiveMinimum === 'boolean' || typeof schema.exclusiveMaximum === 'boolean')) bits |= REQUEST | RESPONSE;
    if (typeof schema.pattern === 'string') checkPattern(schema.pattern, { parent: at, token: 'pattern' });
    if (isSchemaObject(schema.patternProperties)) for (const pattern in schema.patternProperties) checkPattern(pattern, { parent: at, token: 'patternProperties' });
    return bits;
  };

  const analyze = (schema: Schema, at: Where): void => {
    const visit = { index: counter, low: counter++, own: 0, onPath: true, differs: undefined as number | undefined };
    visits.set(schema, visit);
    path.push(schema);
    if (appliesToSameValue(schema) && !loopState.has(schema)) findLoops(schema, at);
    let bits = ownDifferences(schema, at);
    eachSubschema(schema, at, (sub, _same, where) => {
      let next = visits.get(sub);
      if (!next) {
        analyze(sub, componentAt(sub, where()));
        next = visits.get(sub)!;
        if (next.low < visit.low) visit.low = next.low;
      } else if (next.onPath && next.index < visit.low) visit.low = next.index;
      // A finished component's answer is final; one still on the path is this schema's own component.
      bits |= next.differs ?? 0;
    });
    visit.own = bits;
    if (visit.low !== visit.index) return;
    const members: object[] = [];
    let member: object;
    do {
      member = path.pop()!;
      visits.get(member)!.onPath = false;
      members.push(member);
    } while (member !== schema);
    let component = 0;
    for (const m of members) component |= visits.get(m)!.own;
    for (const m of members) visits.get(m)!.differs = component;
  };

  /**
   * Schemas that apply each other to the same value (allOf, oneOf, not…) without descending
   * into a property or an item never end: JSON Schema 2020-12, "A schema MUST NOT be run
   * into an infinite loop against an instance". A depth-first search over those edges only.
   */
  const findLoops = (schema: Schema, at: Where): void => {
    loopState.set(schema, 1);
    eachSubschema(schema, at, (sub, sameInstance, where) => {
      // A schema applying nothing to the same value closes no loop.
      if (!sameInstance || !appliesToSameValue(sub)) return;
      const state = loopState.get(sub);
      if (state === 1) {
        const name = nameOf.get(sub);
        const target = name === undefined ? 'a schema it is part of' : `#/components/schemas/${escapePointerToken(name)}`;
        report(`${pointerOf(where())}: leads back to ${target}, applied to the same value, without descending into a property or an item: validating any value would never end (JSON Schema 2020-12: "A schema MUST NOT be run into an infinite loop against an instance")`);
      } else if (state === undefined) findLoops(sub, componentAt(sub, where()));
    });
    loopState.set(schema, 2);
  };

  const memo: Record<Side, Map<object, Map<string, Schema>>> = { request: new Map(), response: new Map() };

  const build = (schema: unknown, side: Side, unrequired: readonly string[], at: Where): unknown => {
    if (!isSchemaObject(schema)) return schema;
    if (!unrequired.length && !((visits.get(schema)?.differs ?? 0) & BIT[side])) return schema;
    at = componentAt(schema, at);
    const key = unrequired.join('\u0000');
    let byKey = memo[side].get(schema);
    if (!byKey) memo[side].set(schema, (byKey = new Map()));
    const made = byKey.get(key);
    if (made) return made;
    const copy: Schema = {};
    // Registered before its parts are built: a cycle back to this schema meets this copy.
    byKey.set(key, copy);

    const hidden = hiddenProperties(schema, side);
    const notRequired = hidden.length ? [...new Set([...unrequired, ...hidden])].sort() : unrequired;
    for (const keyword in schema) {
      const value = schema[keyword];
      const here: Where = { parent: at, token: keyword };
      if (keyword === 'properties' && isSchemaObject(value)) {
        const properties: Schema = {};
        for (const property in value) {
          const sub = value[property];
          properties[property] = isHidden(sub, side, 0) ? hiddenMarker(side, options.readOnly) : build(sub, side, [], { parent: here, token: property });
        }
        copy.properties = properties;
      } else if (keyword === 'required' && Array.isArray(value)) {
        copy.required = notRequired.length ? value.filter((p) => !notRequired.includes(p)) : value;
      } else if (ONE.includes(keyword)) {
        copy[keyword] = build(value, side, UNREQUIRING.has(keyword) ? notRequired : [], here);
      } else if (LISTS.includes(keyword) && Array.isArray(value)) {
        copy[keyword] = value.map((sub, i) => build(sub, side, UNREQUIRING.has(keyword) ? notRequired : [], { parent: here, token: String(i) }));
      } else if (MAPS.includes(keyword) && isSchemaObject(value)) {
        const map: Schema = {};
        for (const k in value) map[k] = Array.isArray(value[k]) ? value[k] : build(value[k], side, [], { parent: here, token: k });
        copy[keyword] = map;
      } else if (keyword === 'discriminator') {
        copy.discriminator = discriminatorTable(schema, () => pointerOf(here), discriminators) ?? value;
      } else {
        copy[keyword] = value;
      }
    }
    for (const keyword of ['oneOf', 'anyOf'] as const) {
      if (Array.isArray(schema[keyword])) (copy[LABELS] ??= {})[keyword] = (schema[keyword] as unknown[]).map((branch, i) => labelOf(keyword, i, branch));
    }
    if (version === '3.0') toDraft07(copy);
    else delete copy.nullable;
    return copy;
  };

  const labelOf = (keyword: string, index: number, branch: unknown) => {
    const name = isSchemaObject(branch) ? nameOf.get(branch) : undefined;
    return name === undefined ? `#/${keyword}/${index}` : `#/${keyword}/${index} (${name})`;
  };

  const checkPattern = (pattern: string, where: Where) => {
    if (checkedPatterns.has(pattern)) return;
    checkedPatterns.add(pattern);
    const error = patternError(pattern);
    if (error !== undefined) report(`${pointerOf(where)}: ${JSON.stringify(pattern)} is not a regular expression (${error})`);
  };

  const needed = options.text === undefined || mayDiffer(options.text, version) || !patternsCompile(options.text);
  return {
    view(schema, side, at) {
      if (!needed || !isSchemaObject(schema)) return schema;
      const where: Where = { parent: undefined, token: at };
      if (!visits.has(schema)) analyze(schema, componentAt(schema, where));
      return build(schema, side, [], where);
    },
    problems,
    identity: !needed,
  };
}

/** Where a schema part is, as a chain of tokens: the pointer is only written out for a problem. */
interface Where {
  parent: Where | undefined;
  /** A pointer token (unescaped), or the first link's pointer itself (written when needed). */
  token: string | (() => string);
}

function pointerOf(where: Where): string {
  const tokens: string[] = [];
  let link = where;
  for (; link.parent; link = link.parent) tokens.push(escapePointerToken(link.token as string));
  return [typeof link.token === 'function' ? link.token() : link.token, ...tokens.reverse()].join('/');
}

/** Keywords whose presence (as a key anywhere in the contract's JSON) may make a view differ, or close a loop. */
const DIFFERING = /"(?:readOnly|writeOnly)":true|"(?:oneOf|anyOf|allOf|not|if|then|else|dependentSchemas|dependencies|nullable|discriminator)":/;
const BOOLEAN_EXCLUSIVE = /"exclusive(?:Minimum|Maximum)":(?:true|false)/;

function mayDiffer(text: string, version: '3.0' | '3.1'): boolean {
  return DIFFERING.test(text) || (version === '3.0' && BOOLEAN_EXCLUSIVE.test(text));
}

/** Every `"pattern": "…"` string of the text compiles (one that does not sends the contract through the walk, which names where it is). */
function patternsCompile(text: string): boolean {
  for (const match of text.matchAll(/"pattern":("(?:[^"\\]|\\.)*")/g)) if (patternError(JSON.parse(match[1]!) as string) !== undefined) return false;
  return !text.includes('"patternProperties":');
}

/** Why a pattern is no regular expression; undefined when it compiles with the `u` flag or, failing that, without — as Ajv compiles it (see `createAjv`). */
function patternError(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'u');
  } catch {
    try {
      new RegExp(pattern);
    } catch (error) {
      return (error as Error).message;
    }
  }
  return undefined;
}

/** Does the schema apply subschemas to the value itself (so that it may be part of a loop)? */
function appliesToSameValue(schema: Schema): boolean {
  return (
    schema.allOf !== undefined || schema.anyOf !== undefined || schema.oneOf !== undefined || schema.not !== undefined || schema.if !== undefined ||
    schema.then !== undefined || schema.else !== undefined || schema.dependentSchemas !== undefined || schema.dependencies !== undefined
  );
}

/** The properties this schema declares (itself or through allOf) that do not belong on this side. */
function hiddenProperties(schema: Schema, side: Side, seen = new Set<object>()): string[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const names: string[] = [];
  if (isSchemaObject(schema.properties)) for (const [name, sub] of Object.entries(schema.properties)) if (isHidden(sub, side, 0)) names.push(name);
  if (Array.isArray(schema.allOf)) for (const part of schema.allOf) if (isSchemaObject(part)) names.push(...hiddenProperties(part, side, seen));
  return names;
}

/** The sides on which the schema declares (itself or through allOf) a property that does not belong there. */
function hiddenSides(schema: Schema, depth: number): number {
  let bits = 0;
  const properties = schema.properties;
  if (isSchemaObject(properties)) {
    for (const name in properties) {
      const property = properties[name];
      if (!isSchemaObject(property)) continue;
      if (property.readOnly === true || (property.allOf && isHidden(property, 'request', 0))) bits |= REQUEST;
      if (property.writeOnly === true || (property.allOf && isHidden(property, 'response', 0))) bits |= RESPONSE;
    }
  }
  if (Array.isArray(schema.allOf) && depth < 4) for (const part of schema.allOf) if (isSchemaObject(part)) bits |= hiddenSides(part, depth + 1);
  return bits;
}

/** Is a property's schema readOnly (request) or writeOnly (response), itself or through an allOf part? */
function isHidden(schema: unknown, side: Side, depth: number): boolean {
  if (!isSchemaObject(schema) || depth > 4) return false;
  if (schema[side === 'request' ? 'readOnly' : 'writeOnly'] === true) return true;
  return Array.isArray(schema.allOf) && schema.allOf.some((part: unknown) => isHidden(part, side, depth + 1));
}

function hiddenMarker(side: Side, readOnly: 'reject' | 'drop'): Schema {
  if (side === 'response') return { 'x-burrow-write-only': true };
  return readOnly === 'drop' ? { 'x-burrow-drop': true } : { 'x-burrow-read-only': true };
}

/** OpenAPI 3.0's forms of JSON Schema Wright draft 00, in draft-07 (which Ajv runs for 3.0). */
function toDraft07(schema: Schema): void {
  for (const [exclusive, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof schema[exclusive] !== 'boolean') continue;
    if (schema[exclusive] === true && typeof schema[bound] === 'number') {
      schema[exclusive] = schema[bound];
      delete schema[bound];
    } else delete schema[exclusive];
  }
  if (schema.nullable !== true || schema.type === undefined) delete schema.nullable;
}
