import { describe, expect, it } from 'vitest';
import { shippedCopy } from '../../../src/copy/shipped-copy.ts';
import { decideDeskAction } from '../../../src/engine/decide/desk-action.ts';
import { decideSystemEvent } from '../../../src/engine/decide/system-event.ts';
import type { Effect } from '../../../src/engine/decision.ts';
import { newContext } from '../../../src/engine/turn-changes.ts';
import type { Capabilities } from '../../../src/model/capabilities.ts';
import type { ConversationContext } from '../../../src/model/context.ts';
import { toConversationKey } from '../../../src/model/conversation-key.ts';
import type { DeskAction, InboundAction, InboundSystemEvent } from '../../../src/model/inbound-event.ts';
import { outboundText } from '../../../src/model/outbound-message.ts';
import type { HandoffTicket, OwnershipState } from '../../../src/model/ownership.ts';
import type { CopyFor } from '../../../src/ports/copy.ts';

const ref = { platform: 'fake', workspace: 'w', channel: 'c', threadOrUser: 'u1' };
const NOW = 1_800_000_000_000;
const caps: Capabilities = { maxTextLength: 4000, maxButtons: 3, maxListItems: 10 };
const copy = shippedCopy();
const ticket: HandoffTicket = {
  id: 't-1',
  openedAt: NOW - 60_000,
  reason: 'asked',
  escalationLevel: 0,
  priority: 'normal',
};

function context(state: OwnershipState, extra: Partial<ConversationContext> = {}): ConversationContext {
  const base = newContext(toConversationKey(ref), ref, 'fake:u1', NOW - 120_000);
  return {
    ...base,
    ownership: state === 'bot' ? { state, since: NOW } : { state, since: NOW, ticket },
    lastInboundAt: NOW - 1_000,
    ...extra,
  };
}

let n = 0;
function action(a: DeskAction, ticketId: string | null = 't-1', by = 'U1'): InboundAction {
  n++;
  return {
    kind: 'action',
    id: `a${n}`,
    ref,
    at: NOW,
    actor: { id: by, role: 'staff', name: by },
    action: a,
    ...(ticketId ? { ticketId } : {}),
    replyContext: { channel: 'C1', user: by },
  };
}

const types = (effects: readonly Effect[]) => effects.map((e) => e.type);

describe('desk actions are checked against the stored state', () => {
  it('claims a waiting handoff and records who', () => {
    const d = decideDeskAction({
      event: action({ type: 'claim' }),
      context: context('waiting_for_human'),
      now: NOW,
      capabilities: caps,
      copy,
    });
    expect(d.context.ownership).toMatchObject({ state: 'human', ticket: { assignee: 'U1' } });
    expect(types(d.effects)).toEqual(['desk_update']);
  });

  it('answers a second claim to the clicker and changes nothing', () => {
    const claimed = context('human', {
      ownership: { state: 'human', since: NOW, ticket: { ...ticket, assignee: 'U1' } },
    });
    const d = decideDeskAction({
      event: action({ type: 'claim' }, 't-1', 'U2'),
      context: claimed,
      now: NOW,
      capabilities: caps,
      copy,
    });
    expect(d.context.ownership).toEqual(claimed.ownership);
    expect(d.effects).toEqual([
      expect.objectContaining({
        type: 'desk_reject',
        reason: 'Already claimed by U1.',
        replyContext: { channel: 'C1', user: 'U2' },
      }),
    ]);
  });

  it('refuses a button on an old card instead of acting on the current ticket', () => {
    const d = decideDeskAction({
      event: action({ type: 'resolve' }, 't-old'),
      context: context('human'),
      now: NOW,
      capabilities: caps,
      copy,
    });
    expect(d.context.ownership.state).toBe('human');
    expect(types(d.effects)).toEqual(['desk_reject']);
  });

  it('refuses an action that names no ticket', () => {
    const d = decideDeskAction({
      event: action({ type: 'claim' }, null),
      context: context('waiting_for_human'),
      now: NOW,
      capabilities: caps,
      copy,
    });
    expect(d.context.ownership.state).toBe('waiting_for_human');
    expect(types(d.effects)).toEqual(['desk_reject']);
  });

  it('escalates once per click: a double click at the same level is refused', () => {
    const first = decideDeskAction({
      event: action({ type: 'escalate', fromLevel: 0 }),
      context: context('human'),
      now: NOW,
      capabilities: caps,
      copy,
    });
    expect(first.context.ownership.ticket).toMatchObject({ escalationLevel: 1, priority: 'high' });
    const second = decideDeskAction({
      event: action({ type: 'escalate', fromLevel: 0 }),
      context: first.context,
      now: NOW,
      capabilities: caps,
      copy,
    });
    expect(second.context.ownership.ticket?.escalationLevel).toBe(1);
    expect(second.effects).toEqual([
      expect.objectContaining({ type: 'desk_reject', reason: 'Already escalated to level 1.' }),
    ]);
  });

  it('claims the ticket when a staff reply is the first action', () => {
    const d = decideDeskAction({
      event: action({ type: 'staff_reply', text: 'Hi, Sam here' }, 't-1', 'U9'),
      context: context('waiting_for_human'),
      now: NOW,
      capabilities: caps,
      copy,
    });
    expect(d.context.ownership).toMatchObject({ state: 'human', ticket: { assignee: 'U9' } });
    expect(types(d.effects)).toEqual(['desk_update', 'send', 'desk_confirm']);
  });

  it('refuses a staff reply after resolve, saying it was not sent', () => {
    const resolved = context('resolved');
    const d = decideDeskAction({
      event: action({ type: 'staff_reply', text: 'one more thing' }),
      context: resolved,
      now: NOW,
      capabilities: caps,
      copy,
    });
    expect(types(d.effects)).toEqual(['desk_reject']);
    expect(d.effects[0]).toMatchObject({ reason: expect.stringContaining('not sent') });
  });

  it('resolves, tells the customer, asks for a rating and waits for it', () => {
    const d = decideDeskAction({
      event: action({ type: 'resolve' }),
      context: context('human'),
      now: NOW,
      capabilities: caps,
      copy,
    });
    expect(d.context.ownership.state).toBe('resolved');
    expect(d.context.awaitingRating).toBe('t-1');
    expect(
      d.effects.filter((e) => e.type === 'send').map((e) => (e.type === 'send' ? e.purpose : '')),
    ).toEqual(['resolved', 'rating_request']);
  });
});

