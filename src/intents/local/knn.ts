/**
 * Cosine k-nearest-neighbour voting over the training vectors. Weak alone,
 * but it remembers near-verbatim phrasings the parametric models smooth
 * over, which nudges the blend up on validation data and helps most when an
 * intent has only a few dozen examples (the bot's own `nlu/intents.yml`).
 *
 * An inverted index (feature → training rows) makes a query cost the summed
 * posting lengths of its features instead of a pass over every row.
 */

import type { SparseVector } from './features.ts';

/** Inverted index over L2-normalised training vectors. */
export interface KnnIndex {
  readonly classes: number;
  readonly rows: number;
  /** `offsets[f]..offsets[f+1]` slice `postingRows`/`postingValues` for feature f. */
  readonly offsets: Int32Array;
  readonly postingRows: Int32Array;
  readonly postingValues: Float32Array;
  readonly labels: Int32Array;
}

/** Builds the index; vectors must be L2-normalised so dot products are cosines. */
export function buildKnnIndex(
  vectors: readonly SparseVector[],
  labels: Int32Array,
  classes: number,
  dimension: number,
): KnnIndex {
  const counts = new Int32Array(dimension + 1);
  for (const x of vectors) for (const f of x.indices) counts[f + 1] = (counts[f + 1] as number) + 1;
  for (let f = 0; f < dimension; f++) counts[f + 1] = (counts[f + 1] as number) + (counts[f] as number);
  const offsets = counts;
  const total = offsets[dimension] as number;
  const postingRows = new Int32Array(total);
  const postingValues = new Float32Array(total);
  const cursor = offsets.slice(0, dimension);
  vectors.forEach((x, row) => {
    for (let k = 0; k < x.indices.length; k++) {
      const f = x.indices[k] as number;
      const at = cursor[f] as number;
      postingRows[at] = row;
      postingValues[at] = x.values[k] as number;
      cursor[f] = at + 1;
    }
  });
  return { classes, rows: vectors.length, offsets, postingRows, postingValues, labels };
}

/** Reusable buffers so a query allocates nothing proportional to the training set. */
export class KnnScratch {
  readonly similarity: Float64Array;
  readonly touched: Int32Array;
  constructor(rows: number) {
    this.similarity = new Float64Array(rows);
    this.touched = new Int32Array(rows);
  }
}

/** What one k-NN query found. */
export interface KnnResult {
  /** Similarity-weighted class votes, summing to 1 (uniform when nothing overlaps). */
  readonly distribution: Float64Array;
  /** Cosine similarity of the closest training row; low values suggest out-of-scope text. */
  readonly maxSimilarity: number;
}

/**
 * Votes of the `k` most similar training rows, each weighted by
 * `similarity^power` so close paraphrases dominate distant ones.
 */
export function knnVote(
  index: KnnIndex,
  x: SparseVector,
  k: number,
  power: number,
  scratch: KnnScratch = new KnnScratch(index.rows),
): KnnResult {
  const { similarity, touched } = scratch;
  let touchedCount = 0;
  for (let q = 0; q < x.indices.length; q++) {
    const f = x.indices[q] as number;
    const v = x.values[q] as number;
    const end = index.offsets[f + 1] as number;
    for (let p = index.offsets[f] as number; p < end; p++) {
      const row = index.postingRows[p] as number;
      const s = similarity[row] as number;
      if (s === 0) touched[touchedCount++] = row;
      similarity[row] = s + v * (index.postingValues[p] as number);
    }
  }
  // Partial selection of the top k: k is small, so insertion into a sorted list is cheapest.
  const topRows: number[] = [];
  const topSims: number[] = [];
  for (let t = 0; t < touchedCount; t++) {
    const row = touched[t] as number;
    const s = similarity[row] as number;
    similarity[row] = 0;
    if (s <= 0 || (topSims.length === k && s <= (topSims[k - 1] as number))) continue;
    let at = topSims.length;
    while (at > 0 && (topSims[at - 1] as number) < s) at--;
    topSims.splice(at, 0, s);
    topRows.splice(at, 0, row);
    if (topSims.length > k) {
      topSims.pop();
      topRows.pop();
    }
  }
  const distribution = new Float64Array(index.classes);
  let sum = 0;
  for (let t = 0; t < topRows.length; t++) {
    const w = (topSims[t] as number) ** power;
    const label = index.labels[topRows[t] as number] as number;
    distribution[label] = (distribution[label] as number) + w;
    sum += w;
  }
  if (sum > 0)
    for (let c = 0; c < distribution.length; c++) distribution[c] = (distribution[c] as number) / sum;
  else distribution.fill(1 / index.classes);
  return { distribution, maxSimilarity: topSims[0] ?? 0 };
}
