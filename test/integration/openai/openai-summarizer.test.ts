import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAiSummarizer } from '../../../src/knowledge/llm/openai-summarizer.ts';
import type { HistoryEntry } from '../../../src/model/context.ts';
import type { ConversationSummarizer } from '../../../src/ports/summarizer.ts';
import { type Harness, createHarness } from '../../helpers/engine-harness.ts';
import { customerMessage } from '../../helpers/events.ts';
import { API_KEY, OPENAI_BASE_URL, apiError, chatCompletion, interceptChat } from './openai-fixtures.ts';

const history: HistoryEntry[] = [
  { role: 'customer', text: 'my order A1234 never arrived', at: 1 },
  { role: 'bot', text: 'Sorry to hear that. Tracking shows it was delivered.', at: 2 },
  { role: 'system', text: 'handoff', at: 3 },
  { role: 'customer', text: 'it was not, I want a person', at: 4 },
];

describe('card summaries by an LLM', () => {
  const summarizer = createOpenAiSummarizer({ apiKey: API_KEY, baseURL: OPENAI_BASE_URL, maxRetries: 0 });

  it('summarises the conversation for the agent, from customer and bot lines only', async () => {
    const chat = interceptChat(
      200,
      chatCompletion('  Order A1234 marked delivered but not received; wants a person.  '),
    );
    expect(await summarizer.summarize(history)).toBe(
      'Order A1234 marked delivered but not received; wants a person.',
    );
    const user = chat.body().messages.at(-1)?.content ?? '';
    expect(user).toContain('Customer: my order A1234 never arrived');
    expect(user).toContain('Bot: Sorry to hear that.');
    expect(user).not.toContain('handoff');
  });

  it('throws when the API fails, so the desk can fall back', async () => {
    interceptChat(500, apiError('boom', 'server_error', null));
    await expect(summarizer.summarize(history)).rejects.toThrow();
  });
});

describe('the engine hands the summary to the desk', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
  });

  const fixed = (result: string | Error): ConversationSummarizer => ({
    async summarize() {
      if (result instanceof Error) throw result;
      return result;
    },
  });

  it('puts the model summary on the handoff request', async () => {
    h = await createHarness({ backend: 'memory', summarizer: fixed('Wants a refund for A1234.') });
    await h.engine.ingest(customerMessage('sum', 'a person please'));
    await h.queue.idle();
    expect(h.desk.of('open')[0]?.request.summary).toBe('Wants a refund for A1234.');
  });

  it('still opens the handoff, without a summary, when summarising fails', async () => {
    h = await createHarness({ backend: 'memory', summarizer: fixed(new Error('timeout')) });
    await h.engine.ingest(customerMessage('sum2', 'a person please'));
    await h.queue.idle();
    const open = h.desk.of('open');
    expect(open).toHaveLength(1);
    expect(open[0]?.request.summary).toBeUndefined();
  });
});
