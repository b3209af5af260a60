import nock from 'nock';
import { describe, expect, it } from 'vitest';
import {
  NO_ANSWER_SENTINEL,
  type RagAnswerGeneratorOptions,
  createRagAnswerGenerator,
} from '../../../src/knowledge/llm/rag-answer-generator.ts';
import type { KbAnswer, KbHit } from '../../../src/model/understanding.ts';
import type { AnswerGenerator, AnswerInput } from '../../../src/ports/knowledge-retriever.ts';
import {
  API_KEY,
  type ChatRequestBody,
  OPENAI_BASE_URL,
  OPENAI_ORIGIN,
  apiError,
  chatCompletion,
  interceptChat,
  recordingLogger,
} from './openai-fixtures.ts';

const HITS: readonly KbHit[] = [
  {
    id: 'refund-policy',
    chunkId: 'refund-policy#2',
    title: 'Refund policy',
    url: 'https://help.example.com/refunds',
    heading: 'Refunds > Timing',
    text: 'Refunds are issued to the original payment method within 5 business days of approval.',
    score: 0.82,
  },
  {
    id: 'refund-policy',
    chunkId: 'refund-policy#3',
    title: 'Refund policy',
    url: 'https://help.example.com/refunds',
    heading: 'Refunds > Exceptions',
    text: 'Gift cards cannot be refunded.',
    score: 0.64,
  },
  {
    id: 'order-tracking',
    chunkId: 'order-tracking#1',
    title: 'Tracking your order',
    text: 'Open Orders in your account to see the status of a refund or a delivery.',
    score: 0.51,
  },
];

/** The local path the generator delegates to; it marks its answers so tests can tell who answered. */
class LocalAnswers implements AnswerGenerator {
  readonly calls: AnswerInput[] = [];
  async answer(input: AnswerInput): Promise<KbAnswer> {
    this.calls.push(input);
    const top = input.hits[0];
    if (top === undefined)
      return { text: 'local: no match', citations: [], grounded: false, source: 'local' };
    return {
      text: `local: ${top.text}`,
      citations: [{ id: top.id, title: top.title }],
      grounded: true,
      source: 'local',
    };
  }
}

function setup(overrides: Partial<RagAnswerGeneratorOptions> = {}) {
  const fallback = new LocalAnswers();
  const logger = recordingLogger();
  const generator = createRagAnswerGenerator({
    apiKey: API_KEY,
    baseURL: OPENAI_BASE_URL,
    model: 'gpt-4o-mini',
    timeoutMs: 2_000,
    maxRetries: 0,
    fallback,
    logger,
    ...overrides,
  });
  return { generator, fallback, logger };
}

