import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeSlackMarkup,
  dmRef,
  isInternalNote,
  mentionedUserIds,
  noteText,
  parseButtonValue,
  parseChoiceClick,
  parseDeskClick,
  parseSlashCommand,
  routeMessageEvent,
  slackTsToMs,
  toCustomerMessage,
  toDeskAction,
  toResetAction,
  toStaffReply,
} from '../../../../adapters/slack/parse.ts';
import type { SlackMessageEvent } from '../../../../adapters/slack/types.ts';

const fixtures = resolve(import.meta.dirname, '../../../../../shared/fixtures');
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(resolve(fixtures, name), 'utf8')) as Record<string, unknown>;
const eventOf = (name: string) => fixture(name).event as SlackMessageEvent;
const TYPES = ['channel', 'group', 'im'];
const ticket = {
  id: 'hf_8f3k2',
  ref: { platform: 'whatsapp', workspace: '105555555555555', channel: 'dm', threadOrUser: '447700900123' },
};

describe('decodeSlackMarkup', () => {
  it('decodes the fixture staff reply (&amp;) to what the rich_text block holds', () => {
    const event = eventOf('slack-message-thread-reply.json') as SlackMessageEvent & {
      blocks: { elements: { elements: { text: string }[] }[] }[];
    };
    const plain = event.blocks[0]?.elements[0]?.elements[0]?.text;
    expect(decodeSlackMarkup(event.text ?? '')).toBe(plain);
  });

  it.each([
    ['<@U07STAFF001> will help', '@Dana will help'],
    ['ask <@U0OTHER1>', 'ask @U0OTHER1'],
    ['ask <@U0OTHER1|sam>', 'ask @sam'],
    ['see <#C07TRIAGE01|support-triage>', 'see #support-triage'],
    ['see <#C07TRIAGE01>', 'see #channel'],
    ['<!here> and <!channel> and <!everyone>', '@here and @channel and @everyone'],
    ['<!subteam^S0TEAM|@billing> please', '@billing please'],
    ['on <!date^1767229000^{date_short}|Jan 1>', 'on Jan 1'],
    [
      'read <https://help.example.com/refunds|the refund policy>',
      'read [the refund policy](https://help.example.com/refunds)',
    ],
    ['go to <https://example.com>', 'go to https://example.com'],
    ['go to <https://example.com|example.com>', 'go to https://example.com'],
    ['mail <mailto:help@example.com|help@example.com>', 'mail help@example.com'],
    ['a &lt;b&gt; &amp;amp; c', 'a <b> &amp; c'],
    ['this is *important* now', 'this is **important** now'],
    ['this is _gentle_ now', 'this is _gentle_ now'],
    ['this is ~wrong~ now', 'this is ~~wrong~~ now'],
    ['2*3*4 stays', '2*3*4 stays'],
    ['code `*x* &lt;y&gt;` kept', 'code `*x* <y>` kept'],
    ['```\n*not bold* <@U1>\n```', '```\n*not bold* <@U1>\n```'],
  ])('%s → %s', (input, expected) => {
    expect(decodeSlackMarkup(input, new Map([['U07STAFF001', 'Dana']]))).toBe(expected);
  });

  it('finds the mentioned users to resolve', () => {
    expect(mentionedUserIds('<@U07STAFF001> <@W0ENT1|x> <@U07STAFF001> <#C1>')).toEqual([
      'U07STAFF001',
      'W0ENT1',
    ]);
  });
});

