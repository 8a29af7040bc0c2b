/**
 * What a parameter's schema says about the shape of its value, worked out once at
 * boot: a style serializes a primitive, an array and an object differently, and the
 * reader has to know which one to rebuild from the string it receives.
 */

/** The three shapes the specification's *Style Examples* table distinguishes. */
export type ValueKind = 'primitive' | 'array' | 'object';

type Schema = Record<string, unknown> | boolean | undefined;

/** The properties of an object parameter that a reader needs. */
export interface ObjectShape {
  /** Declared properties (`properties`, also those of `allOf`/`anyOf`/`oneOf` branches). */
  properties: Set<string>;
  /** Declared properties whose value is an array: a key given once still yields an array. */
  arrays: Set<string>;
  /** Whether undeclared keys belong to the object (`additionalProperties` true or a schema, or no `properties`). */
  open: boolean;
  /** Whether those undeclared keys hold arrays (`additionalProperties: { type: array }`). */
  openArrays: boolean;
}

const OBJECT_KEYWORDS = ['properties', 'additionalProperties', 'patternProperties', 'propertyNames', 'minProperties', 'maxProperties', 'dependentRequired'];
const ARRAY_KEYWORDS = ['items', 'prefixItems', 'minItems', 'maxItems', 'uniqueItems', 'contains'];

/**
 * The kind of value a schema describes. An explicit `type` decides (3.1 type arrays:
 * `array` or `object` wins over `null` and primitives); without one, the keywords
 * used (`items`, `properties`…), then the first composed branch that is not primitive.
 * A schema that says nothing is a primitive: its value is kept as one string.
 */
export function kindOf(schema: Schema, seen = new Set<object>()): ValueKind {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return 'primitive';
  seen.add(schema);
  const type = schema.type;
  if (typeof type === 'string') return type === 'array' ? 'array' : type === 'object' ? 'object' : 'primitive';
  if (Array.isArray(type)) {
    if (type.includes('array')) return 'array';
    if (type.includes('object')) return 'object';
    return 'primitive';
  }
  if (ARRAY_KEYWORDS.some((k) => k in schema)) return 'array';
  if (OBJECT_KEYWORDS.some((k) => k in schema)) return 'object';
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (!Array.isArray(branches)) continue;
    for (const branch of branches) {
      const kind = kindOf(branch as Schema, seen);
      if (kind !== 'primitive') return kind;
    }
  }
  return 'primitive';
}

/** The properties of an object schema, its composed branches included. */
export function objectShape(schema: Schema): ObjectShape {
  const shape: ObjectShape = { properties: new Set(), arrays: new Set(), open: false, openArrays: false };
  let declaresProperties = false;
  let closed = false;
  const visit = (node: Schema, seen: Set<object>) => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    const properties = node.properties as Record<string, Schema> | undefined;
    if (properties && typeof properties === 'object') {
      declaresProperties = true;
      for (const [name, property] of Object.entries(properties)) {
        shape.properties.add(name);
        if (kindOf(property) === 'array') shape.arrays.add(name);
      }
    }
    const additional = node.additionalProperties as Schema;
    if (additional === false) closed = true;
    else if (additional !== undefined) {
      shape.open = true;
      if (additional !== true && kindOf(additional) === 'array') shape.openArrays = true;
    }
    if (node.patternProperties && typeof node.patternProperties === 'object') shape.open = true;
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
      const branches = node[key];
      if (Array.isArray(branches)) for (const branch of branches) visit(branch as Schema, seen);
    }
  };
  visit(schema, new Set());
  // A free-form object (no declared properties, not closed) takes every undeclared key.
  if (!declaresProperties && !closed) shape.open = true;
  return shape;
}
