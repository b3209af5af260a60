import { describe, expect, it } from 'vitest';
import { HANDOFF_ACTIONS, SLACK_SECTION_TEXT_MAX } from '../../../../adapters/slack/limits.ts';
import { decodeSlackMarkup, parseButtonValue } from '../../../../adapters/slack/parse.ts';
import {
  type SlackBlock,
  escapeSlackText,
  formatDuration,
  markdownToMrkdwn,
  renderCard,
  renderDebug,
  renderEscalation,
  renderOutbound,
  renderThreadEntry,
  splitText,
} from '../../../../adapters/slack/render.ts';
import { slackTicket } from '../../../fakes/fake-slack-ticket.ts';

const buttons = (blocks: readonly SlackBlock[] | undefined) =>
  (blocks ?? [])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements as { action_id: string; value: string }[]);
const allText = (blocks: readonly SlackBlock[] | undefined) => JSON.stringify(blocks ?? []);

describe('escapeSlackText', () => {
  it('stops a customer from pinging the channel or forging a link', () => {
    const escaped = escapeSlackText('<!channel> look <https://evil.example|your bank> & @here');
    expect(escaped).toBe('&lt;!channel&gt; look &lt;https://evil.example|your bank&gt; &amp; @\u200Bhere');
    expect(escaped).not.toMatch(/<!|<http/);
  });
});

describe('renderCard', () => {
  it('shows who, where, what the bot understood and tried, and the three buttons while waiting', () => {
    const card = renderCard(slackTicket());
    expect(card.text).toBe('Handoff hf_8f3k2 from WhatsApp: Maria Lopez (high, waiting for staff)');
    const text = allText(card.blocks);
    for (const part of [
      'Maria Lopez',
      'WhatsApp',
      '+44 •••• ••0123',
      'refund_status (82%)',
      'negative',
      'en',
      'my refund never arrived',
      'Refund timing (0.41)',
      'order_id: BC-1042',
      'Waiting for staff',
    ]) {
      expect(text).toContain(part);
    }
    const ids = buttons(card.blocks).map((b) => b.action_id);
    expect(ids).toEqual([HANDOFF_ACTIONS.claim, HANDOFF_ACTIONS.resolve, HANDOFF_ACTIONS.escalate]);
    for (const b of buttons(card.blocks))
      expect(parseButtonValue(b.value)).toEqual({ ticketId: 'hf_8f3k2', level: 0 });
  });

  it('escapes everything the customer wrote', () => {
    const card = renderCard(
      slackTicket({
        customer: { displayName: '<!channel>', platform: 'discord', handle: '<@U0BOSS>', vip: true },
        summary: 'hi <!here> <https://x|y>',
        slots: { '<k>': '<v>' },
      }),
    );
    const text = allText(card.blocks) + card.text;
    expect(text).not.toMatch(/<!channel>|<!here>|<@U0BOSS>|<https:\/\/x/);
    expect(text).toContain('&lt;!channel&gt;');
  });

  it('drops Claim once claimed, shows the owner and the escalation level', () => {
    const card = renderCard(slackTicket({ state: 'human', assignee: 'U07STAFF001', escalationLevel: 2 }));
    expect(buttons(card.blocks).map((b) => b.action_id)).toEqual([
      HANDOFF_ACTIONS.resolve,
      HANDOFF_ACTIONS.escalate,
    ]);
    expect(parseButtonValue(buttons(card.blocks)[1]?.value ?? '')?.level).toBe(2);
    expect(allText(card.blocks)).toContain('Claimed by <@U07STAFF001>');
    expect(allText(card.blocks)).toContain('level 2');
  });

  it('has no buttons once resolved and says by whom, after how long and the rating', () => {
    const card = renderCard(
      slackTicket({
        state: 'resolved',
        resolvedBy: 'U07STAFF001',
        resolvedAt: 1767229000000 + 65 * 60_000,
        rating: 4,
      }),
    );
    expect(buttons(card.blocks)).toEqual([]);
    expect(allText(card.blocks)).toContain('Resolved by <@U07STAFF001> after 1 h 5 min · rated 4/5');
  });

  it('names sandbox staff (not Slack ids) as escaped text', () => {
    const card = renderCard(slackTicket({ state: 'human', assignee: 'alice<b>' }));
    expect(allText(card.blocks)).toContain('Claimed by alice&lt;b&gt;');
  });
});

