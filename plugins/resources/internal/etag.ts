/**
 * Entity tags of records: a strong ETag computed from every scalar field of the row
 * (so that any change of the record changes it, whichever representation was read),
 * and the comparisons of RFC 9110 §13.1.
 */
import { createHash } from 'node:crypto';
import type { Model } from './datamodel.js';

function canonical(value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as { toFixed?: unknown }).toFixed === 'function') return String(value);
  return value;
}

/** The scalar fields the tag is computed from (the order of the model). */
export function etagFields(model: Model): string[] {
  return model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum').map((f) => f.name);
}

/** The strong ETag of a row holding (at least) the scalar fields of its model. */
export function etagOf(fields: readonly string[], row: Record<string, unknown>): string {
  const hash = createHash('sha256');
  for (const name of fields) hash.update(JSON.stringify(canonical(row[name]) ?? null)).update('\u0000');
  return `"${hash.digest('base64url').slice(0, 27)}"`;
}

/** Splits an `If-Match` / `If-None-Match` value into its entity tags (`*` stays `*`). */
export function parseEntityTags(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  const value = Array.isArray(header) ? header.join(',') : header;
  return value.match(/\*|(?:W\/)?"[^"]*"/g) ?? [];
}

/** `If-Match`: true when one tag matches strongly (a weak tag never does), or `*`. */
export function ifMatch(tags: readonly string[], current: string): boolean {
  return tags.some((tag) => tag === '*' || tag === current);
}

/** `If-None-Match`: true when one tag matches weakly (the `W/` prefix ignored), or `*`. */
export function ifNoneMatch(tags: readonly string[], current: string): boolean {
  return tags.some((tag) => tag === '*' || tag.replace(/^W\//, '') === current);
}
