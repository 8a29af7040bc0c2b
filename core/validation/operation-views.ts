import { escapePointerToken } from '../contract/problems.js';
import { METHODS } from '../contract/compose.js';
import type { SchemaViews, Side } from './schema-views.js';
import { isJsonObject, type JsonObject } from './schema-object.js';

type Node = JsonObject;
const isObject: (value: unknown) => value is Node = isJsonObject;

/** Where something is, written out only when a problem is found there. */
type At = () => string;
const under = (at: At, ...tokens: string[]): At => () => [at(), ...tokens.map(escapePointerToken)].join('/');

/**
 * The pre-pass over a dereferenced contract, before openapi-backend models it: every
 * operation's parameters and request bodies get the request views of their schemas, its
 * responses (bodies and headers) the response views. A parameter, request body or response
 * whose views differ is copied (once: a `$ref`'d one shared by many operations stays shared).
 *
 * Path-level parameters are merged into each operation here, as OpenAPI says: "If a
 * parameter is already defined at the Path Item, the new definition will override it but
 * can never remove it" — openapi-backend would list both, the path-level one last (so
 * winning its validator).
 */
export function applyViews(definition: Node, views: SchemaViews): void {
  const copies = new WeakMap<object, Node>();
  const once = (original: Node, make: () => Node): Node => {
    let copy = copies.get(original);
    if (!copy) copies.set(original, (copy = make()));
    return copy;
  };
  /** A copy of `object` with `changes`, or `object` itself when nothing changes. */
  const withChanges = (object: Node, changes: Node): Node => {
    for (const key in changes) if (changes[key] !== object[key]) return Object.assign(Object.assign({}, object), changes);
    return object;
  };
  const content = (media: unknown, side: Side, at: At): unknown => {
    if (!isObject(media)) return media;
    let viewed: Node | undefined;
    for (const key in media) {
      const value = media[key];
      if (!isObject(value) || value.schema === undefined) continue;
      const schema = views.view(value.schema, side, under(at, key, 'schema'));
      if (schema !== value.schema) (viewed ??= Object.assign({}, media))[key] = Object.assign(Object.assign({}, value), { schema });
    }
    return viewed ?? media;
  };
  // A parameter (request side) and a response header (response side) hold a schema or content the same way.
  const schemaHolder = (side: 'request' | 'response') => (holder: unknown, at: At) =>
    isObject(holder)
      ? once(holder, () => {
          const changes: Node = {};
          if (holder.schema !== undefined) changes.schema = views.view(holder.schema, side, under(at, 'schema'));
          if (holder.content !== undefined) changes.content = content(holder.content, side, under(at, 'content'));
          return withChanges(holder, changes);
        })
      : holder;
  const parameter = schemaHolder('request');
  const header = schemaHolder('response');
  const response = (r: unknown, at: At) =>
    isObject(r)
      ? once(r, () => {
          const changes: Node = {};
          if (r.content !== undefined) changes.content = content(r.content, 'response', under(at, 'content'));
          if (isObject(r.headers)) {
            const headers = r.headers;
            let viewed: Node | undefined;
            for (const name in headers) {
              const h = header(headers[name], under(at, 'headers', name));
              if (h !== headers[name]) (viewed ??= Object.assign({}, headers))[name] = h;
            }
            changes.headers = viewed ?? headers;
          }
          return withChanges(r, changes);
        })
      : r;

  const seen = new WeakSet<object>();
  for (const path in (definition.paths ?? {}) as Node) {
    const item = definition.paths[path];
    // A path item reached twice (3.1 `$ref` to components/pathItems) is viewed once.
    if (!isObject(item) || seen.has(item)) continue;
    seen.add(item);
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    // Nothing to view, nothing to merge.
    if (views.identity && !shared.length) continue;
    const at: At = () => `#/paths/${escapePointerToken(path)}`;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op) || seen.has(op)) continue;
      seen.add(op);
      const here = under(at, method);
      const own = Array.isArray(op.parameters) ? op.parameters : [];
      const parameters = own.map((p: unknown, i: number) => parameter(p, under(here, 'parameters', String(i))));
      shared.forEach((p: unknown, i: number) => {
        if (!own.some((o: unknown) => sameParameter(o, p))) parameters.push(parameter(p, under(at, 'parameters', String(i))));
      });
      // Untouched when nothing changes (an operation object keeps its shape).
      if (parameters.length !== own.length || parameters.some((p: unknown, i: number) => p !== own[i])) op.parameters = parameters;
      if (isObject(op.requestBody)) {
        const body = op.requestBody;
        op.requestBody = once(body, () => (body.content === undefined ? body : withChanges(body, { content: content(body.content, 'request', under(here, 'requestBody', 'content')) })));
      }
      if (isObject(op.responses)) {
        const responses = op.responses;
        let viewed: Node | undefined;
        for (const status in responses) {
          const r = response(responses[status], under(here, 'responses', status));
          if (r !== responses[status]) (viewed ??= Object.assign({}, responses))[status] = r;
        }
        if (viewed) op.responses = viewed;
      }
    }
    // Merged into the operations above; openapi-backend would append them again.
    if (item.parameters !== undefined) delete item.parameters;
  }
}

/** The same parameter: name and location (header names are case-insensitive). */
function sameParameter(a: unknown, b: unknown): boolean {
  if (!isObject(a) || !isObject(b) || a.in !== b.in) return false;
  return a.in === 'header' ? String(a.name).toLowerCase() === String(b.name).toLowerCase() : a.name === b.name;
}
