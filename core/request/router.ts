/**
 * The router: method + path → operation, precomputed at boot.
 *
 * A segment trie: static segments are a Map lookup, whole-segment parameters
 * (`/{id}`) one edge per node, and partial templates (`/{name}.json`) a compiled
 * RegExp per edge. A lookup walks the path's segments once; its cost depends on the
 * path's depth, never on the number of operations in the contract.
 */
import { coreError } from '../errors/burrow-error.js';

export interface RouteMatch<T> {
  value: T;
  params: Record<string, string>;
}

/** What a lookup found: the operation, or only the methods the path allows (405), or nothing (404). */
export type RouteResult<T> = { kind: 'found'; match: RouteMatch<T> } | { kind: 'method'; allowed: string[] } | { kind: 'none' };

interface Node<T> {
  statics: Map<string, Node<T>>;
  param?: { name: string; node: Node<T>; template: string };
  patterns: { regex: RegExp; names: string[]; node: Node<T>; specificity: number }[];
  methods?: Map<string, T>;
  /** The path template each method was added with, for conflict messages. */
  templates?: Map<string, string>;
}

const newNode = <T>(): Node<T> => ({ statics: new Map(), patterns: [] });

const NONE = { kind: 'none' } as const;

/** Creates an empty router. Paths use OpenAPI templates: `/tasks/{id}`. */
export function createRouter<T>() {
  const root = newNode<T>();

  function add(method: string, template: string, value: T): void {
    let node = root;
    for (const segment of splitPath(template)) {
      const whole = /^\{([^{}]+)\}$/.exec(segment);
      if (whole) {
        node.param ??= { name: whole[1]!, node: newNode(), template };
        if (node.param.name !== whole[1]) {
          throw coreError('BURROW_ERR_BOOT_ROUTE_CONFLICT', {
            problem: `paths ${template} and ${node.param.template} cannot be told apart: {${whole[1]}} and {${node.param.name}} are at the same position (give the parameters one name)`,
          });
        }
        node = node.param.node;
      } else if (segment.includes('{')) {
        const { regex, names } = segmentPattern(segment);
        let edge = node.patterns.find((p) => p.regex.source === regex.source);
        if (!edge) {
          edge = { regex, names, node: newNode(), specificity: segment.replace(/\{[^{}]+\}/g, '').length };
          node.patterns.push(edge);
          node.patterns.sort((a, b) => b.specificity - a.specificity);
        }
        node = edge.node;
      } else {
        let next = node.statics.get(segment);
        if (!next) node.statics.set(segment, (next = newNode()));
        node = next;
      }
    }
    node.methods ??= new Map();
    node.templates ??= new Map();
    const first = node.templates.get(method);
    if (first !== undefined) {
      const m = method.toUpperCase();
      throw coreError('BURROW_ERR_BOOT_ROUTE_CONFLICT', {
        problem:
          first === template
            ? `${m} ${template} is declared twice`
            : `${m} ${template} and ${m} ${first} route to the same requests (a trailing slash is ignored when routing)`,
      });
    }
    node.methods.set(method, value);
    node.templates.set(method, template);
  }

  /** Finds the operation for a method (lower case) and a path without query string. */
  function find(method: string, path: string): RouteResult<T> {
    const segments = splitPath(path);
    const params: Record<string, string> = {};
    const node = walk(root, segments, 0, params);
    if (!node) return NONE;
    const methods = node.methods!;
    const value = methods.get(method) ?? (method === 'head' ? methods.get('get') : undefined);
    if (value === undefined) return { kind: 'method', allowed: allowedMethods(methods) };
    for (const key in params) params[key] = safeDecode(params[key]);
    return { kind: 'found', match: { value, params } };
  }

  return { add, find };
}

/**
 * The pattern of a partial template segment (`{name}.json`): one lazy group per
 * parameter, in order, the rest literal. The path parameter readers use it too, so both
 * read the same part of a segment.
 */
export function segmentPattern(segment: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = segment
    .split(/(\{[^{}]+\})/)
    .map((part) => {
      const name = /^\{([^{}]+)\}$/.exec(part);
      if (name) {
        names.push(name[1]);
        return '([^/]+?)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return { regex: new RegExp(`^${source}$`), names };
}

function walk<T>(node: Node<T>, segments: string[], index: number, params: Record<string, string>): Node<T> | undefined {
  if (index === segments.length) return node.methods ? node : undefined;
  const segment = segments[index];
  const next = node.statics.get(segment);
  if (next) {
    const found = walk(next, segments, index + 1, params);
    if (found) return found;
  }
  for (const pattern of node.patterns) {
    const m = pattern.regex.exec(segment);
    if (!m) continue;
    const found = walk(pattern.node, segments, index + 1, params);
    if (found) {
      pattern.names.forEach((name, i) => (params[name] = m[i + 1]));
      return found;
    }
  }
  if (node.param && segment !== '') {
    const found = walk(node.param.node, segments, index + 1, params);
    if (found) {
      params[node.param.name] = segment;
      return found;
    }
  }
  return undefined;
}

function allowedMethods(methods: Map<string, unknown>): string[] {
  const allowed = [...methods.keys()].map((m) => m.toUpperCase());
  if (methods.has('get') && !methods.has('head')) allowed.push('HEAD');
  return allowed;
}

/** Splits `/a/b/` into `['a', 'b']`: one trailing slash is ignored, as openapi-backend does. */
function splitPath(path: string): string[] {
  let end = path.length;
  if (end > 1 && path.charCodeAt(end - 1) === 47) end--;
  const trimmed = path.slice(1, end);
  return trimmed === '' ? [] : trimmed.split('/');
}

function safeDecode(value: string): string {
  if (value.indexOf('%') === -1) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
