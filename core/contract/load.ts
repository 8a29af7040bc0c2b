import { readFile } from 'node:fs/promises';
import path from 'node:path';
import $RefParser from '@apidevtools/json-schema-ref-parser';
import { parse as parseYaml } from 'yaml';
import { coreError } from '../errors/burrow-error.js';
import { formatProblems, percentDecode, pointerTokens, toPointer, type ContractProblem } from './problems.js';
import { checkOpenApiDocument, defaultContractCache, type ContractCache } from './validate-document.js';

/** An OpenAPI document, as plain JSON data. */
export type OpenApiDocument = Record<string, any> & { openapi: string; paths?: Record<string, any> };

/** A contract as Burrow loaded it: one bundled document, and where each part came from. */
export interface LoadedContract {
  /** The document with every external `$ref` pulled in (internal `$ref`s remain). */
  document: OpenApiDocument;
  /** `3.0` or `3.1`: the dialect the document is validated as. */
  version: '3.0' | '3.1';
}

/** Where a contract comes from: a file path (YAML or JSON) or a document object. */
export type ContractSource = string | URL | OpenApiDocument;

/**
 * Loads a contract: reads YAML or JSON, follows relative `$ref`s across files,
 * bundles them into one document and validates it as OpenAPI 3.0 or 3.1 —
 * whichever it declares. Every problem is reported at once, each with its file and
 * JSON pointer; the error's code is `BURROW_ERR_BOOT_CONTRACT_INVALID`. A document
 * found valid before (same content, same validator) is not checked again: see
 * `options.cache` (default `node_modules/.cache/burrow`, `false` to disable).
 */
export async function loadContract(source: ContractSource, options: { cache?: ContractCache } = {}): Promise<LoadedContract> {
  const rootFile = typeof source === 'string' ? path.resolve(source) : source instanceof URL ? path.resolve(source.pathname) : undefined;
  const files = new Map<string, unknown>();
  const base = rootFile ?? path.join(process.cwd(), '/');
  // continueOnError: every broken `$ref` and unparsable file is reported, not only the first.
  const refOptions = { continueOnError: true } as never;
  let document: OpenApiDocument;
  try {
    if (rootFile) {
      const $refs = (await $RefParser.resolve(rootFile, refOptions)) as unknown as { values(): Record<string, unknown> };
      for (const [file, value] of Object.entries($refs.values())) files.set(path.resolve(file), value);
      document = (await $RefParser.bundle(rootFile, refOptions)) as unknown as OpenApiDocument;
    } else {
      files.set(base, source);
      document = (await $RefParser.bundle(base, structuredClone(source as OpenApiDocument) as never, refOptions)) as unknown as OpenApiDocument;
    }
  } catch (error) {
    const problems = loadErrors(error).map((e) => describeLoadError(e, files, base));
    throw coreError('BURROW_ERR_BOOT_CONTRACT_UNREADABLE', { problems: listUnreadable(problems) }, { cause: error, extensions: { problems } });
  }
  const refs = inlinePathRefs(document);
  const locate = (pointer: string) => locateInFiles(files, base, pointer);
  const malformed = malformedRefs(document, refs);
  if (malformed.length) {
    const problems: ContractProblem[] = malformed.map((m) => ({ ...locate(m.pointer), message: m.message }));
    throw coreError('BURROW_ERR_BOOT_CONTRACT_UNREADABLE', { problems: listUnreadable(problems) }, { extensions: { problems } });
  }
  const { version, problems } = await checkOpenApiDocument(document, options.cache ?? defaultContractCache());
  if (problems.length) {
    const located: ContractProblem[] = problems.map((p) => ({ ...locate(p.pointer), message: p.message }));
    throw coreError('BURROW_ERR_BOOT_CONTRACT_INVALID', { count: located.length, problems: formatProblems(located) }, { extensions: { problems: located } });
  }
  return { document, version: version! };
}

/** Reads a YAML or JSON file into data (used for Burrow's own fragments). */
export async function readDocumentFile(file: string | URL): Promise<any> {
  const text = await readFile(file, 'utf8');
  return String(file).endsWith('.json') ? JSON.parse(text) : parseYaml(text);
}

/** What json-schema-ref-parser reports: one error, or a group of them (`continueOnError`). */
interface RefParserError {
  code?: string;
  message?: string;
  /** The file the error is about: the one holding the `$ref` (ERESOLVER) or the one it points into (EMISSINGPOINTER). */
  source?: string;
  /** Where the `$ref` is: tokens inside `source` (ERESOLVER), or inside the root document (EMISSINGPOINTER). */
  path?: (string | number)[];
  /** The `code` of the I/O error behind an ERESOLVER (`ENOENT`…). */
  ioErrorCode?: string;
  errors?: RefParserError[];
}

