import { describe, expect, it } from 'vitest';
import { accuracy, macroF1, percentile, round } from '../../../scripts/eval-metrics.ts';

describe('eval metrics', () => {
  it('accuracy counts exact matches', () => {
    expect(accuracy(['a', 'b', 'c', 'd'], ['a', 'b', 'x', 'd'])).toBe(0.75);
    expect(accuracy([], [])).toBe(0);
    expect(() => accuracy(['a'], [])).toThrow();
  });

  it('macro-F1 averages per-class F1 over gold classes', () => {
    // class a: P=1/2 R=1 F=2/3; class b: P=1 R=1/2 F=2/3
    expect(macroF1(['a', 'b', 'b'], ['a', 'b', 'a'])).toBeCloseTo(2 / 3);
    expect(macroF1(['a', 'b'], ['a', 'b'])).toBe(1);
    // predicting a label absent from gold costs recall
    expect(macroF1(['a', 'a'], ['a', 'oos'])).toBeCloseTo(2 / 3);
  });

  it('percentile interpolates between closest ranks and does not mutate its input', () => {
    const values = [5, 1, 4, 2, 3];
    expect(percentile(values, 50)).toBe(3);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile(values, 100)).toBe(5);
    expect(percentile(values, 95)).toBeCloseTo(4.8);
    expect(values).toEqual([5, 1, 4, 2, 3]);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow();
  });

  it('round trims float noise', () => {
    expect(round(0.123456)).toBe(0.1235);
    expect(round(0.1 + 0.2, 2)).toBe(0.3);
  });
});
