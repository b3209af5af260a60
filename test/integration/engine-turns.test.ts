import { afterEach, describe, expect, it } from 'vitest';
import { orderStatusFlow } from '../../flows/order-status/flow.ts';
import { ReplyWindowClosedError } from '../../src/errors.ts';
import { toConversationKey } from '../../src/model/conversation-key.ts';
import { outboundText } from '../../src/model/outbound-message.ts';
import { FakeChannelAdapter } from '../fakes/fake-channel-adapter.ts';
import { WordOverlapRetriever } from '../fakes/fake-understanding.ts';
import { type Harness, createHarness } from '../helpers/engine-harness.ts';
import { customerMessage, deskAction } from '../helpers/events.ts';

describe('engine turns (memory backend)', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  async function say(conversation: string, text: string, extra: Parameters<typeof customerMessage>[2] = {}) {
    const m = customerMessage(conversation, text, extra);
    await h.engine.ingest(m);
    await h.queue.idle();
    return h.adapter.repliesTo(m.id).map((e) => e.message);
  }

  it('runs a flow across turns and keeps its slot', async () => {
    h = await createHarness({ backend: 'memory', flows: [orderStatusFlow] });
    expect(outboundText((await say('f', 'where is my order?'))[0]!)).toMatch(/order number/);
    expect(outboundText((await say('f', 'A1234'))[0]!)).toContain('A1234');
    const context = await h.store.get(toConversationKey(customerMessage('f', '').ref));
    expect(context?.flow).toBeNull();
    expect(context?.slots.order_id).toBe('A1234');
  });

  it('offers a person when it cannot answer, and hands off after two misses in a row', async () => {
    h = await createHarness({ backend: 'memory' });
    const first = await say('u', 'zebra quantum flux');
    expect(first[0]).toMatchObject({
      kind: 'choices',
      choices: [{ id: 'sb:handoff' }, { id: 'sb:dismiss' }],
    });
    const second = await say('u', 'purple elephant');
    expect(second[0]?.kind).toBe('handoff_notice');
    expect(h.desk.of('open')[0]?.request.reason).toMatch(/2 turns/);
  });

  it('maps a typed number onto the choices it offered', async () => {
    h = await createHarness({ backend: 'memory' });
    await say('n', 'zebra quantum flux');
    const replies = await say('n', '1');
    expect(replies[0]?.kind).toBe('handoff_notice');
  });

  it('asks which article when retrieval is unsure, and answers the picked one', async () => {
    const retriever = new WordOverlapRetriever([
      { id: 'a', title: 'Card fees', text: 'fees for cards abroad' },
      { id: 'b', title: 'Transfer fees', text: 'fees for transfers' },
    ]);
    h = await createHarness({
      backend: 'memory',
      retriever,
      settings: { answerThreshold: 0.9, clarifyThreshold: 0.3 },
    });
    const replies = await say('c', 'what fees apply for transfers abroad');
    expect(replies[0]).toMatchObject({
      kind: 'choices',
      choices: [{ id: 'sb:kb:a' }, { id: 'sb:kb:b' }, { id: 'sb:handoff' }],
    });
    const picked = await say('c', 'Card fees', { choiceId: 'sb:kb:a' });
    expect(picked[0]).toMatchObject({ kind: 'text', text: 'fees for cards abroad' });
  });

  it('tells staff when a staff reply cannot be delivered, without retrying it forever', async () => {
    const adapter = new FakeChannelAdapter();
    h = await createHarness({ backend: 'memory', adapter });
    await say('w', 'a person please');
    adapter.failNext(new ReplyWindowClosedError());
    const ticketId = h.desk.of('open')[0]?.request.ticketId;
    await h.engine.ingest(
      deskAction('w', { type: 'staff_reply', text: 'late reply' }, ticketId, 'U1', {
        replyContext: { ts: '1.2' },
      }),
    );
    await h.queue.idle();
    const notices = h.desk.of('notify');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.notice).toMatchObject({ kind: 'delivery_failed', code: 'reply_window_closed' });
    expect(notices[0]?.ticket?.id).toBe(ticketId);
    expect(adapter.sent.some((e) => outboundText(e.message) === 'late reply')).toBe(false);
    // Not confirmed as delivered either.
    expect(h.desk.of('confirm')).toHaveLength(0);
  });

  it('dead-letters an event that keeps failing and tells staff', async () => {
    const adapter = new FakeChannelAdapter();
    h = await createHarness({ backend: 'memory', adapter });
    await say('d', 'a person please');
    for (let i = 0; i < 3; i++) adapter.failNext(new Error('platform down'));
    const ticketId = h.desk.of('open')[0]?.request.ticketId;
    await h.engine.ingest(deskAction('d', { type: 'staff_reply', text: 'are you there?' }, ticketId));
    await h.queue.idle();
    expect(h.desk.of('notify').at(-1)?.notice.text).toMatch(/could not be processed/);
  });

  it('answers a stale desk action to the staff member instead of dropping it', async () => {
    h = await createHarness({ backend: 'memory' });
    await h.engine.ingest(
      deskAction('s', { type: 'resolve' }, 't-nothing', 'U1', { replyContext: { channel: 'C1' } }),
    );
    await h.queue.idle();
    expect(await h.store.get(toConversationKey(customerMessage('s', '').ref))).toMatchObject({
      ownership: { state: 'bot' },
    });
    const rejections = h.desk.of('reject');
    expect(rejections).toHaveLength(1);
    expect(rejections[0]?.rejection).toMatchObject({ action: 'resolve', replyContext: { channel: 'C1' } });
  });

  it('hands the desk a customer profile with the display name when it opens a handoff', async () => {
    h = await createHarness({ backend: 'memory' });
    await say('p', 'hello');
    await say('p', 'a person please');
    expect(h.desk.of('open')[0]?.request.profile).toMatchObject({
      displayName: 'Ada',
      platformIds: { fake: 'p' },
    });
  });
});