describe('thread entries and escalation', () => {
  const ticket = slackTicket();
  it('renders a customer message escaped, with the customer named', () => {
    const entry = { from: 'customer' as const, text: 'hello <!channel> & bye', at: 1 };
    expect(renderThreadEntry(ticket, entry).text).toBe(
      '*Maria Lopez* (WhatsApp): hello &lt;!channel&gt; &amp; bye',
    );
  });

  it('marks internal notes and staff replies from another desk', () => {
    expect(renderThreadEntry(ticket, { from: 'note', text: 'fraud?', at: 1, by: 'U07STAFF001' }).text).toBe(
      ':lock: Internal note by <@U07STAFF001>: fraud?',
    );
    expect(renderThreadEntry(ticket, { from: 'staff', text: 'on it', at: 1, by: 'alice' }).text).toBe(
      '*alice* (to the customer): on it',
    );
  });

  it('links the escalation to the thread', () => {
    const message = renderEscalation(
      slackTicket({ escalationLevel: 1 }),
      'https://acme.slack.com/archives/C1/p1',
    );
    expect(message.text).toContain('escalated to level 1');
    expect(allText(message.blocks)).toContain('<https://acme.slack.com/archives/C1/p1|Open the thread>');
  });
});

describe('customer DMs', () => {
  it('converts markdown to mrkdwn and escapes the rest', () => {
    expect(
      markdownToMrkdwn('**Refunds** take *3 days*, see [policy](https://x.example/p) & <b> ~~no~~'),
    ).toBe('*Refunds* take _3 days_, see <https://x.example/p|policy> &amp; &lt;b&gt; ~no~');
    expect(markdownToMrkdwn('# Title\n`a<b`')).toBe('*Title*\n`a&lt;b`');
  });

  it('round-trips emphasis through decode and encode', () => {
    expect(markdownToMrkdwn(decodeSlackMarkup('a *b* _c_ ~d~'))).toBe('a *b* _c_ ~d~');
  });

  it('shows choices as choice:<id> buttons and sources as links', () => {
    const [message] = renderOutbound({
      kind: 'choices',
      text: 'What do you need?',
      choices: [
        { id: 'order_status', label: 'Order status' },
        { id: 'human', label: 'A person' },
      ],
      citations: [{ id: 'r', title: 'Refunds', url: 'https://help.example/r' }],
    });
    expect(message?.text).toContain('<https://help.example/r|Refunds>');
    expect(buttons(message?.blocks)).toEqual([
      expect.objectContaining({ action_id: 'choice:order_status', value: 'order_status' }),
      expect.objectContaining({ action_id: 'choice:human', value: 'human' }),
    ]);
  });

  it('splits text longer than a section into several messages', () => {
    const long = `${'word '.repeat(700)}`.trim();
    const messages = renderOutbound({ kind: 'text', text: long });
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(m.text.length).toBeLessThanOrEqual(SLACK_SECTION_TEXT_MAX);
    expect(messages.map((m) => m.text).join(' ')).toBe(long);
    expect(splitText('abc', 10)).toEqual(['abc']);
  });

  it('renders the debug of the last turn', () => {
    expect(renderDebug(null)).toContain('No turn recorded yet');
    const text = renderDebug({
      eventId: 'Ev1',
      intent: 'refund_status',
      confidence: 0.8123,
      kb: [{ id: 'r', title: 'Refund timing', score: 0.5 }],
      route: 'kb_answer',
      flow: 'order-status/ask_order',
    });
    expect(text).toContain('Intent: refund_status (confidence 0.81)');
    expect(text).toContain('Knowledge base: Refund timing (0.50)');
    expect(text).toContain('Flow: order-status/ask_order');
  });

  it('formats durations', () => {
    expect([0, 12 * 60_000, 60 * 60_000, 26 * 3600_000].map(formatDuration)).toEqual([
      'less than a minute',
      '12 min',
      '1 h',
      '1 d 2 h',
    ]);
  });
});