describe('routeMessageEvent', () => {
  it('routes the fixture thread reply as a thread reply keyed by its parent ts', () => {
    const route = routeMessageEvent(eventOf('slack-message-thread-reply.json'), TYPES);
    expect(route).toMatchObject({
      kind: 'thread_reply',
      channel: 'C07TRIAGE01',
      user: 'U07STAFF001',
      threadTs: '1767229000.000200',
      ts: '1767229260.000300',
      note: false,
    });
  });

  it('ignores the fixture top-level channel message', () => {
    expect(routeMessageEvent(eventOf('slack-message-channel.json'), TYPES)).toEqual({
      kind: 'ignore',
      reason: 'top_level',
    });
  });

  const reply = eventOf('slack-message-thread-reply.json');
  it.each<[string, SlackMessageEvent, string]>([
    ['our own post (bot_id, no subtype)', { ...reply, bot_id: 'B07BOTID001', user: 'U07BOTUSR01' }, 'bot'],
    ['another app (bot_message)', { ...reply, subtype: 'bot_message', bot_id: 'B0OTHER' }, 'bot'],
    ['a deletion', { ...reply, subtype: 'message_deleted', hidden: true }, 'deletion'],
    ['a channel join', { ...reply, subtype: 'channel_join' }, 'subtype'],
    ['an unsubscribed channel type', { ...reply, channel_type: 'mpim' }, 'channel_type'],
    ['a parent with replies (thread_ts === ts)', { ...reply, thread_ts: reply.ts ?? '' }, 'top_level'],
  ])('ignores %s', (_name, event, reason) => {
    expect(routeMessageEvent(event, TYPES)).toEqual({ kind: 'ignore', reason });
  });

  it('marks an internal note', () => {
    expect(routeMessageEvent({ ...reply, text: '  // customer is a repeat refunder' }, TYPES)).toMatchObject({
      kind: 'thread_reply',
      note: true,
    });
    expect(isInternalNote('/ not a note')).toBe(false);
    expect(noteText(' // check the order ')).toBe('check the order');
  });

  it('turns a staff edit of a thread reply into an edit notice, and ignores our own card updates', () => {
    const edit: SlackMessageEvent = {
      type: 'message',
      subtype: 'message_changed',
      hidden: true,
      channel: 'C07TRIAGE01',
      channel_type: 'channel',
      ts: '1767229300.000100',
      message: {
        type: 'message',
        user: 'U07STAFF001',
        text: 'fixed',
        ts: reply.ts ?? '',
        thread_ts: reply.thread_ts ?? '',
      },
      previous_message: { type: 'message', user: 'U07STAFF001', text: 'fixd', ts: reply.ts ?? '' },
    };
    expect(routeMessageEvent(edit, TYPES)).toEqual({
      kind: 'edit',
      channel: 'C07TRIAGE01',
      user: 'U07STAFF001',
      threadTs: '1767229000.000200',
      ts: '1767229260.000300',
    });
    const cardUpdate = { ...edit, message: { ...edit.message, bot_id: 'B07BOTID001' } } as SlackMessageEvent;
    expect(routeMessageEvent(cardUpdate, TYPES)).toEqual({ kind: 'ignore', reason: 'edit' });
    const unfurl = { ...edit, previous_message: { ...edit.message } } as SlackMessageEvent;
    expect(routeMessageEvent(unfurl, TYPES)).toEqual({ kind: 'ignore', reason: 'edit' });
  });

  it('routes a DM as a customer message, files included', () => {
    const dm: SlackMessageEvent = {
      type: 'message',
      channel: 'D07TESTER01',
      channel_type: 'im',
      user: 'U07TESTER01',
      text: 'where is my order?',
      ts: '1767229400.000100',
      files: [
        {
          id: 'F1',
          name: 'receipt.png',
          mimetype: 'image/png',
          url_private: 'https://files.slack.com/r.png',
        },
      ],
    };
    const route = routeMessageEvent(dm, TYPES);
    expect(route.kind).toBe('dm');
    if (route.kind !== 'dm') return;
    const message = toCustomerMessage({
      eventId: 'Ev1',
      teamId: 'T07SUPPORT1',
      route,
      text: route.text,
      now: 5,
    });
    expect(message).toEqual({
      kind: 'message',
      id: 'Ev1',
      ref: { platform: 'slack', workspace: 'T07SUPPORT1', channel: 'im', threadOrUser: 'U07TESTER01' },
      at: 1767229400000,
      from: { id: 'U07TESTER01', role: 'customer' },
      text: 'where is my order?',
      attachments: [
        {
          kind: 'image',
          url: 'https://files.slack.com/r.png',
          mediaId: 'F1',
          name: 'receipt.png',
          mimeType: 'image/png',
        },
      ],
      replyContext: { channel: 'D07TESTER01', ts: '1767229400.000100' },
    });
  });
});

