/** Command-line options of a bench: `--name value` and bare `--flag`s. */

/**
 * The value after `--name`, or `fallback` when the option is absent. A numeric fallback makes the
 * value a number: anything that does not parse as one stops the bench with exit code 2.
 */
export function arg(name: string, fallback: number, argv?: readonly string[]): number;
export function arg(name: string, fallback: string, argv?: readonly string[]): string;
export function arg(name: string, fallback: number | string, argv: readonly string[] = process.argv): number | string {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = argv[i + 1];
  if (typeof fallback === 'number') {
    const n = v === undefined || v.trim() === '' ? NaN : Number(v);
    if (!Number.isFinite(n)) {
      console.error(`--${name} needs a number, got '${v ?? ''}'`);
      process.exit(2);
    }
    return n;
  }
  return v ?? fallback;
}

/** Whether the bare option `--name` was given. */
export const flag = (name: string, argv: readonly string[] = process.argv): boolean => argv.includes(`--${name}`);
