/**
 * Linear learners over sparse TF-IDF vectors. Two complementary models are
 * trained on the same features and later blended (see `model.ts`):
 *
 * - multinomial logistic regression by SGD: calibrated-ish probabilities,
 *   which the out-of-scope threshold needs;
 * - one-vs-rest L2-regularised squared-hinge SVMs by dual coordinate descent
 *   (the LIBLINEAR algorithm): usually the most accurate linear text
 *   classifier, but its scores are margins, not probabilities.
 *
 * Weights are stored feature-major (`w[feature * classes + class]`) so that
 * scoring a sparse vector reads one contiguous run per non-zero feature.
 */

import type { SparseVector } from './features.ts';
import { createRandom, permutation } from './random.ts';

/** A trained linear scorer: `score_c = bias_c + Σ_j x_j · weights[j * classes + c]`. */
export interface LinearWeights {
  readonly classes: number;
  readonly dimension: number;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
}

/** Writes the per-class scores of `x` into `out` (length = classes). */
export function linearScores(model: LinearWeights, x: SparseVector, out: Float64Array): Float64Array {
  const { classes, weights, bias } = model;
  for (let c = 0; c < classes; c++) out[c] = bias[c] ?? 0;
  const { indices, values } = x;
  for (let k = 0; k < indices.length; k++) {
    const base = (indices[k] ?? 0) * classes;
    const v = values[k] ?? 0;
    for (let c = 0; c < classes; c++) out[c] = (out[c] ?? 0) + v * (weights[base + c] ?? 0);
  }
  return out;
}

/** In-place softmax with temperature; returns `scores` for chaining. */
export function softmaxInPlace(scores: Float64Array, temperature = 1): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  for (let c = 0; c < scores.length; c++) {
    const e = Math.exp(((scores[c] ?? 0) - max) / temperature);
    scores[c] = e;
    sum += e;
  }
  for (let c = 0; c < scores.length; c++) scores[c] = (scores[c] ?? 0) / sum;
  return scores;
}

/** Inputs shared by the learners: vectors, their class ids and the space sizes. */
export interface TrainingSet {
  readonly vectors: readonly SparseVector[];
  readonly labels: Int32Array;
  readonly classes: number;
  readonly dimension: number;
}

/** Hyperparameters of {@link trainSoftmaxRegression}. */
export interface SoftmaxOptions {
  readonly epochs: number;
  /** L2 penalty λ in `loss + λ/2‖w‖²` (per example). */
  readonly l2: number;
  /** Initial step size; decays linearly to zero over all epochs. */
  readonly learningRate: number;
  readonly seed: number;
}

/**
 * Multinomial logistic regression by plain SGD with L2 decay applied through a
 * global scale factor (so each step only touches the example's non-zero
 * features) and a linearly decaying step, which ends close to the averaged
 * iterate without the bookkeeping.
 */
export function trainSoftmaxRegression(set: TrainingSet, options: SoftmaxOptions): LinearWeights {
  const { vectors, labels, classes, dimension } = set;
  const raw = new Float32Array(dimension * classes);
  const bias = new Float32Array(classes);
  const probs = new Float64Array(classes);
  const random = createRandom(options.seed);
  const n = vectors.length;
  const totalSteps = Math.max(1, options.epochs * n);
  let scale = 1;
  let step = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = permutation(n, random);
    for (let o = 0; o < n; o++) {
      const i = order[o] ?? 0;
      const x = vectors[i];
      if (x === undefined) continue;
      const eta = options.learningRate * (1 - step / totalSteps);
      step++;
      const { indices, values } = x;
      for (let c = 0; c < classes; c++) probs[c] = bias[c] ?? 0;
      for (let k = 0; k < indices.length; k++) {
        const base = (indices[k] ?? 0) * classes;
        const v = (values[k] ?? 0) * scale;
        for (let c = 0; c < classes; c++) probs[c] = (probs[c] ?? 0) + v * (raw[base + c] ?? 0);
      }
      softmaxInPlace(probs);
      const y = labels[i] ?? 0;
      probs[y] = (probs[y] ?? 0) - 1;
      // Decay first, then the gradient step on the (rescaled) raw weights.
      scale *= 1 - eta * options.l2;
      const stepScale = eta / scale;
      for (let k = 0; k < indices.length; k++) {
        const base = (indices[k] ?? 0) * classes;
        const v = (values[k] ?? 0) * stepScale;
        for (let c = 0; c < classes; c++) raw[base + c] = (raw[base + c] ?? 0) - v * (probs[c] ?? 0);
      }
      for (let c = 0; c < classes; c++) bias[c] = (bias[c] ?? 0) - eta * (probs[c] ?? 0);
      if (scale < 1e-6) {
        for (let j = 0; j < raw.length; j++) raw[j] = (raw[j] ?? 0) * scale;
        scale = 1;
      }
    }
  }
  for (let j = 0; j < raw.length; j++) raw[j] = (raw[j] ?? 0) * scale;
  return { classes, dimension, weights: raw, bias };
}

