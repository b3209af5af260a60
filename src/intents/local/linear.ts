/**
 * Multinomial logistic regression over sparse TF-IDF vectors, the linear
 * member of the ensemble (see `model.ts`). It is strong on its own and gives
 * reasonably calibrated probabilities, which the out-of-scope threshold needs.
 *
 * Weights are stored feature-major (`w[feature * classes + class]`) so that
 * scoring a sparse vector reads one contiguous run per non-zero feature.
 * Hot loops index typed arrays with `as number`: the indices are in range by
 * construction and `?? 0` costs measurable time there.
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

/** Inputs shared by the learners: vectors, their class ids and the space sizes. */
export interface TrainingSet {
  readonly vectors: readonly SparseVector[];
  readonly labels: Int32Array;
  readonly classes: number;
  readonly dimension: number;
}

/** Adds `x · W` (feature-major, `classes` wide) to `out`. */
export function addSparseProduct(
  weights: Float32Array,
  classes: number,
  x: SparseVector,
  out: Float64Array,
): void {
  const { indices, values } = x;
  for (let k = 0; k < indices.length; k++) {
    const base = (indices[k] as number) * classes;
    const v = values[k] as number;
    for (let c = 0; c < classes; c++) out[c] = (out[c] as number) + v * (weights[base + c] as number);
  }
}

/** Writes the per-class scores of `x` into `out` (length = classes) and returns it. */
export function linearScores(model: LinearWeights, x: SparseVector, out: Float64Array): Float64Array {
  for (let c = 0; c < model.classes; c++) out[c] = model.bias[c] as number;
  addSparseProduct(model.weights, model.classes, x, out);
  return out;
}

/** In-place softmax with temperature; returns `scores` for chaining. */
export function softmaxInPlace(scores: Float64Array, temperature = 1): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  for (let c = 0; c < scores.length; c++) {
    const e = Math.exp(((scores[c] as number) - max) / temperature);
    scores[c] = e;
    sum += e;
  }
  for (let c = 0; c < scores.length; c++) scores[c] = (scores[c] as number) / sum;
  return scores;
}

/**
 * Class gradients smaller than this are skipped in an SGD step. After the
 * first epoch nearly every class has a vanishing probability for a given
 * example; skipping them cut training time by ~40% with identical validation
 * accuracy on BANKING77.
 */
const GRADIENT_FLOOR = 1e-3;

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
  const grad = new Float64Array(classes);
  const active = new Int32Array(classes);
  const random = createRandom(options.seed);
  const n = vectors.length;
  const totalSteps = Math.max(1, options.epochs * n);
  let scale = 1;
  let step = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = permutation(n, random);
    for (let o = 0; o < n; o++) {
      const i = order[o] as number;
      const x = vectors[i];
      if (x === undefined) continue;
      const eta = options.learningRate * (1 - step / totalSteps);
      step++;
      const { indices, values } = x;
      for (let c = 0; c < classes; c++) grad[c] = (bias[c] as number) / scale;
      addSparseProduct(raw, classes, x, grad);
      for (let c = 0; c < classes; c++) grad[c] = (grad[c] as number) * scale;
      softmaxInPlace(grad);
      const y = labels[i] as number;
      grad[y] = (grad[y] as number) - 1;
      // Decay first, then the gradient step on the (rescaled) raw weights.
      scale *= 1 - eta * options.l2;
      const stepScale = eta / scale;
      let activeCount = 0;
      for (let c = 0; c < classes; c++) {
        const g = grad[c] as number;
        if (g > GRADIENT_FLOOR || g < -GRADIENT_FLOOR) active[activeCount++] = c;
        bias[c] = (bias[c] as number) - eta * g;
      }
      for (let k = 0; k < indices.length; k++) {
        const base = (indices[k] as number) * classes;
        const v = (values[k] as number) * stepScale;
        for (let a = 0; a < activeCount; a++) {
          const c = active[a] as number;
          raw[base + c] = (raw[base + c] as number) - v * (grad[c] as number);
        }
      }
      if (scale < 1e-6) {
        for (let j = 0; j < raw.length; j++) raw[j] = (raw[j] as number) * scale;
        scale = 1;
      }
    }
  }
  for (let j = 0; j < raw.length; j++) raw[j] = (raw[j] as number) * scale;
  return { classes, dimension, weights: raw, bias };
}
