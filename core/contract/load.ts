import { readFile } from 'node:fs/promises';
import path from 'node:path';
import $RefParser from '@apidevtools/json-schema-ref-parser';
import { parse as parseYaml } from 'yaml';
import { BurrowError } from '../errors/burrow-error.js';
import { formatProblems, pointerTokens, toPointer, type ContractProblem } from './problems.js';
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
  let document: OpenApiDocument;
  try {
    if (rootFile) {
      const $refs = (await $RefParser.resolve(rootFile)) as unknown as { values(): Record<string, unknown> };
      for (const [file, value] of Object.entries($refs.values())) files.set(path.resolve(file), value);
      document = (await $RefParser.bundle(rootFile)) as unknown as OpenApiDocument;
    } else {
      const inline = structuredClone(source as OpenApiDocument);
      files.set('<inline>', source);
      document = (await $RefParser.bundle(process.cwd() + '/', inline as never, {})) as unknown as OpenApiDocument;
    }
  } catch (error) {
    throw new BurrowError('BURROW_ERR_BOOT_CONTRACT_INVALID', {
      detail: `the contract could not be read:\n  - ${describeLoadError(error, rootFile)}`,
      cause: error,
    });
  }
  inlinePathRefs(document);
  const root = rootFile ?? '<inline>';
  const locate = (pointer: string) => locateInFiles(files, root, pointer);
  const { version, problems } = await checkOpenApiDocument(document, options.cache ?? defaultContractCache());
  if (problems.length) {
    const located: ContractProblem[] = problems.map((p) => ({ ...locate(p.pointer), message: p.message }));
    throw new BurrowError('BURROW_ERR_BOOT_CONTRACT_INVALID', {
      detail: `the contract has ${located.length} problem(s):\n${formatProblems(located)}`,
      extensions: { problems: located },
    });
  }
  return { document, version: version! };
}

/** Reads a YAML or JSON file into data (used for Burrow's own fragments). */
export async function readDocumentFile(file: string | URL): Promise<any> {
  const text = await readFile(file, 'utf8');
  return String(file).endsWith('.json') ? JSON.parse(text) : parseYaml(text);
}

function describeLoadError(error: unknown, rootFile: string | undefined): string {
  const e = error as { message?: string; source?: string; path?: string; errors?: unknown[] };
  const where = e.source ? relative(e.source) : rootFile ? relative(rootFile) : '<inline>';
  return `${where}: ${e.message ?? String(error)}`;
}

function relative(file: string): string {
  return file.startsWith('<') ? file : path.relative(process.cwd(), file) || file;
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
      if (refFile) file = path.resolve(path.dirname(file), refFile);
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
  return { file: relative(file), pointer: toPointer(here) };
}

/**
 * The bundler points a second use of an external file at its first use, which may
 * be inside `#/paths/~1tasks~1{id}/...`: braces are not valid in a URI reference,
 * and such refs confuse readers of the served document. Those uses get a copy.
 */
function inlinePathRefs(document: OpenApiDocument): void {
  // A `$ref` is a URI: its fragment may percent-encode the braces of a path template (RFC 6901 §6).
  const resolve = (ref: string) => pointerTokens(safeDecodeURI(ref)).reduce<any>((node, token) => node?.[token], document);
  const visit = (node: any, depth: number): void => {
    if (!node || typeof node !== 'object' || depth > 64) return;
    for (const key of Object.keys(node)) {
      const child = node[key];
      if (child && typeof child === 'object' && typeof child.$ref === 'string' && child.$ref.startsWith('#/paths/')) {
        const target = resolve(child.$ref);
        if (target !== undefined) node[key] = structuredClone(target);
      }
      visit(node[key], depth + 1);
    }
  };
  visit(document, 0);
}

function safeDecodeURI(ref: string): string {
  try {
    return decodeURIComponent(ref);
  } catch {
    return ref;
  }
}