/** Hyperparameters of {@link trainOneVsRestSvm}. */
export interface SvmOptions {
  /** LIBLINEAR's C: larger fits the training data harder. */
  readonly cost: number;
  readonly epochs: number;
  readonly seed: number;
  /** Value of the constant bias feature (LIBLINEAR's `-B`); the bias is regularised like any weight. */
  readonly biasFeature: number;
}

/**
 * One-vs-rest L2-regularised L2-loss (squared hinge) linear SVMs, solved in the
 * dual by coordinate descent (Hsieh et al. 2008). All binary problems walk the
 * examples in the same order, so one pass computes every class's margin with
 * a single sparse dot product per feature run.
 */
export function trainOneVsRestSvm(set: TrainingSet, options: SvmOptions): LinearWeights {
  const { vectors, labels, classes, dimension } = set;
  const n = vectors.length;
  const weights = new Float32Array(dimension * classes);
  const biasW = new Float64Array(classes);
  const alpha = new Float32Array(n * classes);
  const scores = new Float64Array(classes);
  const delta = new Float64Array(classes);
  const diag = 1 / (2 * options.cost);
  const b = options.biasFeature;
  const qd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = vectors[i]?.values;
    let sq = b * b + diag;
    if (v !== undefined) for (const value of v) sq += value * value;
    qd[i] = sq;
  }
  const random = createRandom(options.seed);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = permutation(n, random);
    for (let o = 0; o < n; o++) {
      const i = order[o] ?? 0;
      const x = vectors[i];
      if (x === undefined) continue;
      const { indices, values } = x;
      for (let c = 0; c < classes; c++) scores[c] = (biasW[c] ?? 0) * b;
      for (let k = 0; k < indices.length; k++) {
        const base = (indices[k] ?? 0) * classes;
        const v = values[k] ?? 0;
        for (let c = 0; c < classes; c++) scores[c] = (scores[c] ?? 0) + v * (weights[base + c] ?? 0);
      }
      const label = labels[i] ?? 0;
      const q = qd[i] ?? 1;
      let changed = false;
      const aBase = i * classes;
      for (let c = 0; c < classes; c++) {
        const y = c === label ? 1 : -1;
        const a = alpha[aBase + c] ?? 0;
        const g = y * (scores[c] ?? 0) - 1 + a * diag;
        const pg = a === 0 ? Math.min(g, 0) : g;
        if (pg > -1e-12 && pg < 1e-12) {
          delta[c] = 0;
          continue;
        }
        const next = Math.max(a - g / q, 0);
        alpha[aBase + c] = next;
        const d = (next - a) * y;
        delta[c] = d;
        if (d !== 0) changed = true;
      }
      if (!changed) continue;
      for (let k = 0; k < indices.length; k++) {
        const base = (indices[k] ?? 0) * classes;
        const v = values[k] ?? 0;
        for (let c = 0; c < classes; c++) weights[base + c] = (weights[base + c] ?? 0) + v * (delta[c] ?? 0);
      }
      for (let c = 0; c < classes; c++) biasW[c] = (biasW[c] ?? 0) + (delta[c] ?? 0) * b;
    }
  }
  const bias = new Float32Array(classes);
  for (let c = 0; c < classes; c++) bias[c] = (biasW[c] ?? 0) * b;
  return { classes, dimension, weights, bias };
}
