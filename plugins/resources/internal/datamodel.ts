import { readFileSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

/** A field of a Prisma model, as Prisma's DMMF describes it (the parts Burrow reads). */
export interface ModelField {
  name: string;
  /** `scalar`, `enum` or `object` (a relation). */
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  /** `String`, `Int`, `BigInt`, `Float`, `Decimal`, `Boolean`, `DateTime`, `Json`, `Bytes`, an enum name or a model name. */
  type: string;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  hasDefaultValue: boolean;
  isUpdatedAt: boolean;
  /** Set by the database (`@default(autoincrement())`, `@updatedAt`...) rather than by the client. */
  isReadOnly: boolean;
  relationName?: string;
  /** On the side of a relation that holds the foreign key: the scalar fields that hold it. */
  relationFromFields?: string[];
  relationToFields?: string[];
  default?: unknown;
}

/** A Prisma model. */
export interface Model {
  name: string;
  fields: ModelField[];
  /** The fields of a compound id (`@@id([a, b])`), empty for a single `@id`. */
  primaryKey?: { fields: string[] } | null;
}

/** An enum of the Prisma schema. */
export interface ModelEnum {
  name: string;
  values: { name: string; dbName?: string | null }[];
}

/** The data model of a Prisma schema: what the resources plugin binds the contract to. */
export interface Datamodel {
  models: Model[];
  enums: ModelEnum[];
  /** The datasource's provider (`sqlite`, `postgresql`...), when read from a schema. */
  provider?: string;
}

interface SchemaWasm {
  get_datamodel(params: string): string;
}

let wasm: SchemaWasm | undefined;

/**
 * Reads the data model of a Prisma schema — a `schema.prisma` file, a folder of
 * `.prisma` files (multi-file schemas), or the schema text itself — with Prisma's own
 * schema parser (`@prisma/prisma-schema-wasm`, no native engine). About 20 ms.
 */
export function readDatamodel(source: string): Datamodel {
  const files = schemaFiles(source);
  wasm ??= createRequire(import.meta.url)('@prisma/prisma-schema-wasm') as SchemaWasm;
  let out: string;
  try {
    out = wasm.get_datamodel(JSON.stringify({ prismaSchema: files }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the Prisma schema ${files.map(([name]) => name).join(', ')} does not parse: ${reason}`, { cause: error });
  }
  const datamodel = JSON.parse(out) as Datamodel;
  for (const [, text] of files) {
    const provider = /datasource\s+\w+\s*\{[^}]*?provider\s*=\s*"([^"]+)"/.exec(text)?.[1];
    if (provider) datamodel.provider = provider;
  }
  return datamodel;
}

function schemaFiles(source: string): [string, string][] {
  if (/\n|\{/.test(source)) return [['schema.prisma', source]];
  const stat = statSync(source, { throwIfNoEntry: false });
  if (!stat) throw new Error(`no Prisma schema at ${source}`);
  if (stat.isFile()) return [[source, readFileSync(source, 'utf8')]];
  const files: [string, string][] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'migrations') walk(full);
      else if (entry.isFile() && entry.name.endsWith('.prisma')) files.push([full, readFileSync(full, 'utf8')]);
    }
  };
  walk(source);
  if (!files.length) throw new Error(`no .prisma file under ${source}`);
  return files.sort(([a], [b]) => a.localeCompare(b));
}

/** The model named `name`, or `undefined`. */
export function findModel(datamodel: Datamodel, name: string): Model | undefined {
  return datamodel.models.find((model) => model.name === name);
}

/** The fields that identify a record of the model (one for `@id`, several for `@@id`). */
export function idFields(model: Model): ModelField[] {
  const single = model.fields.filter((field) => field.isId);
  if (single.length) return single;
  const names = model.primaryKey?.fields ?? [];
  return names.map((name) => model.fields.find((field) => field.name === name)!).filter(Boolean);
}

/** The delegate of a model on a PrismaClient (`prisma.task` for `Task`). */
export function delegateName(model: string): string {
  return model.charAt(0).toLowerCase() + model.slice(1);
}
