import { describe, expect, it } from 'vitest';
import {
  ExtractiveAnswerGenerator,
  cleanMarkdown,
  trimAtSentence,
} from '../../../src/knowledge/extractive-answer-generator.ts';
import type { KbHit } from '../../../src/model/understanding.ts';

const hit = (text: string, extra: Partial<KbHit> = {}): KbHit => ({
  id: 'refund-timing',
  chunkId: 'refund-timing#0',
  title: 'When will I get my refund?',
  url: 'https://help.example.com/articles/refund-timing',
  text,
  score: 0.9,
  ...extra,
});

describe('extractive answers', () => {
  const generator = new ExtractiveAnswerGenerator();

  it('quotes the best hit trimmed at a sentence boundary, with citations', async () => {
    const text =
      'We refund within 5 business days of receiving your return. Card refunds take a further 3 to 10 days. ' +
      'Gift card refunds are instant and appear in your wallet straight away.';
    const answer = await generator.answer({ question: 'refund?', hits: [hit(text)], maxLength: 120 });
    expect(answer.text).toBe(
      'We refund within 5 business days of receiving your return. Card refunds take a further 3 to 10 days.',
    );
    expect(answer).toMatchObject({
      grounded: true,
      source: 'extractive',
      citations: [
        {
          id: 'refund-timing',
          title: 'When will I get my refund?',
          url: 'https://help.example.com/articles/refund-timing',
        },
      ],
    });
  });

  it('keeps short sections whole and defaults to a chat-sized limit', async () => {
    const answer = await generator.answer({ question: 'q', hits: [hit('Short answer.')] });
    expect(answer.text).toBe('Short answer.');
    const long = await generator.answer({
      question: 'q',
      hits: [hit('A sentence that goes on. '.repeat(60))],
    });
    expect(long.text.length).toBeLessThanOrEqual(600);
    expect(long.text.endsWith('.')).toBe(true);
  });

  it('says it does not know, ungrounded, when there are no hits', async () => {
    const answer = await generator.answer({ question: 'weather?', hits: [] });
    expect(answer.grounded).toBe(false);
    expect(answer.citations).toEqual([]);
    expect(answer.text).toMatch(/don't know/);
    expect(answer.text).toMatch(/person/);
  });

  it('strips markdown syntax and keeps lists readable', () => {
    const md = [
      '## Steps',
      '1. Open **Account > Orders**.',
      '2. Select [the order](https://e.com/orders) and `Track`.',
      '- First *tip*',
      '* Second tip',
    ].join('\n');
    expect(cleanMarkdown(md)).toBe(
      [
        'Steps',
        '1. Open Account > Orders.',
        '2. Select the order (https://e.com/orders) and Track.',
        '• First tip',
        '• Second tip',
      ].join('\n'),
    );
  });

  it('never cuts inside a list item and falls back to a word boundary with an ellipsis', () => {
    const list = 'Do this first.\n1. Select Forgot password? on the page.\n2. Enter your email address here.';
    expect(trimAtSentence(list, 60)).toBe('Do this first.\n1. Select Forgot password? on the page.');
    expect(trimAtSentence('word '.repeat(50), 40)).toMatch(/^(word ){7}word…$/);
  });
});
