/**
 * `burrow scaffold resource`'s work, without I/O: the files of one model's resource
 * (path items and schemas, YAML or JSON) and the snippet the root document adds.
 */
import path from 'node:path';
import { Document, isScalar, isSeq, visit } from 'yaml';
import { idFields, type Datamodel, type Model } from '../plugins/resources/internal/datamodel.js';
import { buildView } from '../plugins/resources/internal/view.js';
import { resourceNames, type ResourceNames } from './scaffold-names.js';
import { collectionPathItem, recordPathItem, type PathsContext } from './scaffold-paths.js';
import { fieldSchema, inlineEnum, modelSchemas, valueSchema, type SchemaContext } from './scaffold-schemas.js';

/** What to scaffold. */
export interface ScaffoldInput {
  datamodel: Datamodel;
  model: Model;
  /** The folder of the contract (`openapi`): files go to its `paths/` and `schemas/`. */
  out: string;
  /** The collection path (default `/<plural>`, in kebab case); `{name}` parameters name fields of the model. */
  path?: string;
  format: 'yaml' | 'json';
  /** The folder of Burrow's shared fragments (`node_modules/burrowjs/openapi`): `responses.yaml`, `problem.yaml`. */
  burrowOpenapi: string;
  /** Said in the files' header (`burrow scaffold resource Task --schema prisma/schema.prisma`). */
  command?: string;
}

/** What the root document adds: the paths, the component schemas, the tag. */
export interface RootSnippet {
  paths: Record<string, { $ref: string }>;
  components: { schemas: Record<string, { $ref: string }> };
  tags: { name: string; description: string }[];
}

/** The scaffold of one model: the files to write, the root snippet (data and text); or what stops it. */
export type ScaffoldOutput = { files: { file: string; text: string }[]; snippet: RootSnippet; snippetText: string } | { problems: string[] };

const PARAM = /\{([^}]+)\}/g;

/** A relative `$ref` target, POSIX-style, always starting with `.`. */
function relativeRef(from: string, to: string): string {
  const rel = path.relative(from, to).split(path.sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** Writes a document as the format says; YAML with a header comment and no anchors. */
export function serialize(value: unknown, format: 'yaml' | 'json', header?: string): string {
  if (format === 'json') return `${JSON.stringify(value, null, 2)}\n`;
  const doc = new Document(value, { aliasDuplicateObjects: false });
  // Lists of plain values on one line: `required: [id, title]`, `type: [string, 'null']`.
  visit(doc, { Seq: (_, seq) => void (isSeq(seq) && seq.items.every(isScalar) && (seq.flow = true)) });
  if (header) doc.commentBefore = header;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false, singleQuote: true });
}

/** The path parameters of the collection path, each matched to a field (a scalar: supplied by the path; a relation: scoped by it). */
function collectionParams(model: Model, datamodel: Datamodel, names: ResourceNames, route: string): { params: PathsContext['pathParams']; supplied: Set<string>; problems: string[] } {
  const params: PathsContext['pathParams'] = [];
  const supplied = new Set<string>();
  const problems: string[] = [];
  for (const [, name] of route.matchAll(PARAM)) {
    const field = model.fields.find((f) => f.name === name);
    if (name === 'id' || !field) {
      problems.push(`--path ${route}: {${name}} names no field of ${model.name} (a nested route's parameters name a foreign key, like {projectId}, or a relation)`);
      continue;
    }
    if (field.kind === 'object') {
      const related = datamodel.models.find((m) => m.name === field.type);
      const id = related ? idFields(related) : [];
      if (id.length !== 1) {
        problems.push(`--path ${route}: {${name}}: ${field.type} has no single id`);
        continue;
      }
      params.push({ name, description: `The id of the ${field.type} whose ${names.pluralWords} these are.`, schema: valueSchema(id[0]!, inlineEnum(datamodel)) });
    } else {
      params.push({ name, description: `The ${name} of the ${names.pluralWords}.`, schema: fieldSchema(field, inlineEnum(datamodel), false) });
      supplied.add(name);
    }
  }
  return { params, supplied, problems };
}

