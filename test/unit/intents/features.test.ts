import { describe, expect, it } from 'vitest';
import type { SparseVector } from '../../../src/intents/local/features.ts';
import {
  DEFAULT_FEATURE_OPTIONS,
  TfidfVectorizer,
  extractRawFeatures,
  hashString,
} from '../../../src/intents/local/features.ts';

function dot(a: SparseVector, b: SparseVector): number {
  const weights = new Map<number, number>();
  a.indices.forEach((index, k) => {
    weights.set(index, a.values[k] ?? 0);
  });
  let sum = 0;
  b.indices.forEach((index, k) => {
    sum += (weights.get(index) ?? 0) * (b.values[k] ?? 0);
  });
  return sum;
}

const corpus = [
  'how do I reset my password',
  'I forgot my password',
  'where is my order',
  'my order has not arrived',
  'I was charged twice',
  'refund my double charge',
];

function fitted(): TfidfVectorizer {
  return TfidfVectorizer.fit(
    corpus.map((t) => extractRawFeatures(t)),
    DEFAULT_FEATURE_OPTIONS,
  );
}

describe('hashString', () => {
  it('is deterministic and salt-dependent', () => {
    expect(hashString('order', 1)).toBe(hashString('order', 1));
    expect(hashString('order', 1)).not.toBe(hashString('order', 2));
    expect(hashString('order', 1)).not.toBe(hashString('orders', 1));
  });
});

describe('extractRawFeatures', () => {
  it('counts word uni/bi-grams and char n-grams separately', () => {
    const raw = extractRawFeatures('reset password');
    // two unigrams + one bigram
    expect([...raw.words.values()].reduce((a, b) => a + b, 0)).toBe(3);
    expect(raw.chars.size).toBeGreaterThan(20);
  });

  it('gives the same features to texts that differ only in case, spacing and contractions', () => {
    const a = extractRawFeatures("I CAN'T   log in");
    const b = extractRawFeatures('i cannot log in');
    expect([...a.words].sort()).toEqual([...b.words].sort());
  });
});

describe('TfidfVectorizer', () => {
  it('produces L2-normalised vectors with sorted indices', () => {
    const x = fitted().transform('I forgot my password');
    const norm = Math.sqrt(x.values.reduce((s, v) => s + v * v, 0));
    expect(norm).toBeCloseTo(1, 5);
    for (let i = 1; i < x.indices.length; i++) expect(x.indices[i]).toBeGreaterThan(x.indices[i - 1] ?? -1);
  });

  it('drops features never seen in training', () => {
    expect(fitted().transform('zzzz qqqq').indices.length).toBe(0);
  });

  it('keeps a typo close to the correct spelling thanks to char n-grams', () => {
    const v = fitted();
    const typo = dot(v.transform('pasword reset'), v.transform('reset password'));
    const unrelated = dot(v.transform('pasword reset'), v.transform('where is my order'));
    expect(typo).toBeGreaterThan(0.4);
    expect(typo).toBeGreaterThan(unrelated + 0.3);
  });

  it('round-trips through its state', () => {
    const v = fitted();
    const copy = TfidfVectorizer.fromState(v.toState());
    expect(copy.transform('refund my charge')).toEqual(v.transform('refund my charge'));
  });
});
