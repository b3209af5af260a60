import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../../src/knowledge/bm25-index.ts';
import { analyze } from '../../../src/knowledge/text-analysis.ts';
import { topK } from '../../../src/knowledge/top-k.ts';

const docs = [
  'Shipping times and costs by region',
  'How do I reset my password?',
  'Password requirements for new accounts and resets of security settings',
  'Cancel your membership',
].map(analyze);

describe('BM25 index', () => {
  const index = new Bm25Index(docs);

  it('ranks the exact match first', () => {
    const { scores, touched } = index.score(analyze('reset my password'));
    expect(topK(scores, touched, 2)).toEqual([1, 2]);
  });

  it('stems and ignores stopwords, so "how do I" alone matches nothing', () => {
    expect(index.score(analyze('how do I')).touched).toEqual([]);
    expect(index.score(analyze('cancelling')).touched).toEqual([3]);
  });

  it('knows which documents hold a term and gives unknown terms the largest IDF', () => {
    expect(index.contains('password', 1)).toBe(true);
    expect(index.contains('password', 0)).toBe(false);
    expect(index.termIdf('zebra')).toBe(index.maxIdf);
    expect(index.termIdf('password')).toBeLessThan(index.termIdf('membership'));
  });
});

describe('topK', () => {
  it('returns the best indices in order, ties by index', () => {
    expect(topK([0.1, 0.9, 0.5, 0.9, 0.3], [0, 1, 2, 3, 4], 3)).toEqual([1, 3, 2]);
    expect(topK([1, 2], [0, 1], 0)).toEqual([]);
  });
});
