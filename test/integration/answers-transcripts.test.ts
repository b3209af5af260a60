import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { orderStatusFlow } from '../../flows/order-status/flow.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logging/pino-logger.ts';
import { toConversationKey } from '../../src/model/conversation-key.ts';
import { type OutboundMessage, outboundText } from '../../src/model/outbound-message.ts';
import { type Understanding, createUnderstanding } from '../../src/understanding.ts';
import { type Harness, createHarness } from '../helpers/engine-harness.ts';
import { customerMessage } from '../helpers/events.ts';

/**
 * Whole conversations on the local path (no key): the real intent classifier, the real kb/
 * retriever with intent ↔ article links, the real order-status flow and the real copy files,
 * through the real engine on the memory backend. The desk is the recording fake, so handoffs
 * (and their priority and language) are counted where they happen.
 */
describe('answer transcripts (local path)', () => {
  let understanding: Understanding;
  let h: Harness;

  beforeAll(async () => {
    understanding = await createUnderstanding(loadConfig({ LOG_LEVEL: 'silent' }), silentLogger);
  });
  afterEach(async () => {
    await h.close();
  });

  const start = async (): Promise<void> => {
    h = await createHarness({
      backend: 'memory',
      classifier: understanding.classifier,
      retriever: understanding.retriever,
      flows: [orderStatusFlow],
    });
  };

  async function say(
    conversation: string,
    text: string,
    extra: Parameters<typeof customerMessage>[2] = {},
  ): Promise<OutboundMessage[]> {
    const m = customerMessage(conversation, text, extra);
    await h.engine.ingest(m);
    await h.queue.idle();
    return h.adapter.repliesTo(m.id).map((e) => e.message);
  }
  const texts = (replies: readonly OutboundMessage[]): string[] => replies.map((r) => outboundText(r));
  const choiceIds = (reply: OutboundMessage | undefined): string[] =>
    reply?.kind === 'choices' ? reply.choices.map((c) => c.id) : [];
  const contextOf = (conversation: string) =>
    h.store.get(toConversationKey(customerMessage(conversation, '').ref));

  it('answers a KB question asked mid-flow, reminds the customer of the flow, and resumes it', async () => {
    await start();
    expect(texts(await say('esc', 'where is my order?'))[0]).toMatch(/order number/);

    const escaped = await say('esc', 'actually how do I reset my password');
    expect(escaped).toHaveLength(2);
    expect(escaped[0]).toMatchObject({ citations: [{ id: 'reset-password' }] });
    expect(outboundText(escaped[0] as OutboundMessage)).toMatch(/Forgot password/);
    expect(outboundText(escaped[1] as OutboundMessage)).toMatch(/in the middle of checking on your order/);
    expect(choiceIds(escaped[1])).toEqual(['sb:flow:continue', 'sb:flow:cancel']);
    expect((await contextOf('esc'))?.flow?.flowId).toBe('order-status');
    expect(h.desk.of('open')).toHaveLength(0);

    const resumed = await say('esc', 'Yes, continue');
    expect(texts(resumed)[0]).toMatch(/order number/);
    const done = await say('esc', 'A12345');
    expect(texts(done)[0]).toContain('A12345');
    expect((await contextOf('esc'))?.flow).toBeNull();
    expect(h.desk.of('open')).toHaveLength(0);
  });

  it("answers a tracking question from the article when the flow's intent is unsure, and starts the flow when it is sure", async () => {
    await start();
    const unsure = await say('trk', 'the tracking has not moved since monday, is that normal?');
    expect(unsure[0]).toMatchObject({ citations: [{ id: 'track-order' }] });
    expect((await contextOf('trk'))?.flow).toBeNull();
    expect(texts(await say('sure', 'where is my order?'))[0]).toMatch(/order number/);
    expect((await contextOf('sure'))?.flow?.flowId).toBe('order-status');
  });

  it("marks the article classifier's vote on the retrieved article it ranks first", async () => {
    const hits = await understanding.retriever.search(
      'is it too late to send my boots back, got them in march',
    );
    const voted = hits.filter((h) => h.vote !== undefined);
    expect(voted.map((h) => h.id)).toEqual(['return-policy']);
    expect(voted[0]?.vote).toBeGreaterThan(0.5);
  });

  it('still takes an answer to the flow question as one, not as a new question', async () => {
    await start();
    await say('keep', 'where is my order?');
    expect(texts(await say('keep', 'it is B77821'))[0]).toContain('B77821');
  });

  it.each(['cancel', 'stop', 'start over', 'never mind'])('leaves the flow on "%s"', async (command) => {
    await start();
    await say('cxl', 'where is my order?');
    const replies = await say('cxl', command);
    expect(texts(replies)).toEqual([expect.stringMatching(/I've stopped that/)]);
    expect((await contextOf('cxl'))?.flow).toBeNull();
    // The flow is gone: a later order number is not taken as its answer.
    expect(texts(await say('cxl', 'A12345'))[0]).not.toMatch(/follow order A12345/);
    expect(h.desk.of('open')).toHaveLength(0);
  });

  it('does not take "cancel my order" for the cancel command', async () => {
    await start();
    const replies = await say('co', 'how do I cancel my order?');
    expect(replies[0]).toMatchObject({ citations: [{ id: 'cancel-or-change-order' }] });
  });

  it('apologises for a complaint and offers a person; choosing one hands off with high priority', async () => {
    await start();
    const apology = await say('cmp', 'you guys are useless, this is the worst service');
    expect(apology).toHaveLength(1);
    expect(outboundText(apology[0] as OutboundMessage)).toMatch(/really sorry/);
    expect(choiceIds(apology[0])).toEqual(['sb:handoff:priority', 'sb:dismiss']);
    expect(h.desk.of('open')).toHaveLength(0);

    const handed = await say('cmp', '1');
    expect(handed[0]).toMatchObject({ kind: 'handoff_notice' });
    expect(outboundText(handed[0] as OutboundMessage)).toMatch(/priority/);
    const opened = h.desk.of('open');
    expect(opened).toHaveLength(1);
    expect(opened[0]?.request.priority).toBe('high');
  });

  it('hands an angry, urgent complaint straight to a person with urgent priority and an apology', async () => {
    await start();
    const replies = await say('urg', 'worst service ever, I want my money back NOW!!!');
    expect(replies[0]).toMatchObject({ kind: 'handoff_notice' });
    expect(outboundText(replies[0] as OutboundMessage)).toMatch(/sorry/);
    expect(h.desk.of('open')[0]?.request.priority).toBe('urgent');
  });

  it('answers an angry statement about a support topic with an apology, the article and a person', async () => {
    await start();
    const replies = await say(
      'angry',
      'sent the boots back two weeks ago and still no refund. this is ridiculous',
    );
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ kind: 'choices', citations: [{ id: 'refund-timing' }] });
    expect(outboundText(replies[0] as OutboundMessage)).toMatch(/^I'm sorry about the trouble/);
    expect(choiceIds(replies[0])).toEqual(['sb:handoff:priority']);
    expect(h.desk.of('open')).toHaveLength(0);
  });

  it('meets an angry statement about a topic the knowledge base cannot answer with the apology and a person', async () => {
    h = await createHarness({
      backend: 'memory',
      // A confident support intent with a complaint, and a knowledge base with nothing on it.
      classifier: {
        classify: async () => ({
          intent: 'refund_status',
          confidence: 0.9,
          signals: {
            sentiment: 'negative',
            urgency: 'normal',
            humanRequested: false,
            language: 'en',
            complaint: true,
          },
          source: 'test',
        }),
      },
      retriever: { search: async () => [], article: async () => [] },
      flows: [orderStatusFlow],
    });
    const replies = await say('angry-unknown', 'still no refund for the boots, this is a joke');
    expect(outboundText(replies[0] as OutboundMessage)).toMatch(/really sorry/);
    expect(choiceIds(replies[0])).toEqual(['sb:handoff:priority', 'sb:dismiss']);
    expect((await contextOf('angry-unknown'))?.failedTurns).toBe(0);
  });

  it("treats a question about another company's service as off-topic, however well it matches an article", async () => {
    await start();
    for (const text of [
      'how do i cancel my netflix subscription',
      'how do I return something to Amazon?',
      'how do i reset my paypal password',
    ]) {
      const replies = await say('other', text);
      expect(replies).toHaveLength(1);
      expect(replies[0]).not.toHaveProperty('citations');
      expect(outboundText(replies[0] as OutboundMessage)).toMatch(/only able to help with Brightcart/);
    }
    // The same words about our own service are answered.
    const ours = await say('ours', 'how do i cancel my subscription');
    expect(ours[0]).toMatchObject({ citations: [{ id: 'cancel-subscription' }] });
    // Paying with PayPal is ours; only the customer's PayPal account itself is somebody else's.
    const paypal = await say('pay', 'can i pay with paypal');
    expect(paypal[0]).toMatchObject({ citations: [{ id: 'payment-methods' }] });
    expect(h.desk.of('open')).toHaveLength(0);
  });

  it('answers two off-topic messages with what it can help with, and does not hand off', async () => {
    await start();
    for (const text of ['what is the weather in Paris tomorrow?', 'tell me a joke']) {
      const replies = await say('off', text);
      expect(replies).toHaveLength(1);
      expect(outboundText(replies[0] as OutboundMessage)).toMatch(/only able to help with Brightcart/);
      expect(choiceIds(replies[0])).toContain('sb:kb:track-order');
      expect(choiceIds(replies[0])).toContain('sb:handoff');
    }
    expect(h.desk.of('open')).toHaveLength(0);
    expect((await contextOf('off'))?.ownership.state).toBe('bot');
    // A topic choice opens its article.
    const topic = await say('off', 'Track my order', { choiceId: 'sb:kb:track-order' });
    expect(topic[0]).toMatchObject({ citations: [{ id: 'track-order' }] });
  });

  it('greets in Spanish and hands a Spanish question to a person, with the language on the ticket', async () => {
    await start();
    const hello = await say('es', 'hola');
    expect(texts(hello)).toEqual([expect.stringMatching(/^¡Hola! Soy el asistente/)]);
    const question = await say('es', '¿cómo cambio mi contraseña?');
    expect(question[0]).toMatchObject({ kind: 'handoff_notice' });
    expect(outboundText(question[0] as OutboundMessage)).toMatch(/solo puedo responder eso en inglés/);
    const opened = h.desk.of('open');
    expect(opened).toHaveLength(1);
    expect(opened[0]?.request.understanding?.signals.language).toBe('es');
    expect(opened[0]?.request.reason).toMatch(/writes in es/);
  });

  it.each([
    ['es', 'hola, ¿hacéis envíos a México?'],
    ['de', 'Hallo, wie lange dauert der Versand?'],
  ])('takes a %s hello followed by a question in one message as the question', async (language, text) => {
    await start();
    const replies = await say('hello-q', text);
    expect(replies[0]).toMatchObject({ kind: 'handoff_notice' });
    expect(h.desk.of('open')[0]?.request.understanding?.signals.language).toBe(language);
  });

  it('still greets back a hello that asks how the bot is', async () => {
    await start();
    expect(texts(await say('hru', 'hi, how are you?'))).toEqual([
      expect.stringMatching(/^Hi! I'm the Brightcart assistant/),
    ]);
  });

  it('never tells the customer to contact support: the double-charge answer offers a person instead', async () => {
    await start();
    const replies = await say('dc', 'I see two charges on my card for the same order');
    expect(replies[0]).toMatchObject({ citations: [{ id: 'double-charge' }] });
    expect(outboundText(replies[0] as OutboundMessage)).not.toMatch(/contact (us|support)|support@/i);
  });
});
