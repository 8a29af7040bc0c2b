/** The command line of a bench script: `--name` flags and `--name value` options. */
const argv = process.argv.slice(2);

/** True when `--name` is on the command line. */
export const flag = (name: string): boolean => argv.includes(`--${name}`);

/** The value after `--name`, or undefined. */
export const option = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i !== -1 ? argv[i + 1] : undefined;
};

/** The median of the finite numbers of `xs` (the mean of the middle two for an even count); NaN for none. */
export function median(xs: readonly number[]): number {
  const sorted = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
}
