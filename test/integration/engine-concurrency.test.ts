import { afterEach, describe, expect, it } from 'vitest';
import { toConversationKey } from '../../src/model/conversation-key.ts';
import type { IntentResult } from '../../src/model/understanding.ts';
import type { ClassifyInput, IntentClassifier } from '../../src/ports/intent-classifier.ts';
import { FakeChannelAdapter } from '../fakes/fake-channel-adapter.ts';
import { RecordingDesk } from '../fakes/recording-desk.ts';
import { type Harness, createHarness } from '../helpers/engine-harness.ts';
import { customerMessage, deskAction } from '../helpers/events.ts';
import { connectRedis, connectTarget, deletePrefix, redisTargets, uniquePrefix } from '../helpers/redis.ts';

/** A classifier that records the order it saw texts in and can be slowed down. */
class RecordingClassifier implements IntentClassifier {
  readonly seen: string[] = [];
  active = 0;
  maxActive = 0;
  constructor(private readonly delayMs: number) {}
  async classify(input: ClassifyInput): Promise<IntentResult> {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    this.seen.push(input.text);
    await new Promise((r) => setTimeout(r, this.delayMs));
    this.active--;
    return {
      intent: 'greeting',
      confidence: 0.9,
      signals: { sentiment: 'neutral', urgency: 'normal', humanRequested: false, language: 'en' },
      source: 'test',
    };
  }
}

const backends = [
  { name: 'memory', backend: 'memory' as const, target: undefined },
  ...redisTargets().map((target) => ({ name: `redis ${target.name}`, backend: 'redis' as const, target })),
];

