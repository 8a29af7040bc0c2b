import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit codes of the `burrow` command. */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** A check failed: a contract with errors, a directory that is not empty. */
  failed: 1,
  /** The command line was wrong: unknown command or option, missing argument. */
  usage: 2,
} as const;

/** Where a command writes; tests pass their own. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** The process's stdout and stderr. */
export const processOutput: Output = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** One subcommand of `burrow`: its name, its help text and what it does. */
export interface Command {
  name: string;
  /** The full help: usage line, arguments, options. */
  help: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(argv: string[], output: Output): Promise<number>;
}

/** A wrong command line: the message and the usage go to stderr, the exit code is 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** The values of parsed options: a boolean, a string, or strings for `multiple`. */
export type OptionValues<O extends Options> = {
  [K in keyof O]?: O[K] extends { type: 'boolean' } ? boolean : O[K] extends { multiple: true } ? string[] : string;
} & { help?: boolean };

/**
 * Parses a command's arguments strictly (an unknown option is a {@link UsageError})
 * and adds `--help`/`-h`. At most `maxPositionals` positionals are accepted.
 */
export function parseCommandArgs<const O extends Options>(
  command: Pick<Command, 'help'>,
  argv: string[],
  options: O,
  maxPositionals: number,
): { values: OptionValues<O>; positionals: string[] } {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, command.help);
  }
  const values = parsed.values as OptionValues<O>;
  if (!values.help && parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument: ${parsed.positionals[maxPositionals]}`, command.help);
  }
  return { values, positionals: parsed.positionals };
}
