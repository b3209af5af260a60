/**
 * Choice of the out-of-scope threshold from held-out predictions. Pure, so
 * the rule can be tested without training anything.
 *
 * A text is rejected (intent null) when the model's top class is the
 * out-of-scope class or its top in-scope probability is below the threshold.
 * The threshold maximises expected accuracy on a traffic mix with an assumed
 * share `oosPrior` of out-of-scope messages:
 *
 *   (1 - oosPrior) · inScopeAccuracy(t) + oosPrior · oosRecall(t)
 *
 * where inScopeAccuracy counts an in-scope row as right only when it is both
 * accepted and correctly labelled. Rejecting a low-confidence in-scope row
 * therefore costs little when the model would have got it wrong anyway. A cap
 * on the in-scope rejection rate keeps the bot from refusing ordinary
 * requests when the out-of-scope sample is unrepresentative (pseudo-OOS).
 */

/** One held-out prediction. */
export interface HeldOutPrediction {
  /** Top in-scope probability (irrelevant when `predictedOos`). */
  readonly confidence: number;
  /** The model's top class was the out-of-scope class itself. */
  readonly predictedOos: boolean;
  /** In-scope rows: the top in-scope class is the true label. Ignored for OOS rows. */
  readonly correct: boolean;
}

/** Settings of {@link chooseOosThreshold}. */
export interface ThresholdOptions {
  /** Assumed share of out-of-scope traffic, 0..1. */
  readonly oosPrior: number;
  /** Largest tolerated share of in-scope rows rejected by the threshold. */
  readonly maxInScopeRejection: number;
}

/** The chosen threshold and what it did on the held-out rows. */
export interface ThresholdChoice {
  readonly threshold: number;
  /** Share of in-scope rows accepted with the right label. */
  readonly inScopeAccuracy: number;
  /** Share of in-scope rows rejected (by the threshold or the OOS class). */
  readonly inScopeRejection: number;
  /** Share of out-of-scope rows rejected; null when there were none. */
  readonly oosRecall: number | null;
}

function evaluate(
  inScope: readonly HeldOutPrediction[],
  oos: readonly HeldOutPrediction[],
  threshold: number,
): Omit<ThresholdChoice, 'threshold'> {
  let correct = 0;
  let rejected = 0;
  for (const p of inScope) {
    if (p.predictedOos || p.confidence < threshold) rejected++;
    else if (p.correct) correct++;
  }
  let caught = 0;
  for (const p of oos) if (p.predictedOos || p.confidence < threshold) caught++;
  const n = Math.max(1, inScope.length);
  return {
    inScopeAccuracy: correct / n,
    inScopeRejection: rejected / n,
    oosRecall: oos.length === 0 ? null : caught / oos.length,
  };
}

/**
 * Sweeps every distinct held-out confidence as a candidate and keeps the best
 * one under the rejection cap; ties go to the lower threshold (fewer refusals).
 * The returned threshold sits halfway between the winning confidence and the
 * next lower one so that tiny score shifts in the final model do not flip rows.
 */
export function chooseOosThreshold(
  inScope: readonly HeldOutPrediction[],
  oos: readonly HeldOutPrediction[],
  options: ThresholdOptions,
): ThresholdChoice {
  const confidences = [
    ...new Set([...inScope, ...oos].filter((p) => !p.predictedOos).map((p) => p.confidence)),
  ].sort((a, b) => a - b);
  const base = evaluate(inScope, oos, 0);
  const scoreOf = (r: Omit<ThresholdChoice, 'threshold'>): number =>
    (1 - options.oosPrior) * r.inScopeAccuracy + options.oosPrior * (r.oosRecall ?? 0);
  let best: ThresholdChoice = { threshold: 0, ...base };
  let bestScore = scoreOf(base);
  let previous = 0;
  // Candidate k rejects every confidence below confidences[k]; the midpoint keeps a margin on both sides.
  for (const candidate of confidences) {
    const threshold = (previous + candidate) / 2;
    previous = candidate;
    const result = evaluate(inScope, oos, threshold);
    // Only the threshold's own refusals count against the cap; the OOS class's are a separate decision.
    if (result.inScopeRejection - base.inScopeRejection > options.maxInScopeRejection) break;
    const score = scoreOf(result);
    if (score > bestScore + 1e-12) {
      bestScore = score;
      best = { threshold, ...result };
    }
  }
  return best;
}