describe('RagAnswerGenerator (OpenAI through nock)', () => {
  it('puts the numbered chunks in the prompt and parses the answer and its citations', async () => {
    const { generator, fallback, logger } = setup();
    const chat = interceptChat(
      200,
      chatCompletion(
        'Refunds go back to your original payment method within 5 business days [1]. ' +
          'You can follow it under Orders in your account [3].',
      ),
    );

    const answer = await generator.answer({
      question: 'When do I get my refund?',
      hits: HITS,
      history: [{ role: 'customer', text: 'I returned my shoes last week', at: 1 }],
    });

    const body = chat.body();
    const [system, user] = body.messages;
    expect(body.model).toBe('gpt-4o-mini');
    expect(system?.role).toBe('system');
    expect(system?.content).toContain(NO_ANSWER_SENTINEL);
    expect(system?.content).toContain('at most 700 characters');
    expect(user?.role).toBe('user');
    expect(user?.content).toContain('[1] Refund policy > Refunds > Timing');
    expect(user?.content).toContain(HITS[0]?.text);
    expect(user?.content).toContain('[2] Refund policy > Refunds > Exceptions');
    expect(user?.content).toContain(HITS[1]?.text);
    expect(user?.content).toContain('[3] Tracking your order');
    expect(user?.content).toContain(HITS[2]?.text);
    expect(user?.content).toContain('Customer: I returned my shoes last week');
    expect(user?.content).toContain('Customer question: When do I get my refund?');

    // Chunk [3] belongs to the second article cited, so it is renumbered [2] to match the citation list.
    expect(answer).toEqual({
      text:
        'Refunds go back to your original payment method within 5 business days [1]. ' +
        'You can follow it under Orders in your account [2].',
      citations: [
        { id: 'refund-policy', title: 'Refund policy', url: 'https://help.example.com/refunds' },
        { id: 'order-tracking', title: 'Tracking your order' },
      ],
      grounded: true,
      source: 'llm',
    });
    expect(fallback.calls).toHaveLength(0);
    expect(logger.entries.filter((e) => e.level === 'warn')).toEqual([]);
  });

  it('cites an article once even when several of its chunks are cited', async () => {
    const { generator } = setup();
    interceptChat(
      200,
      chatCompletion('Refunds take 5 business days [1], but gift cards are not refunded [1, 2].'),
    );

    const answer = await generator.answer({ question: 'Can I refund a gift card?', hits: HITS });

    expect(answer.text).toBe('Refunds take 5 business days [1], but gift cards are not refunded [1].');
    expect(answer.citations).toEqual([
      { id: 'refund-policy', title: 'Refund policy', url: 'https://help.example.com/refunds' },
    ]);
  });

  it('cites the top hit when the model answers without citing', async () => {
    const { generator } = setup();
    interceptChat(200, chatCompletion('Open Orders in your account to follow your refund.'));

    const answer = await generator.answer({ question: 'Where do I see my refund?', hits: HITS });

    expect(answer.grounded).toBe(true);
    expect(answer.citations.map((c) => c.id)).toEqual(['refund-policy']);
  });

  it('returns grounded: false with an honest reply when the model says NO_ANSWER', async () => {
    const { generator, fallback } = setup();
    interceptChat(200, chatCompletion(NO_ANSWER_SENTINEL));

    const answer = await generator.answer({ question: 'Do you ship to Mars?', hits: HITS });

    expect(answer.grounded).toBe(false);
    expect(answer.citations).toEqual([]);
    expect(answer.source).toBe('llm');
    expect(answer.text).toMatch(/don't know/i);
    expect(answer.text).not.toContain(NO_ANSWER_SENTINEL);
    expect(fallback.calls).toHaveLength(0);
  });

  it('keeps the reply within the channel limit and drops citations whose markers were cut', async () => {
    const { generator } = setup();
    const chat = interceptChat(
      200,
      chatCompletion(
        'Refunds go back to your original payment method within 5 business days [1]. ' +
          'You can follow the refund under Orders in your account at any time [3].',
      ),
    );

    const answer = await generator.answer({
      question: 'When do I get my refund?',
      hits: HITS,
      maxLength: 100,
    });

    expect(chat.body().messages[0]?.content).toContain('at most 100 characters');
    expect(answer.text).toBe('Refunds go back to your original payment method within 5 business days [1].');
    expect(answer.text.length).toBeLessThanOrEqual(100);
    expect(answer.citations.map((c) => c.id)).toEqual(['refund-policy']);
  });

  it('does not call the LLM when there are no hits: the fallback answers', async () => {
    const { generator, fallback, logger } = setup();

    const answer = await generator.answer({ question: 'Hello?', hits: [] });

    // No interceptor is registered and net connect is disabled, so a request would have failed and warned.
    expect(answer).toEqual({ text: 'local: no match', citations: [], grounded: false, source: 'local' });
    expect(fallback.calls).toHaveLength(1);
    expect(logger.entries).toEqual([]);
  });

  it('falls back to the local generator on HTTP 500 after its bounded retries', async () => {
    const { generator, fallback, logger } = setup({ maxRetries: 1 });
    const scope = nock(OPENAI_ORIGIN)
      .post('/v1/chat/completions')
      .times(2)
      .reply(500, apiError('The server had an error while processing your request.', 'server_error', null));

    const answer = await generator.answer({ question: 'When do I get my refund?', hits: HITS });

    expect(scope.isDone()).toBe(true);
    expect(answer.source).toBe('local');
    expect(answer.text).toBe(`local: ${HITS[0]?.text}`);
    expect(fallback.calls).toHaveLength(1);
    const warnings = logger.entries.filter((e) => e.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toMatchObject({
      code: 'retrieval_failed',
      reason: 'http_error',
      status: 500,
    });
    expect(JSON.stringify(logger.entries)).not.toContain(API_KEY);
  });

  it('recovers within its retries when a 500 is followed by a good reply', async () => {
    const { generator, fallback } = setup({ maxRetries: 1 });
    nock(OPENAI_ORIGIN)
      .post('/v1/chat/completions')
      .reply(500, apiError('The server had an error while processing your request.', 'server_error', null))
      .post('/v1/chat/completions')
      .reply(200, chatCompletion('Refunds take 5 business days [1].'));

    const answer = await generator.answer({ question: 'When do I get my refund?', hits: HITS });

    expect(answer.source).toBe('llm');
    expect(answer.text).toBe('Refunds take 5 business days [1].');
    expect(fallback.calls).toHaveLength(0);
  });

  it('falls back when the model returns an empty reply', async () => {
    const { generator, logger } = setup();
    interceptChat(200, chatCompletion(''));

    const answer = await generator.answer({ question: 'When do I get my refund?', hits: HITS });

    expect(answer.source).toBe('local');
    expect(logger.entries.find((e) => e.level === 'warn')?.fields).toMatchObject({
      reason: 'malformed_output',
    });
  });

  it('falls back on a timeout', async () => {
    const { generator, logger } = setup({ timeoutMs: 50 });
    nock(OPENAI_ORIGIN).post('/v1/chat/completions').delay(500).reply(200, chatCompletion('late [1]'));

    const answer = await generator.answer({ question: 'When do I get my refund?', hits: HITS });

    expect(answer.source).toBe('local');
    expect(logger.entries.find((e) => e.level === 'warn')?.fields).toMatchObject({ code: 'timeout' });
  });
});
