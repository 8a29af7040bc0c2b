import { readdirSync, readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import type { CompiledOperation } from './operation.js';
import type { OpenApiDocument } from './contract/load.js';
import { escapePointerToken, toPointer } from './contract/problems.js';

/** Where an `x-burrow-*` extension is used: on an operation, or on the root of the contract. */
export interface ExtensionSite {
  name: string;
  value: unknown;
  /** The operation it is on; `undefined` on the root. */
  operation: CompiledOperation | undefined;
  /** JSON pointer of the extension in the composed document. */
  pointer: string;
}

/**
 * Gives an `x-burrow-*` extension its meaning. Registered by extension name with
 * `kernel.extensions.add(name, binder)`; `bind` runs at boot for every use, after
 * the value was checked against the extension's JSON Schema.
 */
export interface ExtensionBinder {
  /** JSON Schema of the value, for extensions Burrow does not define in `openapi/extensions/`. */
  schema?: object;
  bind(site: ExtensionSite): void | Promise<void>;
}

const SCHEMA_DIR = new URL('../openapi/extensions/', import.meta.url);

/** The JSON Schemas of the extensions Burrow defines, by name (read from `openapi/extensions/`). */
export function knownExtensionSchemas(): Map<string, object> {
  const schemas = new Map<string, object>();
  for (const file of readdirSync(SCHEMA_DIR)) {
    if (!file.endsWith('.json')) continue;
    schemas.set(file.replace(/\.json$/, ''), JSON.parse(readFileSync(new URL(file, SCHEMA_DIR), 'utf8')));
  }
  return schemas;
}

/** Every use of an `x-burrow-*` key on the root, a path item or an operation. */
export function findExtensionUses(document: OpenApiDocument): { name: string; value: unknown; pointer: string; path?: string; method?: string }[] {
  const uses: { name: string; value: unknown; pointer: string; path?: string; method?: string }[] = [];
  const scan = (node: Record<string, unknown>, pointer: string, path?: string, method?: string) => {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('x-burrow-')) uses.push({ name: key, value, pointer: `${pointer}/${escapePointerToken(key)}`, path, method });
    }
  };
  scan(document, '');
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    const itemPointer = `/paths/${escapePointerToken(path)}`;
    scan(item as Record<string, unknown>, itemPointer, path);
    for (const [method, operation] of Object.entries(item as Record<string, unknown>)) {
      if (operation && typeof operation === 'object' && !method.startsWith('x-') && method !== 'parameters') {
        scan(operation as Record<string, unknown>, `${itemPointer}/${method}`, path, method);
      }
    }
  }
  return uses;
}

/** Checks extension values against their schemas; returns `pointer: message` problems. */
export function checkExtensionValues(
  uses: { name: string; value: unknown; pointer: string }[],
  schemas: Map<string, object>,
): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const compiled = new Map<string, ValidateFunction>();
  const problems: string[] = [];
  for (const use of uses) {
    const schema = schemas.get(use.name);
    if (!schema) {
      problems.push(`#${use.pointer}: unknown extension ${use.name} (known: ${[...schemas.keys()].join(', ')})`);
      continue;
    }
    let validate = compiled.get(use.name);
    if (!validate) compiled.set(use.name, (validate = ajv.compile({ ...schema, $id: undefined })));
    if (validate(use.value)) continue;
    for (const error of validate.errors!) {
      const extra = (error.params as { additionalProperty?: string; missingProperty?: string });
      const tail = extra.additionalProperty ?? extra.missingProperty;
      const at = use.pointer + error.instancePath + (tail ? toPointer([tail]) : '');
      problems.push(`#${at}: ${use.name} ${error.message}${extra.additionalProperty ? ' (unknown property)' : ''}`);
    }
  }
  return problems;
}
