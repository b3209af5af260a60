import { describe, expect, it } from 'vitest';
import { porterStem } from '../../../src/intents/local/stem.ts';
import { NUMBER_TOKEN, normalizeText, splitWords, tokenize } from '../../../src/intents/local/tokenize.ts';

describe('normalizeText', () => {
  it('lower-cases, folds curly quotes and collapses whitespace', () => {
    expect(normalizeText('  I Can\u2019t   LOG\tin  ')).toBe("i can't log in");
  });
});

describe('splitWords', () => {
  it('expands contractions with and without apostrophes', () => {
    expect(splitWords("i can't log in")).toEqual(['i', 'can', 'not', 'log', 'in']);
    expect(splitWords('i cant log in')).toEqual(['i', 'can', 'not', 'log', 'in']);
    expect(splitWords("it hasn't arrived, i'm waiting")).toEqual([
      'it',
      'has',
      'not',
      'arrived',
      'i',
      'am',
      'waiting',
    ]);
  });

  it('drops possessive s and keeps currency signs and question marks as tokens', () => {
    expect(splitWords("my card's pin?")).toEqual(['my', 'card', 'pin', '?']);
    expect(splitWords('charged $49')).toEqual(['charged', '$', NUMBER_TOKEN]);
  });

  it('replaces digit runs but keeps mixed alphanumerics such as 2fa', () => {
    expect(splitWords('order 48213 and 2fa')).toEqual(['order', NUMBER_TOKEN, 'and', '2fa']);
  });
});

describe('porterStem', () => {
  it.each([
    ['charged', 'charg'],
    ['charges', 'charg'],
    ['charging', 'charg'],
    ['refunds', 'refund'],
    ['refunded', 'refund'],
    ['deliveries', 'deliveri'],
    ['delivery', 'deliveri'],
    ['cancellation', 'cancel'],
    ['relational', 'relat'],
    ['hopping', 'hop'],
    ['caresses', 'caress'],
  ])('%s → %s', (word, stem) => {
    expect(porterStem(word)).toBe(stem);
  });

  it('leaves very short words alone', () => {
    expect(porterStem('is')).toBe('is');
  });
});

describe('tokenize', () => {
  it('makes inflections of one word share a token', () => {
    expect(tokenize('I was Charged twice')).toEqual(tokenize('i was charging twice'));
    expect(tokenize('Refunds')).toEqual(tokenize('refund'));
  });
});
