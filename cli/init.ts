import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EXIT, parseCommandArgs, type Command } from './command.js';
import { PROJECT_CONTRACT, PROJECT_TYPES, projectFiles } from './init-templates.js';
import { writeTypes } from './types.js';
import { burrowVersion } from './version.js';

/**
 * The dependency spec of `burrowjs` in the new project: a version range as given,
 * or a path to a tarball or folder as an absolute `file:` spec (the project's
 * package.json lives elsewhere than the working directory).
 */
export function burrowDependency(spec: string | undefined): string {
  if (!spec) return `^${burrowVersion()}`;
  if (/^(\.{1,2}\/|\/)/.test(spec) || /\.(tgz|tar\.gz)$/.test(spec)) return `file:${path.resolve(spec)}`;
  return spec;
}

/** An npm package name from a folder name. */
function packageName(dir: string): string {
  const name = path
    .basename(path.resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._-]+|-+$/g, '');
  return name || 'burrow-api';
}

/**
 * Writes a new project into `dir`: a contract, typed handlers, an Express server,
 * the generated types, package.json and tsconfig.json. Returns the files written.
 */
export async function initProject(dir: string, options: { burrow?: string | undefined } = {}): Promise<string[]> {
  const files = projectFiles({ name: packageName(dir), burrowSpec: burrowDependency(options.burrow) });
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  // Generated now, so the project compiles before its first `npm run types`; no
  // contract cache: the working directory may be anywhere.
  await writeTypes(path.join(dir, PROJECT_CONTRACT), path.join(dir, PROJECT_TYPES), { cache: false });
  return [...Object.keys(files), PROJECT_TYPES];
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

export const initCommand: Command = {
  name: 'init',
  help: `Usage: burrow init [dir] [--burrow <spec>] [--force]

Creates a project that runs with \`npm install\` and \`npm start\`: a contract
(openapi/api.yaml), typed handlers (src/handlers.ts), an Express server
(src/server.ts), the types generated from the contract, package.json and
tsconfig.json.

Arguments:
  dir               where to create it (default: the current directory)

Options:
  --burrow <spec>   the burrowjs dependency: a version range, or the path of a
                    tarball or folder (default: ^${burrowVersion()})
  --force           write into a directory that is not empty (overwrites)
  -h, --help        show this help

Exit codes: 0 created, 1 the directory is not empty, 2 bad arguments.
`,
  async run(argv, output) {
    const { values, positionals } = parseCommandArgs(this, argv, { burrow: { type: 'string' }, force: { type: 'boolean' } }, 1);
    if (values.help) {
      output.out(this.help);
      return EXIT.ok;
    }
    const dir = positionals[0] ?? '.';
    if (!values.force && !(await isEmptyOrMissing(dir))) {
      output.err(`burrow init: ${dir} is not empty (use --force to write into it anyway)\n`);
      return EXIT.failed;
    }
    const written = await initProject(dir, { burrow: values.burrow });
    const cd = path.resolve(dir) === process.cwd() ? '' : `  cd ${dir}\n`;
    output.out(`Created a Burrow project in ${dir}:
${written.map((file) => `  ${file}`).join('\n')}

Next:
${cd}  npm install
  npm start          # http://127.0.0.1:3000/api/greetings/world, Swagger UI at /api/docs/

Then change openapi/api.yaml, run \`npm run types\`, and let \`npm run build\` tell which
handlers to write in src/handlers.ts.
`);
    return EXIT.ok;
  },
};
