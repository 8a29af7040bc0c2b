import { EXIT, processOutput, UsageError, type Command, type Output } from './command.js';
import { burrowVersion } from './version.js';

/**
 * The subcommands of `burrow`, in the order the help lists them. Each is loaded
 * when it runs: `burrow --help` need not load TypeScript or Redocly.
 */
export const COMMANDS: readonly { name: string; summary: string; load(): Promise<Command> }[] = [
  { name: 'init', summary: 'create a new Burrow project', load: async () => (await import('./init.js')).initCommand },
  { name: 'types', summary: 'generate the handler types of a contract', load: async () => (await import('./types.js')).typesCommand },
  { name: 'client', summary: 'generate the typed client of a contract (types, service map, createApiClient)', load: async () => (await import('./client.js')).clientCommand },
  { name: 'lint', summary: 'check a contract: OpenAPI schema, Redocly rules, Burrow rules', load: async () => (await import('./lint.js')).lintCommand },
  { name: 'db', summary: 'create, apply and check database migrations (no native engine needed)', load: async () => (await import('./db/command.js')).dbCommand },
  { name: 'scaffold', summary: 'write the contract of a CRUD resource from a Prisma model', load: async () => (await import('./scaffold.js')).scaffoldCommand },
];

/** The help of the program. */
export const PROGRAM_HELP = `Usage: burrow <command> [options]

Contract-first APIs over Express: the OpenAPI document drives routing,
validation, handler types and docs.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`).join('\n')}

Options:
  -h, --help      show this help (burrow <command> --help: the command's help)
  -v, --version   print the version

Exit codes: 0 success, 1 a check failed, 2 bad command line.
`;

/**
 * Runs `burrow` with the given arguments and resolves to its exit code: 0 success,
 * 1 a failed check, 2 a wrong command line (the message and the usage on stderr).
 */
export async function runCli(argv: string[], output: Output = processOutput): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    output.err(PROGRAM_HELP);
    return EXIT.usage;
  }
  if (first === '-h' || first === '--help' || first === 'help') {
    const entry = COMMANDS.find((c) => c.name === rest[0]);
    output.out(entry ? (await entry.load()).help : PROGRAM_HELP);
    return EXIT.ok;
  }
  if (first === '-v' || first === '--version') {
    output.out(`${burrowVersion()}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS.find((c) => c.name === first);
  const prefix = `burrow${entry ? ` ${entry.name}` : ''}`;
  try {
    if (!entry) throw new UsageError(first.startsWith('-') ? `unknown option: ${first}` : `unknown command: ${first}`, PROGRAM_HELP);
    return await (await entry.load()).run(rest, output);
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`${prefix}: ${error.message}\n\n${error.usage}`);
      return EXIT.usage;
    }
    output.err(`${prefix}: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.failed;
  }
}
