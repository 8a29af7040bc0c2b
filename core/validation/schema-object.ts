/** A JSON object of a dereferenced document: a schema, a media type object, a parameter… */
export type JsonObject = Record<string, any>;

/** True for a plain JSON object (not null, not an array): what the schema walkers descend into. */
export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