/** Scaffolds the resource of one model: the files, and the snippet of the root document. */
export function scaffoldResource(input: ScaffoldInput): ScaffoldOutput {
  const { datamodel, model, out, format } = input;
  const names = resourceNames(model.name);
  const route = input.path ?? names.path;
  const problems: string[] = [];
  if (!/^\/[^?#\s]*$/.test(route) || (route.length > 1 && route.endsWith('/'))) problems.push(`--path ${route}: a path starts with / and does not end with one`);
  const ids = idFields(model);
  if (ids.length !== 1) problems.push(`model ${model.name} has ${ids.length ? 'a compound id' : 'no id'}: the resources plugin binds a record by one @id field`);
  const { params, supplied, problems: paramProblems } = collectionParams(model, datamodel, names, route);
  problems.push(...paramProblems);
  if (problems.length) return { problems };

  const ext = format === 'json' ? 'json' : 'yaml';
  const schemaFile = `${names.schemaFile}.${ext}`;
  const files = { collection: `${names.pathFile}.${ext}`, record: `${names.pathFile}-by-id.${ext}` };
  const base: Omit<SchemaContext, 'enumSchema'> = { datamodel, model, names, supplied };
  const localRef = (name: string) => ({ $ref: `#/${name}` });
  const schemas = modelSchemas({ ...base, enumSchema: localRef }, localRef(model.name));

  // The schemas as the plugin will see them (enums inline): the drift check must find nothing.
  const standalone = modelSchemas({ ...base, enumSchema: inlineEnum(datamodel) }, {});
  const { view, problems: drift } = buildView({ schema: standalone[model.name]!, pointer: `#/components/schemas/${model.name}`, model, datamodel, use: 'read' });
  if (drift.length) return { problems: drift.map((p) => `the scaffolded schema disagrees with the model (a bug of burrow scaffold): ${p}`) };

  const pathsDir = path.join(out, 'paths');
  const fragment = (name: string) => relativeRef(pathsDir, path.join(input.burrowOpenapi, name));
  const ctx: PathsContext = {
    names,
    schemaRef: (name) => ({ $ref: `../schemas/${schemaFile}#/${name}` }),
    burrow: {
      notFound: { $ref: `${fragment('responses.yaml')}#/NotFound` },
      conflict: { $ref: `${fragment('responses.yaml')}#/Conflict` },
      problem: { $ref: `${fragment('problem.yaml')}#/BurrowProblem` },
    },
    pathParams: params,
    idSchema: valueSchema(ids[0]!, inlineEnum(datamodel)),
    view,
  };
  const header = ` Scaffolded by \`${input.command ?? `burrow scaffold resource ${model.name}`}\`: yours to edit.`;
  const written = [
    { file: path.join(pathsDir, files.collection), text: serialize(collectionPathItem(ctx), format, header) },
    { file: path.join(pathsDir, files.record), text: serialize(recordPathItem(ctx), format, header) },
    { file: path.join(out, 'schemas', schemaFile), text: serialize(schemas, format, header) },
  ];

  const snippet: RootSnippet = {
    paths: { [route]: { $ref: `./paths/${files.collection}` }, [`${route === '/' ? '' : route}/{id}`]: { $ref: `./paths/${files.record}` } },
    components: { schemas: Object.fromEntries(Object.keys(schemas).map((name) => [name, { $ref: `./schemas/${schemaFile}#/${name}` }])) },
    tags: [{ name: names.tag, description: `${capitalize(names.pluralWords)} (Prisma model ${model.name}).` }],
  };
  const snippetHeader = ` Add to the root document of the contract (in ${out}/), next to its own paths, components and tags:`;
  return { files: written, snippet, snippetText: serialize(snippet, format, snippetHeader) };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

