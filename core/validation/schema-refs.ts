import { escapePointerToken, percentDecode } from '../contract/problems.js';
import { DATA_KEYS } from '../contract/load.js';
/** Keys beside `$ref` that describe it (3.1 Reference Object: they override the target's), and extensions. */
const isAnnotation = (key: string) => key === 'summary' || key === 'description' || key.startsWith('x-');

/**
 * Reads the `$ref`s of a (cloned) contract as its OpenAPI version defines them, before
 * json-schema-ref-parser dereferences it — which knows JSON pointers only, and merges the
 * keys beside a `$ref` over its target (two objects then share the target's `properties`,
 * `required`…). Mutates the document:
 *
 * - 3.0: a Reference Object "cannot be extended with additional properties and any
 *   properties added SHALL be ignored": the keys beside `$ref` go.
 * - 3.1: a Schema Object's `$ref` is JSON Schema 2020-12's, an applicator whose sibling
 *   keywords constrain the value too (`{ $ref: Pet, required: [name] }` demands what Pet
 *   demands *and* `name`): it becomes `{ ...siblings, allOf: [{ $ref }, ...siblings.allOf] }`.
 *   Beside a `$ref`, `summary`, `description` and extensions only describe it, and go.
 * - 3.1: a `$ref` to a plain-name fragment (`#node`) points at the schema whose `$anchor`
 *   (or `$dynamicAnchor`) has that name: it becomes a JSON pointer to it (the contract
 *   loader refuses one that names no anchor).
 *
 * A Path Item Object's `$ref` is no Reference Object (the fields beside it are the path
 * item's own; the specification leaves a clash undefined): those are left as they are.
 */
export function prepareRefs(document: unknown, version: '3.0' | '3.1'): void {
  const anchored = new Map<string, object>();
  const toAnchors: Record<string, unknown>[] = [];
  const components = (document as { components?: unknown } | null)?.components;
  const stack: [unknown, boolean][] = [[document, false]];
  while (stack.length) {
    const [node, isPathItem] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push([item, false]);
      continue;
    }
    const object = node as Record<string, unknown>;
    if (version === '3.1') {
      for (const key of ['$anchor', '$dynamicAnchor']) if (typeof object[key] === 'string' && !anchored.has(object[key] as string)) anchored.set(object[key] as string, object);
    }
    if (typeof object.$ref === 'string' && !isPathItem) {
      let ref: Record<string, unknown> = object;
      const siblings = Object.keys(object).filter((key) => key !== '$ref');
      if (version === '3.1' && siblings.some((key) => !isAnnotation(key))) {
        ref = { $ref: object.$ref };
        delete object.$ref;
        for (const key of siblings) if (isAnnotation(key)) delete object[key];
        object.allOf = [ref, ...(Array.isArray(object.allOf) ? object.allOf : [])];
      } else {
        for (const key of siblings) delete object[key];
      }
      const value = ref.$ref as string;
      if (version === '3.1' && value.startsWith('#') && !value.startsWith('#/') && value !== '#') toAnchors.push(ref);
    }
    for (const key in object) {
      if (DATA_KEYS.has(key)) continue;
      const value = object[key];
      const holdsPathItems =
        (object === document && (key === 'paths' || key === 'webhooks')) || (object === components && key === 'pathItems') ? 'items' : key === 'callbacks' ? 'callbacks' : undefined;
      if (!holdsPathItems || value === null || typeof value !== 'object') {
        stack.push([value, false]);
        continue;
      }
      for (const child of Object.values(value)) {
        if (holdsPathItems === 'items') stack.push([child, true]);
        // A callback: a Callback Object (or a $ref to one) whose values are path items.
        else if (child !== null && typeof child === 'object' && typeof (child as { $ref?: unknown }).$ref !== 'string') for (const item of Object.values(child)) stack.push([item, true]);
        else stack.push([child, false]);
      }
    }
  }
  if (toAnchors.length) pointAnchorRefs(document, anchored, toAnchors);
}

/**
 * Does the JSON text of a contract hold a `$ref` that {@link prepareRefs} would change: one
 * with keys beside it, or (3.1) one naming an anchor? Most contracts have none, and are not
 * walked.
 */
export function refsNeedReading(json: string, version: '3.0' | '3.1'): boolean {
  if (/,"\$ref":|"\$ref":"(?:[^"\\]|\\.)*",/.test(json)) return true;
  return version === '3.1' && /"\$ref":"#[^/"]/.test(json);
}

/** Rewrites `$ref: '#name'` to the JSON pointer of the schema anchored `name` (pointers are written only now, and only for anchored schemas). */
function pointAnchorRefs(document: unknown, anchored: Map<string, object>, refs: Record<string, unknown>[]): void {
  const pointers = new Map<object, string>();
  const wanted = new Set(anchored.values());
  const walk: [unknown, string][] = [[document, '#']];
  while (walk.length && pointers.size < wanted.size) {
    const [node, pointer] = walk.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (wanted.has(node) && !pointers.has(node)) pointers.set(node, pointer);
    for (const [key, value] of Object.entries(node)) if (!DATA_KEYS.has(key)) walk.push([value, `${pointer}/${escapePointerToken(key)}`]);
  }
  for (const ref of refs) {
    const target = anchored.get(percentDecode((ref.$ref as string).slice(1)));
    const pointer = target && pointers.get(target);
    if (pointer !== undefined) ref.$ref = pointer;
  }
}
