/** The command line of a bench script: `--name` flags and `--name value` options. */
const argv = process.argv.slice(2);

/** True when `--name` is on the command line. */
export const flag = (name: string): boolean => argv.includes(`--${name}`);

/** The value after `--name`, or undefined. */
export const option = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i !== -1 ? argv[i + 1] : undefined;
};
