import { afterEach, describe, expect, it } from 'vitest';
import { PlatformApiError, RateLimitedError, UndeliverableError } from '../../src/errors.ts';
import type { HandoffTicket } from '../../src/model/ownership.ts';
import {
  type SlackHarness,
  type SlackHarnessOptions,
  startSlackHarness,
} from '../fakes/fake-slack-harness.ts';
import { slackTicket } from '../fakes/fake-slack-ticket.ts';
import { FAKE_SLACK } from '../fakes/fake-slack.ts';
import { contextFor } from '../unit/desk/requests.ts';

let harness: SlackHarness | undefined;
async function start(options: SlackHarnessOptions = {}): Promise<SlackHarness> {
  harness = await startSlackHarness({ http: false, ...options });
  return harness;
}
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

type Block = {
  type: string;
  text?: { text: string };
  elements?: { action_id: string }[];
  fields?: { text: string }[];
};
const actionIds = (blocks: unknown) =>
  ((blocks ?? []) as Block[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements?.map((e) => e.action_id) ?? []);

const handoff = (overrides: Partial<HandoffTicket> = {}): HandoffTicket => ({
  id: 'hf_8f3k2',
  openedAt: 1767229000000,
  reason: 'customer asked for a person',
  escalationLevel: 0,
  ...overrides,
});

describe('the Slack desk face, driven by the desk core', () => {
  it('posts one card per ticket to the triage channel, with a text fallback and the three buttons', async () => {
    const h = await start();
    const ticket = await h.openTicket();
    const posts = h.fake.callsOf('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.token).toBe('xoxb-test-token');
    expect(posts[0]?.args).toMatchObject({
      channel: FAKE_SLACK.triage,
      text: expect.stringContaining('hf_8f3k2'),
    });
    expect(actionIds(posts[0]?.args.blocks)).toEqual([
      'handoff_claim',
      'handoff_resolve',
      'handoff_escalate',
    ]);
    expect(JSON.stringify(posts[0]?.args.blocks)).toContain('order_status (82%)');
    expect(ticket.deskRefs.slack).toEqual({ channel: FAKE_SLACK.triage, ts: '1767229000.000200' });
    expect(
      await h.desk.findByDeskRef('slack', { channel: FAKE_SLACK.triage, ts: '1767229000.000200' }),
    ).toMatchObject({ id: 'hf_8f3k2' });
  });

  it('does not post twice for a repeated key', async () => {
    const h = await start();
    const ticket = slackTicket();
    const first = await h.slack.face.postCard(ticket, 'eff-1');
    const second = await h.slack.face.postCard(ticket, 'eff-1');
    expect(second).toEqual(first);
    await h.slack.face.postInThread(
      { ...ticket, deskRefs: { slack: first } },
      { from: 'customer', text: 'hi', at: 1 },
      'eff-2',
    );
    await h.slack.face.postInThread(
      { ...ticket, deskRefs: { slack: first } },
      { from: 'customer', text: 'hi', at: 1 },
      'eff-2',
    );
    expect(h.fake.callsOf('chat.postMessage')).toHaveLength(2);
  });

  it('relays customer messages into the thread, escaped', async () => {
    const h = await start();
    await h.openTicket();
    const context = contextFor('447700900123');
    await h.desk.relayCustomerMessage(
      handoff(),
      {
        kind: 'message',
        id: 'wamid.1',
        ref: context.ref,
        at: 1767229100000,
        from: { id: '447700900123', role: 'customer' },
        text: 'still nothing <!channel> @here',
      },
      context,
      'relay-1',
    );
    const [, relay] = h.fake.callsOf('chat.postMessage');
    expect(relay?.args).toMatchObject({ channel: FAKE_SLACK.triage, thread_ts: '1767229000.000200' });
    expect(relay?.args.text).toContain('still nothing &lt;!channel&gt; @\u200Bhere');
    expect(String(relay?.args.text)).not.toContain('<!channel>');
  });

  it('updates the card in place: claimed by whom (no Claim button), then resolved (no buttons)', async () => {
    const h = await start();
    await h.openTicket();
    const context = contextFor('447700900123');
    await h.desk.update(
      handoff({ assignee: FAKE_SLACK.staff }),
      { state: 'human', since: 1 },
      context,
      'upd-1',
    );
    await h.desk.update(
      handoff({ assignee: FAKE_SLACK.staff }),
      { state: 'resolved', since: 2 },
      context,
      'upd-2',
    );
    const updates = h.fake.callsOf('chat.update');
    expect(updates.map((u) => [u.args.channel, u.args.ts])).toEqual([
      [FAKE_SLACK.triage, '1767229000.000200'],
      [FAKE_SLACK.triage, '1767229000.000200'],
    ]);
    expect(actionIds(updates[0]?.args.blocks)).toEqual(['handoff_resolve', 'handoff_escalate']);
    expect(JSON.stringify(updates[0]?.args.blocks)).toContain(`Claimed by <@${FAKE_SLACK.staff}>`);
    expect(actionIds(updates[1]?.args.blocks)).toEqual([]);
    expect(JSON.stringify(updates[1]?.args.blocks)).toContain(`Resolved by <@${FAKE_SLACK.staff}> after`);
    expect(updates[1]?.args.text).toEqual(expect.any(String));
  });

  it('announces an escalation in SLACK_ESCALATION_CHANNEL with a link to the thread', async () => {
    const h = await start({ escalationChannel: FAKE_SLACK.escalation });
    await h.openTicket();
    await h.desk.update(
      handoff({ escalationLevel: 1, priority: 'urgent' }),
      { state: 'waiting_for_human', since: 1 },
      contextFor('447700900123'),
      'esc-1',
    );
    expect(h.fake.callsOf('chat.getPermalink').map((c) => c.args)).toEqual([
      { channel: FAKE_SLACK.triage, message_ts: '1767229000.000200' },
    ]);
    const announcement = h.fake
      .callsOf('chat.postMessage')
      .find((c) => c.args.channel === FAKE_SLACK.escalation);
    expect(JSON.stringify(announcement?.args.blocks)).toContain(
      `<https://acme-support.slack.com/archives/${FAKE_SLACK.triage}/p1767229000000200|Open the thread>`,
    );
  });

  it('broadcasts the escalation from the thread when no escalation channel is set', async () => {
    const h = await start();
    const ticket = await h.openTicket();
    await h.slack.face.postEscalation({ ...ticket, escalationLevel: 1 }, 'esc-2');
    const last = h.fake.callsOf('chat.postMessage').at(-1);
    expect(last?.args).toMatchObject({
      channel: FAKE_SLACK.triage,
      thread_ts: '1767229000.000200',
      reply_broadcast: 'true',
    });
  });

  it('answers the actor ephemerally and confirms a delivered reply with a reaction (twice is fine)', async () => {
    const h = await start();
    const ticket = await h.openTicket();
    await h.desk.reject(
      {
        ticketId: ticket.id,
        actor: { id: FAKE_SLACK.staff, role: 'staff' },
        action: 'resolve',
        reason: 'This handoff was already resolved.',
        replyContext: {
          channel: FAKE_SLACK.triage,
          user: FAKE_SLACK.staff,
          ts: '1767229000.000200',
          deskFace: 'slack',
        },
      },
      'rej-1',
    );
    expect(h.fake.callsOf('chat.postEphemeral').map((c) => c.args)).toEqual([
      { channel: FAKE_SLACK.triage, user: FAKE_SLACK.staff, text: 'This handoff was already resolved.' },
    ]);
    h.fake.on('reactions.add', () => ({ ok: false, error: 'already_reacted' }));
    const replyContext = {
      channel: FAKE_SLACK.triage,
      ts: '1767229260.000300',
      deskFace: 'slack',
      deskActor: FAKE_SLACK.staff,
      deskText: 'hi',
    };
    await h.desk.confirmStaffReply(handoff(), replyContext, 'conf-1');
    await h.slack.face.confirmStaffReply(ticket, replyContext, 'conf-2');
    expect(h.fake.callsOf('reactions.add').map((c) => c.args)).toEqual([
      { channel: FAKE_SLACK.triage, timestamp: '1767229260.000300', name: 'white_check_mark' },
      { channel: FAKE_SLACK.triage, timestamp: '1767229260.000300', name: 'white_check_mark' },
    ]);
  });

  it('ignores replies and rejections that came from another face', async () => {
    const h = await start();
    const ticket = await h.openTicket();
    const calls = h.fake.calls.length;
    await h.slack.face.confirmStaffReply(ticket, { deskFace: 'sandbox', deskActor: 'alice' }, 'k1');
    await h.slack.face.tellActor(
      { ticketId: ticket.id, actor: { id: 'alice', role: 'staff' }, action: 'claim', reason: 'no' },
      'k2',
    );
    expect(h.fake.calls.length).toBe(calls);
  });

  it('translates Slack failures into typed errors', async () => {
    const h = await start();
    const ticket = slackTicket();
    h.fake.on('chat.postMessage', () => ({ ok: false, error: 'not_in_channel' }));
    await expect(h.slack.face.postCard(ticket, 'e1')).rejects.toBeInstanceOf(UndeliverableError);
    h.fake.on('chat.postMessage', () => ({
      status: 429,
      headers: { 'retry-after': '7' },
      body: { ok: false, error: 'ratelimited' },
    }));
    const limited = await h.slack.face.postCard(ticket, 'e2').catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterMs).toBe(7000);
    h.fake.on('chat.postMessage', () => ({ status: 503, body: { ok: false } }));
    const down = await h.slack.face.postCard(ticket, 'e3').catch((e: unknown) => e);
    expect(down).toBeInstanceOf(PlatformApiError);
    expect((down as PlatformApiError).status).toBe(503);
    // Nothing was remembered as done: the next attempt posts.
    h.fake.on('chat.postMessage', () => ({ ok: true, channel: FAKE_SLACK.triage, ts: '1767229999.000100' }));
    expect(await h.slack.face.postCard(ticket, 'e1')).toEqual({
      channel: FAKE_SLACK.triage,
      ts: '1767229999.000100',
    });
  });

  it('posts a notice about no ticket to the triage channel', async () => {
    const h = await start();
    await h.desk.notify(
      null,
      { kind: 'delivery_failed', text: 'A reply could not be delivered', code: '131047' },
      null,
      'n1',
    );
    const [post] = h.fake.callsOf('chat.postMessage');
    expect(post?.args.channel).toBe(FAKE_SLACK.triage);
    expect(post?.args.text).toContain('A reply could not be delivered');
  });
});
