import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FILES_NOT_RELAYED_TEXT,
  NOT_STAFF_REPLY_TEXT,
  NOT_STAFF_TEXT,
  UNKNOWN_TICKET_TEXT,
} from '../../adapters/slack/render.ts';
import { StoreUnavailableError } from '../../src/errors.ts';
import type { InboundAction, InboundMessage } from '../../src/model/inbound-event.ts';
import {
  type SlackHarness,
  type SlackHarnessOptions,
  formPayload,
  postSigned,
  signSlack,
  startSlackHarness,
} from '../fakes/fake-slack-harness.ts';
import { FAKE_SLACK } from '../fakes/fake-slack.ts';

const fixtures = resolve(import.meta.dirname, '../../../shared/fixtures');
const raw = (name: string) => readFileSync(resolve(fixtures, name), 'utf8');
const json = (name: string) => JSON.parse(raw(name)) as Record<string, unknown>;

const THREAD_REPLY = raw('slack-message-thread-reply.json');
const threadReply = (overrides: Record<string, unknown>, eventId = 'Ev07OTHER0001') => {
  const body = json('slack-message-thread-reply.json');
  return JSON.stringify({ ...body, event_id: eventId, event: { ...(body.event as object), ...overrides } });
};
const click = (overrides: { user?: string; action?: Record<string, unknown> } = {}) => {
  const body = json('slack-block-actions.json');
  const [action] = body.actions as Record<string, unknown>[];
  return formPayload({
    ...body,
    user: { ...(body.user as object), id: overrides.user ?? FAKE_SLACK.staff },
    actions: [{ ...action, ...overrides.action }],
  });
};
const FORM = 'application/x-www-form-urlencoded';

let harness: SlackHarness | undefined;
async function start(options: SlackHarnessOptions = {}): Promise<SlackHarness> {
  harness = await startSlackHarness(options);
  return harness;
}
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe('Slack over HTTP: signatures', () => {
  it('answers url_verification with the challenge', async () => {
    const h = await start();
    const response = await postSigned(h.url, raw('slack-url-verification.json'));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ challenge: json('slack-url-verification.json').challenge });
  });

  it.each([
    ['a bad signature', { signature: 'v0=deadbeef' }],
    [
      'a signature made with another secret',
      { signature: signSlack(THREAD_REPLY, Math.floor(Date.now() / 1000), 'other') },
    ],
    ['a stale timestamp (6 min old, correctly signed)', { timestamp: Math.floor(Date.now() / 1000) - 360 }],
    ['a timestamp 10 min ahead (correctly signed)', { timestamp: Math.floor(Date.now() / 1000) + 600 }],
  ])('refuses %s with 401 and does nothing', async (_name, options) => {
    const h = await start();
    await h.openTicket();
    const callsBefore = h.fake.calls.length;
    const event = await postSigned(h.url, THREAD_REPLY, options);
    const action = await postSigned(h.url, click(), { ...options, contentType: FORM });
    expect([event.status, action.status]).toEqual([401, 401]);
    expect(h.sink.attempts).toBe(0);
    expect(h.fake.calls.length).toBe(callsBefore);
  });
});