describe.each(backends)('engine turn guarantees ($name)', ({ backend, target }) => {
  const harnesses: Harness[] = [];
  const prefix = uniquePrefix(`engine-${backend}`);

  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((h) => h.close()));
    if (target) {
      const redis = connectTarget(target);
      await deletePrefix(redis, prefix);
      await redis.quit();
    }
  });

  async function harness(
    options: Parameters<typeof createHarness>[0] extends infer O ? Partial<O> : never = {},
  ) {
    const h = await createHarness({ backend, prefix, ...(target ? { target } : {}), ...options });
    harnesses.push(h);
    return h;
  }

  it('answers a message delivered three times concurrently exactly once', async () => {
    const h = await harness();
    const message = customerMessage('dup', 'hello there');
    const results = await Promise.all([
      h.engine.ingest(message),
      h.engine.ingest(message),
      h.engine.ingest(message),
    ]);
    await h.queue.idle();
    expect(results.filter((r) => r === 'accepted')).toHaveLength(1);
    expect(h.adapter.repliesTo(message.id)).toHaveLength(1);
  });

  it('processes 20 concurrent messages of one conversation one at a time, in arrival order, losing no update', async () => {
    const classifier = new RecordingClassifier(5);
    const h = await harness({ classifier });
    const messages = Array.from({ length: 20 }, (_, i) => customerMessage('order', `message ${i}`));
    // Start all ingests at once; arrival order is the order the store recorded them.
    const accepted = await Promise.all(messages.map((m) => h.engine.ingest(m)));
    expect(accepted.every((r) => r === 'accepted')).toBe(true);
    await h.queue.idle();
    expect(classifier.maxActive).toBe(1);
    const context = await h.store.get(toConversationKey(messages[0]!.ref));
    const customerTurns = context?.history.filter((e) => e.role === 'customer').map((e) => e.text) ?? [];
    // Every message was processed once, in the order the store recorded them...
    expect(new Set(classifier.seen).size).toBe(20);
    expect(classifier.seen).toEqual(messages.map((m) => m.text));
    // ...and every turn's write landed on top of the previous one (the history keeps the
    // newest entries within its byte budget, so the tail must be the last ones, in order).
    expect(customerTurns.length).toBeGreaterThan(3);
    expect(customerTurns).toEqual(classifier.seen.slice(-customerTurns.length));
    for (const m of messages) expect(h.adapter.repliesTo(m.id)).toHaveLength(1);
    const replyOrder = h.adapter.sent.map((e) => messages.findIndex((m) => m.id === e.replyTo));
    expect(replyOrder).toEqual([...replyOrder].sort((a, b) => a - b));
  });

  it('stays silent to the customer while a human owns the conversation, relaying to the desk', async () => {
    const h = await harness();
    const ask = customerMessage('human', 'I want to talk to a person');
    await h.engine.ingest(ask);
    await h.queue.idle();
    expect(h.adapter.repliesTo(ask.id).map((e) => e.message.kind)).toEqual(['handoff_notice']);
    const ticketId = h.desk.of('open')[0]?.request.ticketId;
    await h.engine.ingest(deskAction('human', { type: 'claim' }, ticketId));
    const during = [
      customerMessage('human', 'hello?'),
      customerMessage('human', 'how do I reset my password'),
    ];
    for (const m of during) await h.engine.ingest(m);
    await h.queue.idle();
    for (const m of during) expect(h.adapter.repliesTo(m.id)).toEqual([]);
    expect(h.desk.of('relay').map((r) => r.text)).toEqual(['hello?', 'how do I reset my password']);
    const context = await h.store.get(toConversationKey(ask.ref));
    expect(context?.ownership.state).toBe('human');
    expect(context?.transitions.map((t) => `${t.from}>${t.to}:${t.by}`)).toEqual([
      'bot>waiting_for_human:bot',
      'waiting_for_human>human:U07STAFF001',
    ]);
  });

  it('relays staff replies, resolves, and lets the bot answer again', async () => {
    const h = await harness();
    await h.engine.ingest(customerMessage('cycle', 'a person please'));
    await h.queue.idle();
    const ticketId = h.desk.of('open')[0]?.request.ticketId;
    await h.engine.ingest(deskAction('cycle', { type: 'staff_reply', text: 'Hi, Sam here.' }, ticketId));
    await h.engine.ingest(deskAction('cycle', { type: 'resolve' }, ticketId));
    const after = customerMessage('cycle', 'hello again');
    await h.engine.ingest(after);
    await h.queue.idle();
    const texts = h.adapter.sent.map((e) => (e.message.kind === 'attachment' ? '' : e.message.text));
    expect(texts[1]).toBe('Hi, Sam here.');
    expect(h.adapter.repliesTo(after.id)).toHaveLength(1);
    expect(h.desk.of('update').map((u) => u.state)).toEqual(['human', 'resolved']);
    const context = await h.store.get(toConversationKey(after.ref));
    expect(context?.ownership.state).toBe('bot');
    expect(context?.transitions.map((t) => t.to)).toEqual(['waiting_for_human', 'human', 'resolved', 'bot']);
  });

  it('tells the customer honestly while the desk is down, and opens the handoff once it is back', async () => {
    const desk = new RecordingDesk();
    desk.down = true;
    const h = await harness({ desk });
    const ask = customerMessage('desk-down', 'a person please');
    await h.engine.ingest(ask);
    const until = async (check: () => boolean) => {
      for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
      return check();
    };
    expect(await until(() => h.adapter.repliesTo(ask.id).length >= 1)).toBe(true);
    expect(await until(() => h.adapter.sent.some((e) => e.idempotencyKey.endsWith(':desk_down')))).toBe(true);
    // The customer keeps writing; the message waits, in order, behind the handoff.
    const later = customerMessage('desk-down', 'still there?');
    await h.engine.ingest(later);
    desk.down = false;
    expect(await until(() => desk.of('relay').length === 1)).toBe(true);
    expect(desk.of('open')).toHaveLength(1);
    expect(desk.of('relay').map((r) => r.text)).toEqual(['still there?']);
    // Two messages to the customer: the handoff notice and the honest one, each once.
    expect(h.adapter.sent.map((e) => e.idempotencyKey)).toEqual([`${ask.id}:0`, `${ask.id}:1:desk_down`]);
  });

  it('retries a failed send and then delivers once', async () => {
    const adapter = new FakeChannelAdapter();
    adapter.failNext(new Error('socket hang up'));
    const h = await harness({ adapter });
    const message = customerMessage('retry', 'hello');
    await h.engine.ingest(message);
    await h.queue.idle();
    expect(h.adapter.repliesTo(message.id)).toHaveLength(1);
  });
});

describe('two engine instances on one Redis', () => {
  const prefix = uniquePrefix('two-instances');
  const harnesses: Harness[] = [];

  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((h) => h.close()));
    const redis = connectRedis();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('never both answer the same message', async () => {
    const adapterA = new FakeChannelAdapter();
    const adapterB = new FakeChannelAdapter();
    adapterA.sendDelayMs = 2;
    adapterB.sendDelayMs = 2;
    const a = await createHarness({ backend: 'redis', prefix, adapter: adapterA });
    const b = await createHarness({ backend: 'redis', prefix, adapter: adapterB });
    harnesses.push(a, b);
    const messages = Array.from({ length: 30 }, (_, i) => customerMessage(`conv-${i % 6}`, `hello ${i}`));
    // Every message is delivered to both instances, as a platform retry or a load balancer might.
    await Promise.all(messages.flatMap((m) => [a.engine.ingest(m), b.engine.ingest(m)]));
    await Promise.all([a.queue.idle(), b.queue.idle()]);
    const all = [...adapterA.sent, ...adapterB.sent];
    for (const m of messages) expect(all.filter((e) => e.replyTo === m.id)).toHaveLength(1);
    expect(all).toHaveLength(30);
  });
});
