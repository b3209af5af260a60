/**
 * Pure metric helpers shared by the evaluation scripts (`eval-intents.ts`,
 * `eval-kb.ts`). No I/O, so they are trivially unit-tested.
 */

/** Share of positions where `predicted` equals `gold`; 0 for empty input. */
export function accuracy(gold: readonly string[], predicted: readonly string[]): number {
  if (gold.length !== predicted.length)
    throw new Error(`accuracy: ${gold.length} gold vs ${predicted.length} predicted`);
  if (gold.length === 0) return 0;
  let hits = 0;
  for (let i = 0; i < gold.length; i++) if (gold[i] === predicted[i]) hits++;
  return hits / gold.length;
}

/**
 * Macro-averaged F1 over the gold labels (each gold class weighs the same,
 * so rare intents count as much as frequent ones). Predictions of labels
 * absent from gold (e.g. "out of scope" on an in-scope-only test set) earn
 * nothing and cost the recall of the rows they took.
 */
export function macroF1(gold: readonly string[], predicted: readonly string[]): number {
  if (gold.length !== predicted.length)
    throw new Error(`macroF1: ${gold.length} gold vs ${predicted.length} predicted`);
  const classes = [...new Set(gold)];
  if (classes.length === 0) return 0;
  const tp = new Map<string, number>();
  const predictedCount = new Map<string, number>();
  const goldCount = new Map<string, number>();
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i] as string;
    const p = predicted[i] as string;
    goldCount.set(g, (goldCount.get(g) ?? 0) + 1);
    predictedCount.set(p, (predictedCount.get(p) ?? 0) + 1);
    if (g === p) tp.set(g, (tp.get(g) ?? 0) + 1);
  }
  let sum = 0;
  for (const c of classes) {
    const t = tp.get(c) ?? 0;
    const precision = t === 0 ? 0 : t / (predictedCount.get(c) ?? 1);
    const recall = t === 0 ? 0 : t / (goldCount.get(c) ?? 1);
    sum += precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  }
  return sum / classes.length;
}

/**
 * The p-th percentile (0-100) with linear interpolation between closest
 * ranks (the "R-7"/NumPy default). Does not mutate `values`; NaN for empty input.
 */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile: p must be within 0..100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const low = sorted[lo] as number;
  const high = sorted[hi] as number;
  return low + (high - low) * (rank - lo);
}

/** Rounds for printing figures in JSON without float noise. */
export function round(value: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
