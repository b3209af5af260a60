/**
 * The output contract between the bench parts (`scripts/bench-*.ts`, each run as its
 * own process by `scripts/bench.ts`) and the summary: every figure is one JSON object
 * on its own stdout line with a `figure` key; `ok` is present when the figure has a
 * target. A part exits non-zero when it fails or misses a target.
 */
export interface BenchFigure {
  readonly part: string;
  readonly figure: string;
  readonly value: number | null;
  readonly unit: string;
  /** Human-readable target, e.g. `<= 8`; absent for informational figures. */
  readonly target?: string;
  readonly ok?: boolean;
  readonly [detail: string]: unknown;
}

export function emitFigure(figure: BenchFigure): void {
  process.stdout.write(`${JSON.stringify(figure)}\n`);
}

/** Parses one stdout line of a part; anything that is not a figure object is `null`. */
export function parseFigure(line: string): BenchFigure | null {
  if (!line.startsWith('{')) return null;
  try {
    const value = JSON.parse(line) as unknown;
    if (typeof value === 'object' && value !== null && 'figure' in value && 'part' in value) {
      return value as BenchFigure;
    }
  } catch {
    // Not JSON: a part's free text.
  }
  return null;
}

export const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024);

/** Waits for `promise` at most `ms`; a part that overruns fails instead of hanging the bench. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, fail) => {
        timer = setTimeout(() => fail(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one part's `main` as its process: within `ms`, exit code 0 unless `main` reports a missed
 * target (`false`) or throws (then an `error` figure is printed first).
 */
export async function runPart(part: string, ms: number, main: () => Promise<unknown>): Promise<never> {
  try {
    const ok = await within(ms, part, main());
    process.exit(ok === false ? 1 : 0);
  } catch (error) {
    emitFigure({
      part,
      figure: 'error',
      value: null,
      unit: '',
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    });
    process.exit(1);
  }
}