describe('Slack over HTTP: staff replies in a handoff thread', () => {
  it('hands the fixture reply to the engine as a staff_reply, decoded, with the reaction target', async () => {
    const h = await start();
    const ticket = await h.openTicket();
    expect(ticket.deskRefs.slack).toEqual({ channel: FAKE_SLACK.triage, ts: '1767229000.000200' });
    const response = await postSigned(h.url, THREAD_REPLY);
    expect(response.status).toBe(200);
    expect(h.sink.events).toHaveLength(1);
    const action = h.sink.events[0] as InboundAction;
    expect(action).toMatchObject({
      kind: 'action',
      id: 'Ev07THREADRP1',
      ref: ticket.ref,
      ticketId: 'hf_8f3k2',
      actor: { id: FAKE_SLACK.staff, name: 'Dana', role: 'staff' },
      action: {
        type: 'staff_reply',
        text: "Hi Maria, I've reissued the refund & it should land within 3 days.",
      },
      replyContext: { channel: FAKE_SLACK.triage, ts: '1767229260.000300', deskFace: 'slack' },
    });
  });

  it('acknowledges only after the event was queued', async () => {
    const h = await start();
    await h.openTicket();
    const release = h.sink.hold();
    const pending = postSigned(h.url, THREAD_REPLY).then((r) => {
      h.sink.timeline.push(`answered:${r.status}`);
      return r;
    });
    while (h.sink.attempts === 0) await new Promise((r) => setTimeout(r, 5));
    h.sink.timeline.push('released');
    release();
    await pending;
    expect(h.sink.timeline).toEqual(['released', 'ingested:Ev07THREADRP1', 'answered:200']);
  });

  it('answers 500 when the event cannot be queued, and the retry gets through once', async () => {
    const h = await start();
    await h.openTicket();
    h.sink.failing = new StoreUnavailableError('redis is down');
    expect((await postSigned(h.url, THREAD_REPLY)).status).toBe(500);
    h.sink.failing = null;
    const retry = await postSigned(h.url, THREAD_REPLY, {
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_error' },
    });
    expect(retry.status).toBe(200);
    expect(h.sink.accepted.map((e) => e.id)).toEqual(['Ev07THREADRP1']);
  });

  it('a retried delivery (X-Slack-Retry-Num) carries the same event id: one event for the engine', async () => {
    const h = await start();
    await h.openTicket();
    const first = await postSigned(h.url, THREAD_REPLY);
    const retry = await postSigned(h.url, THREAD_REPLY, {
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(h.sink.events.map((e) => e.id)).toEqual(['Ev07THREADRP1', 'Ev07THREADRP1']);
    expect(h.sink.accepted).toHaveLength(1);
  });

  it('refuses a non-staff reply with an ephemeral message in the thread, and relays nothing', async () => {
    const h = await start();
    await h.openTicket();
    const response = await postSigned(h.url, threadReply({ user: FAKE_SLACK.outsider }));
    expect(response.status).toBe(200);
    expect(h.sink.attempts).toBe(0);
    expect(h.fake.callsOf('chat.postEphemeral').map((c) => c.args)).toEqual([
      {
        channel: FAKE_SLACK.triage,
        user: FAKE_SLACK.outsider,
        text: NOT_STAFF_REPLY_TEXT,
        thread_ts: '1767229000.000200',
      },
    ]);
  });

  it('keeps an internal note on the ticket and never relays it', async () => {
    const h = await start();
    await h.openTicket();
    const posts = h.fake.callsOf('chat.postMessage').length;
    const note = threadReply({ text: '// she called twice yesterday &amp; was angry' }, 'Ev07NOTE00001');
    expect((await postSigned(h.url, note)).status).toBe(200);
    expect((await postSigned(h.url, note, { headers: { 'x-slack-retry-num': '1' } })).status).toBe(200);
    expect(h.sink.attempts).toBe(0);
    const ticket = await h.desk.get('hf_8f3k2');
    expect(ticket?.thread.filter((e) => e.from === 'note').map((e) => e.text)).toEqual([
      'she called twice yesterday & was angry',
    ]);
    // Written in Slack, so not echoed back into the Slack thread.
    expect(h.fake.callsOf('chat.postMessage')).toHaveLength(posts);
  });

  it.each([
    ['a bot message', { bot_id: 'B0OTHER0001', subtype: 'bot_message' }],
    ['our own relay', { bot_id: FAKE_SLACK.botId, user: FAKE_SLACK.botUserId }],
    ['a deletion', { subtype: 'message_deleted', hidden: true }],
    ['a reply in a thread that is no handoff', { thread_ts: '1767220000.000100' }],
  ])('ignores %s', async (_name, overrides) => {
    const h = await start();
    await h.openTicket();
    const calls = h.fake.calls.length;
    expect((await postSigned(h.url, threadReply(overrides))).status).toBe(200);
    expect(h.sink.attempts).toBe(0);
    expect(h.fake.calls.slice(calls).filter((c) => c.method !== 'users.info')).toEqual([]);
  });

  it('relays only the text of a staff reply with a file, and says why', async () => {
    const h = await start();
    await h.openTicket();
    const file = {
      id: 'F07FILE0001',
      name: 'label.pdf',
      mimetype: 'application/pdf',
      url_private: 'https://files.slack.com/files-pri/T07SUPPORT1-F07FILE0001/label.pdf',
    };
    const withText = threadReply(
      { subtype: 'file_share', files: [file], text: 'here is the label' },
      'Ev07FILE00001',
    );
    const fileOnly = threadReply({ subtype: 'file_share', files: [file], text: '' }, 'Ev07FILE00002');
    expect((await postSigned(h.url, withText)).status).toBe(200);
    expect((await postSigned(h.url, fileOnly)).status).toBe(200);
    expect(h.sink.events.map((e) => (e as InboundAction).action)).toEqual([
      { type: 'staff_reply', text: 'here is the label' },
    ]);
    expect(h.fake.callsOf('chat.postEphemeral').map((c) => c.args.text)).toEqual([
      FILES_NOT_RELAYED_TEXT,
      FILES_NOT_RELAYED_TEXT,
    ]);
  });

  it('tells a staff member who edited a reply that edits are not relayed', async () => {
    const h = await start();
    await h.openTicket();
    const base = json('slack-message-thread-reply.json');
    const event = base.event as Record<string, unknown>;
    const edit = JSON.stringify({
      ...base,
      event_id: 'Ev07EDIT00001',
      event: {
        type: 'message',
        subtype: 'message_changed',
        hidden: true,
        channel: FAKE_SLACK.triage,
        channel_type: 'channel',
        ts: '1767229300.000100',
        event_ts: '1767229300.000100',
        message: { ...event, text: 'Hi Maria, refund reissued.' },
        previous_message: event,
      },
    });
    expect((await postSigned(h.url, edit)).status).toBe(200);
    expect(h.sink.attempts).toBe(0);
    expect(h.fake.callsOf('chat.postEphemeral').map((c) => c.args.user)).toEqual([FAKE_SLACK.staff]);
  });
});

describe('Slack over HTTP: Claim / Resolve / Escalate', () => {
  it('hands the fixture Resolve click (form-encoded payload=) to the engine', async () => {
    const h = await start();
    const ticket = await h.openTicket();
    const response = await postSigned(h.url, formPayload(json('slack-block-actions.json')), {
      contentType: FORM,
    });
    expect(response.status).toBe(200);
    expect(h.sink.events).toEqual([
      expect.objectContaining({
        kind: 'action',
        id: 'slack-action:1767229345.612345:U07STAFF001',
        ref: ticket.ref,
        ticketId: 'hf_8f3k2',
        action: { type: 'resolve' },
        actor: { id: FAKE_SLACK.staff, name: 'dana.k', role: 'staff' },
      }),
    ]);
  });

  it('carries the level the clicker saw on Escalate', async () => {
    const h = await start();
    await h.openTicket();
    const escalate = click({
      action: { action_id: 'handoff_escalate', value: '{"ticket":"hf_8f3k2","level":0}' },
    });
    expect((await postSigned(h.url, escalate, { contentType: FORM })).status).toBe(200);
    expect((h.sink.events[0] as InboundAction).action).toEqual({ type: 'escalate', fromLevel: 0 });
  });

  it('refuses a non-staff click with an ephemeral message and changes nothing', async () => {
    const h = await start();
    await h.openTicket();
    const before = JSON.stringify(await h.desk.get('hf_8f3k2'));
    const calls = h.fake.calls.length;
    const response = await postSigned(h.url, click({ user: FAKE_SLACK.outsider }), { contentType: FORM });
    expect(response.status).toBe(200);
    expect(h.sink.attempts).toBe(0);
    expect(h.fake.calls.slice(calls).map((c) => [c.method, c.args])).toEqual([
      ['chat.postEphemeral', { channel: FAKE_SLACK.triage, user: FAKE_SLACK.outsider, text: NOT_STAFF_TEXT }],
    ]);
    expect(JSON.stringify(await h.desk.get('hf_8f3k2'))).toBe(before);
  });

  it('lets members of SLACK_STAFF_GROUP act, asking Slack for the members once per cache period', async () => {
    const h = await start({ staffUsers: [], staffGroup: FAKE_SLACK.staffGroup });
    await h.openTicket();
    const claim = click({ action: { action_id: 'handoff_claim', action_ts: '1767229400.000001' } });
    const again = click({ action: { action_id: 'handoff_claim', action_ts: '1767229400.000002' } });
    const outsider = click({ user: FAKE_SLACK.outsider, action: { action_id: 'handoff_claim' } });
    for (const body of [claim, again, outsider]) {
      expect((await postSigned(h.url, body, { contentType: FORM })).status).toBe(200);
    }
    expect(h.sink.events.map((e) => (e as InboundAction).actor.id)).toEqual([
      FAKE_SLACK.staff,
      FAKE_SLACK.staff,
    ]);
    expect(h.fake.callsOf('usergroups.users.list').map((c) => c.args.usergroup)).toEqual([
      FAKE_SLACK.staffGroup,
    ]);
    expect(h.fake.callsOf('chat.postEphemeral').map((c) => c.args.user)).toEqual([FAKE_SLACK.outsider]);
  });

  it('refuses everyone when the staff group cannot be read', async () => {
    const h = await start({ staffUsers: [], staffGroup: FAKE_SLACK.staffGroup });
    h.fake.on('usergroups.users.list', () => ({ ok: false, error: 'missing_scope' }));
    await h.openTicket();
    expect((await postSigned(h.url, click(), { contentType: FORM })).status).toBe(200);
    expect(h.sink.attempts).toBe(0);
    expect(h.fake.callsOf('chat.postEphemeral').map((c) => c.args.text)).toEqual([NOT_STAFF_TEXT]);
  });

  it('answers a click on a card whose ticket is unknown', async () => {
    const h = await start();
    const body = click({ action: { value: 'hf_gone' } });
    expect((await postSigned(h.url, body, { contentType: FORM })).status).toBe(200);
    expect(h.sink.attempts).toBe(0);
    expect(h.fake.callsOf('chat.postEphemeral').map((c) => c.args.text)).toEqual([UNKNOWN_TICKET_TEXT]);
  });
});

describe('Slack as a customer channel for testers', () => {
  const dm = (text: string, eventId = 'Ev07DM0000001') =>
    JSON.stringify({
      ...json('slack-message-channel.json'),
      event_id: eventId,
      event: {
        type: 'message',
        user: FAKE_SLACK.tester,
        text,
        ts: '1767229500.000100',
        channel: FAKE_SLACK.testerDm,
        event_ts: '1767229500.000100',
        channel_type: 'im',
      },
    });

  it('turns a DM into a customer message and answers in the DM, choices as buttons', async () => {
    const h = await start();
    expect((await postSigned(h.url, dm('where is *my* order &amp; refund?'))).status).toBe(200);
    const message = h.sink.events[0] as InboundMessage;
    expect(message).toMatchObject({
      kind: 'message',
      id: 'Ev07DM0000001',
      ref: { platform: 'slack', workspace: FAKE_SLACK.team, channel: 'im', threadOrUser: FAKE_SLACK.tester },
      from: { id: FAKE_SLACK.tester, role: 'customer' },
      text: 'where is **my** order & refund?',
    });
    // A reply outside the turn (no reply context) still finds the DM channel.
    await h.slack.adapter.send({
      ref: message.ref,
      idempotencyKey: 'k1',
      purpose: 'answer',
      message: {
        kind: 'choices',
        text: 'Which **order**?',
        choices: [
          { id: 'o1', label: 'Order BC-1042' },
          { id: 'o2', label: 'Order BC-1043' },
        ],
      },
    });
    const [post] = h.fake.callsOf('chat.postMessage');
    expect(post?.args.channel).toBe(FAKE_SLACK.testerDm);
    expect(post?.args.text).toBe('Which *order*?');
    const actions = (post?.args.blocks as { type: string; elements?: { action_id: string }[] }[]).find(
      (b) => b.type === 'actions',
    );
    expect(actions?.elements?.map((e) => e.action_id)).toEqual(['choice:o1', 'choice:o2']);

    const choice = formPayload({
      type: 'block_actions',
      user: { id: FAKE_SLACK.tester, name: 'tess', team_id: FAKE_SLACK.team },
      team: { id: FAKE_SLACK.team },
      api_app_id: FAKE_SLACK.app,
      container: { type: 'message', channel_id: FAKE_SLACK.testerDm, message_ts: post?.args.ts ?? '1.1' },
      actions: [
        {
          type: 'button',
          action_id: 'choice:o2',
          value: 'o2',
          text: { type: 'plain_text', text: 'Order BC-1043' },
          action_ts: '1767229600.1',
        },
      ],
    });
    expect((await postSigned(h.url, choice, { contentType: FORM })).status).toBe(200);
    expect(h.sink.events[1]).toMatchObject({
      kind: 'message',
      text: 'Order BC-1043',
      choiceId: 'o2',
      ref: message.ref,
    });
  });

  const command = (text: string, channel: string = FAKE_SLACK.testerDm) =>
    new URLSearchParams({
      token: 'x',
      team_id: FAKE_SLACK.team,
      team_domain: 'acme-support',
      channel_id: channel,
      channel_name: 'directmessage',
      user_id: FAKE_SLACK.tester,
      user_name: 'tess',
      command: '/switchboard',
      text,
      api_app_id: FAKE_SLACK.app,
      response_url: 'https://hooks.slack.com/commands/T07SUPPORT1/1/x',
      trigger_id: `trig-${text}`,
    }).toString();

  it('/switchboard debug shows my last turn, only to me', async () => {
    const asked: unknown[] = [];
    const h = await start({
      lastTurn: async (ref) => {
        asked.push(ref);
        return {
          eventId: 'Ev07DM0000001',
          intent: 'order_status',
          confidence: 0.91,
          kb: [],
          route: 'flow',
          flow: 'order-status/ask_order',
        };
      },
    });
    const response = await postSigned(h.url, command('debug'), { contentType: FORM });
    expect(response.status).toBe(200);
    const body = JSON.parse(response.body) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('Intent: order_status (confidence 0.91)');
    expect(body.text).toContain('Flow: order-status/ask_order');
    expect(asked).toEqual([
      { platform: 'slack', workspace: FAKE_SLACK.team, channel: 'im', threadOrUser: FAKE_SLACK.tester },
    ]);
    expect(h.sink.attempts).toBe(0);
  });

  it('/switchboard reset queues a reset of my conversation', async () => {
    const h = await start();
    const response = await postSigned(h.url, command('reset', FAKE_SLACK.triage), { contentType: FORM });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ response_type: 'ephemeral' });
    expect(h.sink.events).toEqual([
      expect.objectContaining({
        kind: 'action',
        action: { type: 'reset' },
        ref: {
          platform: 'slack',
          workspace: FAKE_SLACK.team,
          channel: 'im',
          threadOrUser: FAKE_SLACK.tester,
        },
      }),
    ]);
    // Typed in a channel: the engine's answer must not go there.
    expect(h.sink.events[0]?.replyContext).toBeUndefined();
  });
});