describe('handoff clicks', () => {
  it('reads the fixture Resolve click (bare ticket id value)', () => {
    const click = parseDeskClick(fixture('slack-block-actions.json'));
    expect(click).toEqual({
      actionId: 'handoff_resolve',
      ticketId: 'hf_8f3k2',
      fromLevel: null,
      user: { id: 'U07STAFF001', name: 'dana.k' },
      teamId: 'T07SUPPORT1',
      channel: 'C07TRIAGE01',
      messageTs: '1767229000.000200',
      actionTs: '1767229345.612345',
      responseUrl: 'https://hooks.slack.com/actions/T07SUPPORT1/8123456789012/Zm9vYmFyYmF6cXV4MTIzNDU2',
    });
  });

  it('builds the desk action with a per-click id, the ticket and the reply context', () => {
    const body = fixture('slack-block-actions.json');
    const actions = body.actions as Record<string, unknown>[];
    const escalate = {
      ...body,
      actions: [{ ...actions[0], action_id: 'handoff_escalate', value: '{"ticket":"hf_8f3k2","level":1}' }],
    };
    const click = parseDeskClick(escalate);
    expect(click?.fromLevel).toBe(1);
    const action = toDeskAction(click!, ticket, 99);
    expect(action).toEqual({
      kind: 'action',
      id: 'slack-action:1767229345.612345:U07STAFF001',
      ref: ticket.ref,
      at: 99,
      actor: { id: 'U07STAFF001', name: 'dana.k', role: 'staff' },
      action: { type: 'escalate', fromLevel: 1 },
      ticketId: 'hf_8f3k2',
      replyContext: {
        channel: 'C07TRIAGE01',
        user: 'U07STAFF001',
        ts: '1767229000.000200',
        response_url: 'https://hooks.slack.com/actions/T07SUPPORT1/8123456789012/Zm9vYmFyYmF6cXV4MTIzNDU2',
        deskFace: 'slack',
        deskActor: 'U07STAFF001',
      },
    });
  });

  it('refuses payloads that are not handoff clicks', () => {
    const body = fixture('slack-block-actions.json');
    const actions = body.actions as Record<string, unknown>[];
    expect(parseDeskClick({ ...body, actions: [{ ...actions[0], action_id: 'other' }] })).toBeNull();
    expect(parseDeskClick({ ...body, actions: [{ ...actions[0], value: '' }] })).toBeNull();
    expect(parseDeskClick({ ...body, user: {} })).toBeNull();
    expect(parseDeskClick('payload')).toBeNull();
  });

  it.each([
    ['hf_1', { ticketId: 'hf_1', level: null }],
    ['{"ticket":"hf_1","level":2}', { ticketId: 'hf_1', level: 2 }],
    ['{"ticket":"hf_1","level":-1}', { ticketId: 'hf_1', level: null }],
    ['{"level":2}', null],
    ['{broken', null],
  ])('button value %s', (raw, expected) => {
    expect(parseButtonValue(raw)).toEqual(expected);
  });
});

describe('staff replies, choices and commands', () => {
  it('builds the staff reply action with the event id and the reaction target', () => {
    const route = routeMessageEvent(eventOf('slack-message-thread-reply.json'), TYPES);
    if (route.kind !== 'thread_reply') throw new Error('fixture should be a thread reply');
    const action = toStaffReply({
      eventId: 'Ev07THREADRP1',
      ticket,
      route,
      text: 'decoded',
      userName: 'Dana',
      now: 1,
    });
    expect(action).toMatchObject({
      id: 'Ev07THREADRP1',
      ref: ticket.ref,
      ticketId: 'hf_8f3k2',
      actor: { id: 'U07STAFF001', name: 'Dana', role: 'staff' },
      action: { type: 'staff_reply', text: 'decoded' },
      replyContext: {
        channel: 'C07TRIAGE01',
        ts: '1767229260.000300',
        thread_ts: '1767229000.000200',
        deskFace: 'slack',
        deskActor: 'U07STAFF001',
        deskText: 'decoded',
      },
    });
    expect(slackTsToMs(route.ts, 0)).toBe(1767229260000);
  });

  it('reads a choice click', () => {
    const body = {
      type: 'block_actions',
      user: { id: 'U07TESTER01', name: 'tess', team_id: 'T07SUPPORT1' },
      team: { id: 'T07SUPPORT1' },
      container: { type: 'message', channel_id: 'D07TESTER01', message_ts: '1.2' },
      actions: [
        {
          action_id: 'choice:order_status',
          value: 'order_status',
          text: { type: 'plain_text', text: 'Order status' },
          action_ts: '3.4',
        },
      ],
    };
    expect(parseChoiceClick(body)).toEqual({
      choiceId: 'order_status',
      label: 'Order status',
      user: 'U07TESTER01',
      userName: 'tess',
      teamId: 'T07SUPPORT1',
      channel: 'D07TESTER01',
      actionTs: '3.4',
    });
    expect(
      parseChoiceClick({ ...body, actions: [{ action_id: 'handoff_claim', action_ts: '1' }] }),
    ).toBeNull();
  });

  it('reads slash commands; a reset typed outside the DM carries no channel to answer in', () => {
    const base = { team_id: 'T07SUPPORT1', user_id: 'U07TESTER01', user_name: 'tess', trigger_id: 'trig1' };
    expect(parseSlashCommand({ ...base, text: ' Debug ' })?.sub).toBe('debug');
    expect(parseSlashCommand({ ...base, text: 'what' })?.sub).toBe('help');
    expect(parseSlashCommand({ text: 'reset' })).toBeNull();
    const inChannel = parseSlashCommand({ ...base, text: 'reset', channel_id: 'C07TRIAGE01' });
    expect(toResetAction(inChannel!, 7)).toEqual({
      kind: 'action',
      id: 'slack-command:trig1',
      ref: dmRef('T07SUPPORT1', 'U07TESTER01'),
      at: 7,
      actor: { id: 'U07TESTER01', name: 'tess', role: 'customer' },
      action: { type: 'reset' },
    });
    const inDm = parseSlashCommand({ ...base, text: 'reset', channel_id: 'D07TESTER01' });
    expect(toResetAction(inDm!, 7).replyContext).toEqual({ channel: 'D07TESTER01' });
  });
});