describe('what the customer hears after a staff action', () => {
  it('is in the language the customer last wrote in', () => {
    const d = decideDeskAction({
      event: action({ type: 'resolve' }),
      context: context('human', { language: 'es' }),
      now: NOW,
      capabilities: caps,
      copy,
    });
    const texts = d.effects.flatMap((e) => (e.type === 'send' ? [outboundText(e.message)] : []));
    expect(texts).toEqual([copy('es').resolved, copy('es').ratingRequest]);
    expect(texts[0]).not.toBe(copy('en').resolved);
  });

  it('comes from the copy the decider is given, not from the shipped files', () => {
    const asked: (string | undefined)[] = [];
    const custom: CopyFor = (locale) => {
      asked.push(locale);
      return { ...copy('en'), resolved: 'Sorted, cheers.', ratingRequest: 'Marks out of five?' };
    };
    const d = decideDeskAction({
      event: action({ type: 'resolve' }),
      context: context('human', { language: 'fr' }),
      now: NOW,
      capabilities: caps,
      copy: custom,
    });
    const texts = d.effects.flatMap((e) => (e.type === 'send' ? [outboundText(e.message)] : []));
    expect(texts).toEqual(['Sorted, cheers.', 'Marks out of five?']);
    expect(asked).toEqual(['fr', 'fr']);
  });
});

describe('system events', () => {
  const system = (patch: Partial<InboundSystemEvent>): InboundSystemEvent => ({
    kind: 'system',
    id: `s${++n}`,
    ref,
    at: NOW,
    type: 'unsupported_content',
    detail: 'sticker',
    ...patch,
  });

  it('keeps the bot silent on unsupported content while a human owns the conversation', () => {
    const d = decideSystemEvent({ event: system({}), context: context('human'), now: NOW, copy });
    expect(types(d.effects)).toEqual(['desk_relay']);
  });

  it('answers unsupported content politely while the bot owns the conversation', () => {
    const d = decideSystemEvent({ event: system({}), context: context('bot'), now: NOW, copy });
    expect(types(d.effects)).toEqual(['send']);
  });

  it('auto-escalates an unclaimed ticket, and ignores the timer once claimed or for another ticket', () => {
    const timer = system({
      type: 'timer',
      timer: 'auto_escalate',
      ticketId: 't-1',
      detail: 'unclaimed 15 min',
    });
    const fired = decideSystemEvent({ event: timer, context: context('waiting_for_human'), now: NOW, copy });
    expect(fired.context.ownership.ticket?.escalationLevel).toBe(1);
    expect(decideSystemEvent({ event: timer, context: context('human'), now: NOW, copy }).effects).toEqual(
      [],
    );
    const other = system({ type: 'timer', timer: 'auto_escalate', ticketId: 't-2', detail: 'x' });
    expect(
      decideSystemEvent({ event: other, context: context('waiting_for_human'), now: NOW, copy }).effects,
    ).toEqual([]);
  });
});
