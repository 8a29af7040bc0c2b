import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { closest } from 'fastest-levenshtein';
import { readDatamodel, type Datamodel, type Model } from '../plugins/resources/internal/datamodel.js';
import { EXIT, parseCommandArgs, UsageError, type Command, type Output } from './command.js';
import { scaffoldResource } from './scaffold-resource.js';

export { scaffoldResource, type ScaffoldInput, type ScaffoldOutput, type RootSnippet } from './scaffold-resource.js';

/** Where `burrow scaffold` reads the Prisma schema when `--schema` is not given. */
export const DEFAULT_PRISMA_SCHEMA = 'prisma/schema.prisma';
/** Where `burrow scaffold` writes when `--out` is not given. */
export const DEFAULT_CONTRACT_FOLDER = 'openapi';

/**
 * The folder of Burrow's shared contract fragments (`responses.yaml`, `problem.yaml`):
 * the burrowjs the project in `cwd` installed, else this one.
 */
export function burrowOpenapiFolder(cwd = process.cwd()): string {
  for (const base of [path.join(cwd, 'package.json'), import.meta.url]) {
    try {
      return path.join(path.dirname(createRequire(base).resolve('burrowjs/package.json')), 'openapi');
    } catch {
      // Not resolvable from there: try the next base.
    }
  }
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'openapi');
}

/** The model named `name` (exactly, else the one model whose name differs only in case). */
function findModelNamed(datamodel: Datamodel, name: string): Model | undefined {
  const exact = datamodel.models.find((m) => m.name === name);
  if (exact) return exact;
  const folded = datamodel.models.filter((m) => m.name.toLowerCase() === name.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}

const HELP = `Usage: burrow scaffold resource <Model> [options]

Writes the contract of a CRUD resource served by the resources plugin, from a
model of the Prisma schema: OpenAPI 3.1 files for you to edit, then prints what
the root document adds (paths, component schemas, tag).

  <out>/paths/<plural>.yaml        list (filter, sort, limit, offset, cursor,
                                   select, include, count) and create (201 + Location)
  <out>/paths/<plural>-by-id.yaml  get (ETag, If-None-Match, 304), replace (PUT),
                                   patch and delete (If-Match, 412)
  <out>/schemas/<model>.yaml       <Model>, New<Model>, <Model>Patch, <Model>Page, enums

Each operation is bound with x-burrow-resource: { model, action }; errors are
Burrow's problem details. The schemas agree with the model as the plugin checks
it at boot.

Arguments:
  <Model>              the Prisma model (Task)

Options:
  --schema <path>      the Prisma schema: a file or a folder (default: ${DEFAULT_PRISMA_SCHEMA})
  --out <dir>          the contract's folder (default: ${DEFAULT_CONTRACT_FOLDER})
  --path <path>        the collection path (default: /<plural>, e.g. /tasks); a nested
                       route names the foreign key: /projects/{projectId}/tasks
  --format <yaml|json> the files' format (default: yaml)
  --force              overwrite files that exist
  -h, --help           show this help

Exit codes: 0 written, 1 a file exists, an unknown model or an unreadable schema,
2 bad arguments.
`;

/** Writes the files, refusing to overwrite any without `force`; resolves to the exit code. */
async function writeAll(files: { file: string; text: string }[], force: boolean, output: Output): Promise<number> {
  const existing = files.filter((f) => existsSync(f.file)).map((f) => f.file);
  if (existing.length && !force) {
    output.err(`burrow scaffold: ${existing.join(', ')} ${existing.length === 1 ? 'exists' : 'exist'} (use --force to overwrite)\n`);
    return EXIT.failed;
  }
  for (const { file, text } of files) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
    output.out(`wrote ${file}\n`);
  }
  return EXIT.ok;
}

export const scaffoldCommand: Command = {
  name: 'scaffold',
  help: HELP,
  async run(argv, output) {
    const { values, positionals } = parseCommandArgs(
      this,
      argv,
      {
        schema: { type: 'string', default: DEFAULT_PRISMA_SCHEMA },
        out: { type: 'string', default: DEFAULT_CONTRACT_FOLDER },
        path: { type: 'string' },
        format: { type: 'string', default: 'yaml' },
        force: { type: 'boolean', default: false },
      },
      2,
    );
    if (values.help) {
      output.out(this.help);
      return EXIT.ok;
    }
    const [kind, name] = positionals;
    if (!kind) throw new UsageError('missing what to scaffold: resource', this.help);
    if (kind !== 'resource') throw new UsageError(`cannot scaffold ${kind}: only resource`, this.help);
    if (!name) throw new UsageError('missing <Model>', this.help);
    const format = values.format;
    if (format !== 'yaml' && format !== 'json') throw new UsageError(`--format must be yaml or json, not ${format}`, this.help);
    const schema = values.schema ?? DEFAULT_PRISMA_SCHEMA;
    const out = values.out ?? DEFAULT_CONTRACT_FOLDER;

    let datamodel: Datamodel;
    try {
      datamodel = readDatamodel(schema);
    } catch (error) {
      output.err(`burrow scaffold: ${(error as Error).message}${values.schema === DEFAULT_PRISMA_SCHEMA ? ' (name it with --schema)' : ''}\n`);
      return EXIT.failed;
    }
    const model = findModelNamed(datamodel, name);
    if (!model) {
      const models = datamodel.models.map((m) => m.name);
      const near = models.length ? closest(name, models) : undefined;
      output.err(`burrow scaffold: ${schema} has no model ${name}${near ? ` (did you mean ${near}?)` : ''}; models: ${models.join(', ') || 'none'}\n`);
      return EXIT.failed;
    }

    const command = ['burrow scaffold resource', model.name, ...(schema !== DEFAULT_PRISMA_SCHEMA ? ['--schema', schema] : []), ...(values.path ? ['--path', values.path] : [])].join(' ');
    const result = scaffoldResource({ datamodel, model, out, format, burrowOpenapi: burrowOpenapiFolder(), command, ...(values.path ? { path: values.path } : {}) });
    if ('problems' in result) {
      for (const problem of result.problems) output.err(`burrow scaffold: ${problem}\n`);
      return EXIT.failed;
    }
    const code = await writeAll(result.files, values.force === true, output);
    if (code !== EXIT.ok) return code;
    const intro = format === 'json' ? `\nAdd to the root document of the contract (in ${out}/):\n` : '\n';
    output.out(`${intro}${result.snippetText}`);
    return EXIT.ok;
  },
};