function loadErrors(error: unknown): RefParserError[] {
  const group = error as RefParserError;
  return Array.isArray(group?.errors) && group.errors.length ? group.errors : [group];
}

/**
 * One line per broken part, naming the file and the JSON pointer of the `$ref`
 * that is broken — what a newcomer needs to open the right file at the right place.
 */
/** One `  - file#pointer: message` line per problem (`file: message` when it is about a whole file). */
function listUnreadable(problems: ContractProblem[]): string {
  return problems.map((p) => `  - ${p.file}${p.pointer ? `#${p.pointer}` : ''}: ${p.message}`).join('\n');
}

function describeLoadError(error: RefParserError, files: Map<string, unknown>, base: string): ContractProblem {
  const source = error.source ? path.resolve(error.source) : base;
  const tokens = (error.path ?? []).map(String);
  // The contract file itself, not a `$ref` inside one.
  if (error.code === 'ERESOLVER' && !tokens.length) {
    return { file: relative(source, base), pointer: '', message: `cannot be read (${error.ioErrorCode === 'ENOENT' ? 'no such file' : (error.ioErrorCode ?? firstLine(error.message))})` };
  }
  if (error.code === 'EMISSINGPOINTER' || error.code === 'ERESOLVER') {
    const at = error.code === 'ERESOLVER' ? { file: relative(source, base), pointer: toPointer(tokens) } : locateInFiles(files, base, toPointer(tokens));
    const ref = refAt(files, at.file === relative(source, base) ? source : path.resolve(at.file), at.pointer, base);
    const what =
      error.code === 'ERESOLVER'
        ? `$ref ${JSON.stringify(ref ?? '?')} names a file that cannot be read`
        : `$ref ${JSON.stringify(ref ?? '?')} points at a location that does not exist in ${relative(source, base)}`;
    return { file: at.file, pointer: at.pointer, message: what };
  }
  if (error.code === 'EPARSER') {
    // A file reached through a `$ref` is reported at that `$ref` (its file and path): name the file that does not parse.
    const ref = tokens.length ? refAt(files, source, toPointer(tokens), base) : undefined;
    const file = ref ? path.resolve(path.dirname(source), ref.split('#')[0]!) : source;
    const message = firstLine(error.message);
    const prefix = `Error parsing ${file}: `;
    const reason = message.startsWith(prefix) ? message.slice(prefix.length) : message;
    const via = ref ? ` ($ref ${JSON.stringify(ref)} at ${relative(source, base)}#${toPointer(tokens)})` : '';
    return { file: relative(file, base), pointer: '', message: `is not valid YAML or JSON: ${reason}${via}` };
  }
  return { file: relative(source, base), pointer: '', message: firstLine(error.message ?? String(error)) };
}

function refAt(files: Map<string, unknown>, file: string, pointer: string, base: string): string | undefined {
  const root = files.get(file) ?? files.get(base) ?? files.get(path.resolve(base));
  const node = pointerTokens(pointer).reduce<any>((n, t) => n?.[t], root);
  return typeof node?.$ref === 'string' ? node.$ref : undefined;
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0]!.trim();
}

function relative(file: string, base: string): string {
  // An inline document is "based" at the working directory: name it as what it is.
  if (base.endsWith(path.sep) && path.resolve(file) === path.resolve(base)) return '<inline>';
  return path.relative(process.cwd(), file) || file;
}

/**
 * Walks a pointer of the bundled document through the original files, following
 * `$ref`s, to name the file and the pointer inside it where the value was written.
 */
function locateInFiles(files: Map<string, unknown>, rootFile: string, pointer: string) {
  let file = rootFile;
  let node: any = files.get(rootFile);
  let here: string[] = [];
  for (const token of pointerTokens(pointer)) {
    let hops = 0;
    while (node && typeof node === 'object' && typeof node.$ref === 'string' && hops++ < 20) {
      const [refFile, refPointer = ''] = node.$ref.split('#');
      // An inline document is based at the working directory (`/work/`), which is its own folder.
      if (refFile) file = path.resolve(file.endsWith(path.sep) ? file : path.dirname(file), refFile);
      node = files.get(file);
      here = [];
      for (const t of pointerTokens(refPointer)) {
        node = node?.[t];
        here.push(t);
      }
    }
    node = node?.[token];
    here.push(token);
  }
  return { file: relative(file, rootFile), pointer: toPointer(here) };
}

