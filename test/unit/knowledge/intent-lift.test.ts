import { describe, expect, it } from 'vitest';
import { KbValidationError } from '../../../src/errors.ts';
import { parseArticle } from '../../../src/knowledge/front-matter.ts';
import { DEFAULT_INTENT_BOOST, liftLinked } from '../../../src/knowledge/langchain-retriever.ts';
import type { KbHit } from '../../../src/model/understanding.ts';

const hit = (id: string, score: number): KbHit => ({
  id,
  chunkId: `${id}#1`,
  title: id,
  text: `${id} text`,
  score,
});
const lead = (id: string): KbHit => ({ id, chunkId: `${id}#0`, title: id, text: `${id} summary`, score: 1 });

describe('liftLinked (intent ↔ article links)', () => {
  it('lifts the one linked article of a confident intent over the answer threshold', () => {
    const ranked = liftLinked(
      [hit('other', 0.1), hit('payment-methods', 0.03)],
      ['payment-methods'],
      0.85,
      DEFAULT_INTENT_BOOST,
      lead,
    );
    expect(ranked[0]?.id).toBe('payment-methods');
    expect(ranked[0]?.score).toBeGreaterThan(0.8);
    expect(ranked[1]).toEqual(hit('other', 0.1));
  });

  it('lifts less with less confidence', () => {
    const confident = liftLinked([hit('a', 0.1)], ['a'], 0.8, DEFAULT_INTENT_BOOST, lead)[0]?.score ?? 0;
    const unsure = liftLinked([hit('a', 0.1)], ['a'], 0.4, DEFAULT_INTENT_BOOST, lead)[0]?.score ?? 0;
    expect(unsure).toBeLessThan(confident);
    expect(unsure).toBeGreaterThan(0.1);
  });

  it('lets retrieval choose among several linked articles', () => {
    const ranked = liftLinked(
      [hit('start-a-return', 0.3), hit('return-policy', 0.1)],
      ['return-policy', 'start-a-return'],
      0.9,
      DEFAULT_INTENT_BOOST,
      lead,
    );
    expect(ranked.map((h) => h.id)).toEqual(['start-a-return', 'return-policy']);
    expect((ranked[0]?.score ?? 0) - (ranked[1]?.score ?? 0)).toBeGreaterThan(0.3);
  });

  it('quotes the summary of a linked article retrieval did not find', () => {
    const ranked = liftLinked([hit('other', 0.05)], ['linked'], 0.9, DEFAULT_INTENT_BOOST, lead);
    expect(ranked[0]).toMatchObject({ id: 'linked', chunkId: 'linked#0', text: 'linked summary' });
  });

  it('does not carry a linked article past a strong top hit the intent does not link (a tie instead)', () => {
    const ranked = liftLinked(
      [hit('gift-cards', 0.9), hit('payment-methods', 0.5)],
      ['payment-methods'],
      0.9,
      DEFAULT_INTENT_BOOST,
      lead,
    );
    expect(ranked[0]?.id).toBe('gift-cards');
    expect(ranked[1]?.score).toBe(0.9);
  });
});

describe('front matter links and questions', () => {
  const article = (extra: string) => `---\nid: a\ntitle: A\ntags: [x]\nurl: /help/a\n${extra}---\nBody.\n`;

  it('reads intents and questions', () => {
    const { frontMatter } = parseArticle(
      'a.md',
      article('intents: [billing_issue]\nquestions:\n  - "charged twice?"\n'),
    );
    expect(frontMatter.intents).toEqual(['billing_issue']);
    expect(frontMatter.questions).toEqual(['charged twice?']);
  });

  it('defaults both to empty', () => {
    const { frontMatter } = parseArticle('a.md', article(''));
    expect(frontMatter.intents).toEqual([]);
    expect(frontMatter.questions).toEqual([]);
  });

  it('names the file and field for an intent that is not snake_case', () => {
    expect(() => parseArticle('kb/a.md', article('intents: [Billing Issue]\n'))).toThrow(KbValidationError);
    expect(() => parseArticle('kb/a.md', article('intents: [Billing Issue]\n'))).toThrow(
      /kb\/a\.md: front matter field "intents"/,
    );
  });
});
