import { describe, expect, it } from 'vitest';
import {
  ExtractiveAnswerGenerator,
  cleanMarkdown,
  selectPassage,
  trimAtSentence,
  withoutContactSentences,
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

describe('answers composed for chat', () => {
  const generator = new ExtractiveAnswerGenerator();

  it('leaves out sentences that send the customer to support, and says a person should be offered', async () => {
    const answer = await generator.answer({
      question: 'my refund has not arrived',
      hits: [
        hit(
          'Banks take 5-10 business days. If 10 business days have passed, contact us and we will trace it. Refunds show as a separate line.',
        ),
      ],
    });
    expect(answer.text).toBe('Banks take 5-10 business days. Refunds show as a separate line.');
    expect(answer.offerHandoff).toBe(true);
  });

  it('drops a list item that is only a contact instruction, with its marker', () => {
    const { text, removedContact } = withoutContactSentences(
      '1. Open Account > Billing.\n2. Email support@brightcart.example with the number.\n3. We refund it.',
    );
    expect(text).toBe('1. Open Account > Billing.\n3. We refund it.');
    expect(removedContact).toBe(true);
  });

  it('keeps text that only mentions support without sending the customer there', async () => {
    const answer = await generator.answer({
      question: 'what is the request id',
      hits: [hit('Every error has a request_id to quote when contacting support.')],
    });
    expect(answer.text).toContain('request_id');
    expect(answer.offerHandoff).toBeUndefined();
  });

  it('quotes the block that answers the question, not the start of a long section', () => {
    const section = [
      'Refunds go back to the original payment method once the return is inspected at our warehouse.',
      'Card refunds take 5-10 business days to appear on your statement, depending on your bank.',
      'PayPal refunds usually arrive within 2 business days of the refund email.',
      'Gift card refunds are credited back to the gift card instantly, with no waiting time at all.',
    ].join('\n\n');
    const passage = selectPassage(section, 'how long does a paypal refund take', 200);
    expect(passage.startsWith('PayPal refunds usually arrive')).toBe(true);
    expect(passage.length).toBeLessThanOrEqual(200);
  });

  it('keeps the sentence that introduces a list with the list', () => {
    const section = `${'Intro text that is long enough to push the list past the budget. '.repeat(3)}\n\nYour options are:\n\n• Refuse the delivery and we refund it.\n• Return it within 30 days.`;
    expect(selectPassage(section, 'can I refuse the delivery', 120)).toMatch(
      /^Your options are:\n\n• Refuse/,
    );
  });

  it('returns a section that fits as it is', () => {
    expect(selectPassage('Short answer. Second sentence.', 'anything', 200)).toBe(
      'Short answer. Second sentence.',
    );
  });
});