/** Values that are data, not OpenAPI objects: a `$ref` key inside them is data too. */
export const DATA_KEYS = new Set(['example', 'examples', 'default', 'enum', 'const']);

/** What {@link inlinePathRefs} finds for {@link malformedRefs} on its way. */
interface RefSuspects {
  /** The `$anchor`s and `$dynamicAnchor`s the contract declares. */
  anchors: Set<string>;
  /** Objects whose `$ref` has a fragment that is no JSON pointer. */
  suspects: Set<object>;
}

/**
 * The bundler points a second use of an external file at its first use, which may
 * be inside `#/paths/~1tasks~1{id}/...`: braces are not valid in a URI reference,
 * and such refs confuse readers of the served document. Those uses get a copy.
 * The same walk (the only full one at load) collects what {@link malformedRefs} checks.
 */
function inlinePathRefs(document: OpenApiDocument): RefSuspects {
  const resolve = (ref: string) => pointerTokens(percentDecode(ref)).reduce<any>((node, token) => node?.[token], document);
  const found: RefSuspects = { anchors: new Set(), suspects: new Set() };
  const visit = (node: any, depth: number, data: boolean): void => {
    if (!node || typeof node !== 'object') return;
    if (!data) {
      if (typeof node.$anchor === 'string') found.anchors.add(node.$anchor);
      if (typeof node.$dynamicAnchor === 'string') found.anchors.add(node.$dynamicAnchor);
      if (typeof node.$ref === 'string' && fragmentOf(node.$ref) !== undefined) found.suspects.add(node);
    }
    const inline = depth <= 64;
    // Past the inlining depth only `malformedRefs` has anything to look for, and not in data.
    if (!inline && data) return;
    for (const key in node) {
      const child = node[key];
      if (inline && child && typeof child === 'object' && typeof child.$ref === 'string' && child.$ref.startsWith('#/paths/')) {
        const target = resolve(child.$ref);
        if (target !== undefined) node[key] = structuredClone(target);
      }
      visit(node[key], depth + 1, data || DATA_KEYS.has(key));
    }
  };
  visit(document, 0, false);
  return found;
}

/**
 * Local `$ref`s whose fragment is not a JSON pointer: `#components/schemas/Pet` (the slash
 * after `#` missing) resolves to nothing — json-schema-ref-parser leaves it in place, and
 * every request of an operation using it would fail. RFC 6901 §6: a fragment identifier
 * that is a JSON pointer starts with `/`. A plain name (`#pet`) is an anchor in 3.1
 * (JSON Schema 2020-12 `$anchor`), allowed when the contract declares it.
 */
function malformedRefs(document: OpenApiDocument, { anchors, suspects }: RefSuspects): { pointer: string; message: string }[] {
  const is31 = String(document.openapi).startsWith('3.1');
  // Pointers are written only for a contract with such a `$ref` (the suspects come from the walk without them).
  const problems: { pointer: string; message: string }[] = [];
  if (!suspects.size) return problems;
  const visit = (node: unknown, tokens: string[]): void => {
    if (node === null || typeof node !== 'object') return;
    const object = node as Record<string, unknown>;
    if (suspects.has(object)) {
      const ref = object.$ref as string;
      const fragment = fragmentOf(ref)!;
      const message = fragment.includes('/')
        ? `$ref ${JSON.stringify(ref)} is not a JSON pointer: after "#" a pointer starts with "/" (did you mean ${JSON.stringify(ref.replace('#', '#/'))}?)`
        : !is31
          ? `$ref ${JSON.stringify(ref)} is not a JSON pointer: after "#" a pointer starts with "/" (OpenAPI 3.0 has no anchors)`
          : anchors.has(percentDecode(fragment))
            ? undefined
            : `$ref ${JSON.stringify(ref)} names an anchor no schema of the contract declares ($anchor: ${JSON.stringify(fragment)})`;
      if (message) problems.push({ pointer: toPointer(tokens), message });
    }
    for (const key in object) if (!DATA_KEYS.has(key)) visit(object[key], [...tokens, key]);
  };
  visit(document, []);
  return problems;
}

/** The fragment of a `$ref` when it is there and is not a JSON pointer (`#components/x`, `#name`). */
function fragmentOf(ref: string): string | undefined {
  const hash = ref.indexOf('#');
  if (hash < 0 || hash === ref.length - 1 || ref[hash + 1] === '/') return undefined;
  return ref.slice(hash + 1);
}
