import { describe, expect, it } from 'vitest';
import type { HeldOutPrediction } from '../../../src/intents/local/oos-threshold.ts';
import { chooseOosThreshold } from '../../../src/intents/local/oos-threshold.ts';

const inScope = (confidence: number, correct = true): HeldOutPrediction => ({
  confidence,
  correct,
  predictedOos: false,
});
const oos = (confidence: number): HeldOutPrediction => ({ confidence, correct: false, predictedOos: false });

describe('chooseOosThreshold', () => {
  it('separates well-separated in-scope and out-of-scope confidences', () => {
    const choice = chooseOosThreshold(
      [0.9, 0.85, 0.8, 0.95, 0.7].map((c) => inScope(c)),
      [0.2, 0.3, 0.25].map(oos),
      { oosPrior: 0.5, maxInScopeRejection: 0.5 },
    );
    expect(choice.threshold).toBeGreaterThan(0.3);
    expect(choice.threshold).toBeLessThanOrEqual(0.7);
    expect(choice.oosRecall).toBe(1);
    expect(choice.inScopeAccuracy).toBe(1);
  });

  it('never refuses more in-scope rows than the cap allows', () => {
    const choice = chooseOosThreshold(
      [0.1, 0.2, 0.3, 0.4, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9].map((c) => inScope(c)),
      [0.95, 0.5].map(oos),
      { oosPrior: 0.9, maxInScopeRejection: 0.1 },
    );
    expect(choice.inScopeRejection).toBeLessThanOrEqual(0.1);
  });

  it('rejects low-confidence in-scope rows that were wrong anyway when that catches OOS rows', () => {
    const choice = chooseOosThreshold([inScope(0.9), inScope(0.9), inScope(0.3, false)], [oos(0.35)], {
      oosPrior: 0.1,
      maxInScopeRejection: 0.5,
    });
    expect(choice.threshold).toBeGreaterThan(0.35);
    expect(choice.inScopeAccuracy).toBeCloseTo(2 / 3);
  });

  it('stays at zero when there is nothing out of scope to catch', () => {
    const choice = chooseOosThreshold([inScope(0.4), inScope(0.9)], [], {
      oosPrior: 0.1,
      maxInScopeRejection: 0.5,
    });
    expect(choice.threshold).toBe(0);
    expect(choice.oosRecall).toBeNull();
  });
});
