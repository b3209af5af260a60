import { beforeEach, describe, expect, it } from 'vitest';
import { type Desk, type DeskConfig, createDesk } from '../../../src/desk/desk.ts';
import { MemoryTicketStore, MemoryTimerStore } from '../../../src/desk/memory-store.ts';
import { HandoffError } from '../../../src/errors.ts';
import { silentLogger } from '../../../src/logging/pino-logger.ts';
import type { ConversationContext } from '../../../src/model/context.ts';
import type { InboundMessage } from '../../../src/model/inbound-event.ts';
import type { HandoffTicket, Ownership } from '../../../src/model/ownership.ts';
import { DESK_REPLY_CONTEXT } from '../../../src/ports/desk-face.ts';
import { FakeClock } from './fake-clock.ts';
import { RecordingFace } from './recording-face.ts';
import { contextFor, handoffRequest } from './requests.ts';

const config: DeskConfig = {
  routes: [
    { vip: true, channel: 'C_VIP' },
    { language: 'es', channel: 'C_ES' },
  ],
  vipCustomers: ['whatsapp:34600000099'],
  defaultChannel: 'C_TRIAGE',
  timers: {
    unclaimedReminderMinutes: { normal: 15, high: 5, urgent: 2 },
    autoEscalateMinutes: { normal: 30, high: 15, urgent: 5 },
    waitingReminderMinutes: 10,
    idleResolveMinutes: 60,
    pollMs: 1000,
  },
};

let clock: FakeClock;
let slack: RecordingFace;
let sandbox: RecordingFace;
let desk: Desk;

beforeEach(() => {
  clock = new FakeClock();
  slack = new RecordingFace('slack');
  sandbox = new RecordingFace('sandbox');
  desk = createDesk({
    tickets: new MemoryTicketStore({ clock }),
    timers: new MemoryTimerStore(),
    config,
    clock,
    logger: silentLogger,
    faces: [{ face: slack, staff: { users: ['U_ALICE'] } }],
  });
  desk.addFace(sandbox, { anyNamed: true });
});

function customerMessage(
  context: ConversationContext,
  id: string,
  text: string,
  extra: Partial<InboundMessage> = {},
): InboundMessage {
  return {
    kind: 'message',
    id,
    ref: context.ref,
    at: clock.now(),
    from: { id: context.ref.threadOrUser, role: 'customer' },
    text,
    ...extra,
  };
}

async function openTicket(
  userId = '34600123412',
): Promise<{ ticket: HandoffTicket; context: ConversationContext }> {
  const context = contextFor(userId);
  const ticket = await desk.open(handoffRequest(context), 'ev_open:0');
  return { ticket, context };
}

const own = (state: Ownership['state']): Ownership => ({ state, since: clock.now() });

describe('open', () => {
  it('builds the card from the handoff request and posts it on every face once', async () => {
    const { ticket } = await openTicket();
    const stored = await desk.get(ticket.id);
    expect(stored).toMatchObject({
      id: 'hf_whatsapp:34600123412',
      state: 'waiting_for_human',
      priority: 'normal',
      escalationLevel: 0,
      reason: 'customer asked for a person',
      customer: { displayName: 'Ada Lovelace', platform: 'whatsapp', handle: '+34 •••• ••12', vip: false },
      intent: 'order_status',
      confidence: 0.823,
      sentiment: 'negative',
      language: 'es',
      summary: 'where is my order?\nit has been two weeks\nI want a person',
      kbTried: [
        { id: 'delivery-times', title: 'Delivery times', score: 0.55 },
        { id: 'track-order', title: 'Track your order', score: 0.47 },
      ],
      slots: { order_id: 'A1234' },
      channel: 'C_ES',
      openedAt: clock.now(),
      deskRefs: { slack: { channel: 'C_ES', ts: '1.000100' }, sandbox: { channel: 'C_ES', ts: '1.000100' } },
    });
    expect(slack.count('postCard')).toBe(1);
    expect(sandbox.count('postCard')).toBe(1);
    expect(ticket).toMatchObject({
      id: stored?.id,
      escalationLevel: 0,
      priority: 'normal',
      deskRef: { channel: 'C_ES', 'slack.channel': 'C_ES', 'slack.ts': '1.000100' },
    });
  });

  it('is idempotent by ticket id: a repeated open posts nothing more', async () => {
    const context = contextFor('34600123412');
    const first = await desk.open(handoffRequest(context), 'ev_open:0');
    const again = await desk.open(handoffRequest(context), 'ev_open:0');
    expect(again).toEqual(first);
    expect(slack.count('postCard')).toBe(1);
    expect(await desk.list()).toHaveLength(1);
  });

  it('finds the ticket behind a card by the face reference, whatever the key order', async () => {
    const { ticket } = await openTicket();
    expect((await desk.findByDeskRef('slack', { ts: '1.000100', channel: 'C_ES' }))?.id).toBe(ticket.id);
    expect(await desk.findByDeskRef('slack', { channel: 'C_ES', ts: '9.9' })).toBeNull();
    expect(await desk.findByDeskRef('discord', { channel: 'C_ES', ts: '1.000100' })).toBeNull();
  });

  it('when a face fails, throws and posts only the missing card on the retry', async () => {
    slack.failNext('postCard');
    const context = contextFor('34600123412');
    await expect(desk.open(handoffRequest(context), 'ev_open:0')).rejects.toBeInstanceOf(HandoffError);
    expect(sandbox.count('postCard')).toBe(1);
    expect(slack.count('postCard')).toBe(0);
    const ticket = await desk.open(handoffRequest(context), 'ev_open:0');
    expect(slack.count('postCard')).toBe(1);
    expect(sandbox.count('postCard')).toBe(1);
    expect(ticket.deskRef?.['slack.ts']).toBeDefined();
  });

  it('marks and routes configured VIPs, and falls back to the default channel', async () => {
    const vip = contextFor('34600000099');
    await desk.open(handoffRequest(vip), 'ev_vip:0');
    expect(await desk.get('hf_whatsapp:34600000099')).toMatchObject({
      customer: { vip: true },
      channel: 'C_VIP',
    });

    const plain = contextFor('U0PLAIN', { platform: 'slack' });
    const request = handoffRequest(plain, {
      understanding: null,
      profile: null,
      kbTried: [],
      slots: {},
    });
    await desk.open(request, 'ev_plain:0');
    expect(await desk.get(request.ticketId)).toMatchObject({
      channel: 'C_TRIAGE',
      customer: { displayName: 'Customer', handle: 'U0PLAIN', vip: false },
      intent: null,
      confidence: null,
      language: null,
    });
  });

  it('schedules the unclaimed reminder and auto-escalation by priority', async () => {
    const context = contextFor('34600123412');
    await desk.open(handoffRequest(context, { priority: 'high' }), 'ev_open:0');
    expect(await desk.timersOf('hf_whatsapp:34600123412')).toEqual([
      { kind: 'unclaimed_reminder', dueAt: clock.now() + 5 * 60_000 },
      { kind: 'auto_escalate', dueAt: clock.now() + 15 * 60_000 },
    ]);
  });
});

describe('relayCustomerMessage', () => {
  it('posts the message into every face thread once per key', async () => {
    const { ticket, context } = await openTicket();
    const message = customerMessage(context, 'wamid.1', 'any news?', {
      attachments: [{ kind: 'image', url: 'https://cdn.example.test/p.jpg', caption: 'the box' }],
    });
    await desk.relayCustomerMessage(ticket, message, context, 'wamid.1:relay');
    await desk.relayCustomerMessage(ticket, message, context, 'wamid.1:relay');
    expect(slack.entries(ticket.id)).toEqual([
      {
        from: 'customer',
        text: 'any news?\n[image https://cdn.example.test/p.jpg — the box]',
        at: clock.now(),
        by: '34600123412',
        eventId: 'wamid.1',
      },
    ]);
    expect(sandbox.count('postInThread')).toBe(1);
    const stored = await desk.get(ticket.id);
    expect(stored?.thread.at(-1)?.text).toMatch(/^any news\?/);
    expect(stored?.lastCustomerMessageAt).toBe(clock.now());
  });

  it('retries only the face that failed', async () => {
    const { ticket, context } = await openTicket();
    slack.failNext('postInThread');
    const message = customerMessage(context, 'wamid.2', 'hello?');
    await expect(desk.relayCustomerMessage(ticket, message, context, 'wamid.2:relay')).rejects.toThrow(
      HandoffError,
    );
    await desk.relayCustomerMessage(ticket, message, context, 'wamid.2:relay');
    expect(slack.count('postInThread')).toBe(1);
    expect(sandbox.count('postInThread')).toBe(1);
    expect((await desk.get(ticket.id))?.thread.filter((e) => e.from === 'customer')).toHaveLength(1);
  });

  it('keeps the thread bounded and clips long entries', async () => {
    const { ticket, context } = await openTicket();
    for (let i = 0; i < 60; i++) {
      await desk.relayCustomerMessage(
        ticket,
        customerMessage(context, `m${i}`, `message ${i}`),
        context,
        `m${i}:relay`,
      );
    }
    await desk.relayCustomerMessage(
      ticket,
      customerMessage(context, 'long', 'x'.repeat(5000)),
      context,
      'long:relay',
    );
    const thread = (await desk.get(ticket.id))?.thread ?? [];
    expect(thread).toHaveLength(50);
    expect(thread[0]?.text).toBe('message 11');
    expect(thread.at(-1)?.text.length).toBe(2000);
  });
});

describe('update', () => {
  it('records a claim, re-renders the card once per key and swaps the unclaimed timers for the waiting one', async () => {
    const { ticket, context } = await openTicket();
    clock.advanceMinutes(3);
    const claimed = { ...ticket, assignee: 'U_ALICE' };
    await desk.update(claimed, own('human'), context, 'act1:0');
    await desk.update(claimed, own('human'), context, 'act1:0');
    expect(await desk.get(ticket.id)).toMatchObject({
      state: 'human',
      assignee: 'U_ALICE',
      claimedAt: clock.now(),
    });
    expect((await desk.get(ticket.id))?.thread.at(-1)?.text).toBe('Claimed by U_ALICE');
    expect(slack.count('updateCard')).toBe(1);
    expect(slack.count('postEscalation')).toBe(0);
    expect(await desk.timersOf(ticket.id)).toEqual([
      { kind: 'waiting_reminder', dueAt: clock.now() + 10 * 60_000 },
    ]);
  });

  it('announces an escalation only when the level goes up', async () => {
    const { ticket, context } = await openTicket();
    const escalated: HandoffTicket = { ...ticket, escalationLevel: 1, priority: 'high' };
    await desk.update(escalated, own('waiting_for_human'), context, 'esc1:0');
    await desk.update(escalated, own('waiting_for_human'), context, 'esc2:0');
    expect(slack.count('postEscalation')).toBe(1);
    expect(slack.count('updateCard')).toBe(2);
    expect(await desk.get(ticket.id)).toMatchObject({ escalationLevel: 1, priority: 'high' });
    expect((await desk.timersOf(ticket.id)).map((t) => t.kind)).toEqual(['unclaimed_reminder']);
  });

  it('records who resolved and after how long, cancels every timer and closes the ticket', async () => {
    const { ticket, context } = await openTicket();
    await desk.update({ ...ticket, assignee: 'U_ALICE' }, own('human'), context, 'c:0');
    clock.advanceMinutes(12);
    const resolvedContext: ConversationContext = {
      ...context,
      transitions: [
        { from: 'human', to: 'resolved', by: 'U_BOB', at: clock.now(), reason: 'resolved by staff' },
      ],
    };
    await desk.update({ ...ticket, assignee: 'U_ALICE' }, own('resolved'), resolvedContext, 'r:0');
    const stored = await desk.get(ticket.id);
    expect(stored).toMatchObject({ state: 'resolved', resolvedBy: 'U_BOB', resolvedAt: clock.now() });
    expect(stored?.thread.at(-1)?.text).toBe('Resolved by U_BOB after 12 min');
    expect(await desk.timersOf(ticket.id)).toEqual([]);
    expect(await desk.list()).toEqual([]);
    expect((await desk.list({ state: 'resolved' })).map((t) => t.id)).toEqual([ticket.id]);
  });

  it('says "automatically" when a timer resolved it, and falls back to the assignee', async () => {
    const { ticket, context } = await openTicket();
    const byDesk: ConversationContext = {
      ...context,
      transitions: [{ from: 'human', to: 'resolved', by: 'desk', at: clock.now(), reason: 'idle' }],
    };
    await desk.update({ ...ticket, assignee: 'U_ALICE' }, own('resolved'), byDesk, 'r:0');
    expect((await desk.get(ticket.id))?.thread.at(-1)?.text).toBe('Resolved automatically after 0 s');

    const other = await openTicket('U0OTHER');
    await desk.update({ ...other.ticket, assignee: 'U_ALICE' }, own('resolved'), other.context, 'r2:0');
    expect((await desk.get(other.ticket.id))?.resolvedBy).toBe('U_ALICE');
  });
});

describe('notify, reject, confirmStaffReply, rate', () => {
  it('posts a notice into the thread, or once into the default channel without a ticket', async () => {
    const { ticket, context } = await openTicket();
    await desk.notify(ticket, { kind: 'reminder', text: 'Nobody claimed this' }, context, 't1:notify');
    expect(slack.entries(ticket.id).at(-1)?.text).toBe('Reminder: Nobody claimed this');
    await desk.notify(null, { kind: 'delivery_failed', text: 'dead letter', code: 'x' }, null, 'dl:0');
    await desk.notify(null, { kind: 'delivery_failed', text: 'dead letter', code: 'x' }, null, 'dl:0');
    const channelPosts = slack.calls.filter((c) => c.op === 'postInChannel');
    expect(channelPosts).toHaveLength(1);
    expect(channelPosts[0]).toMatchObject({
      reason: 'C_TRIAGE',
      entry: { text: 'Delivery failed (x): dead letter' },
    });
  });

  it('answers a refused action on the face it came from, once', async () => {
    const { ticket } = await openTicket();
    const rejection = {
      ticketId: ticket.id,
      actor: { id: 'alice', role: 'staff' as const },
      action: 'claim' as const,
      reason: 'Already claimed by U_BOB.',
      replyContext: { [DESK_REPLY_CONTEXT.face]: 'sandbox' },
    };
    await desk.reject(rejection, 'act9:reject');
    await desk.reject(rejection, 'act9:reject');
    expect(sandbox.count('tellActor')).toBe(1);
    expect(slack.count('tellActor')).toBe(0);
    await desk.reject({ ...rejection, replyContext: {} }, 'act10:reject');
    expect(slack.count('tellActor')).toBe(1);
  });

  it('confirms a staff reply on its face, shows it on the others and starts the idle timer', async () => {
    const { ticket, context } = await openTicket();
    await desk.update({ ...ticket, assignee: 'alice' }, own('human'), context, 'c:0');
    clock.advanceMinutes(2);
    const replyContext = {
      [DESK_REPLY_CONTEXT.face]: 'sandbox',
      [DESK_REPLY_CONTEXT.actor]: 'alice',
      [DESK_REPLY_CONTEXT.text]: 'It ships tomorrow.',
    };
    await desk.confirmStaffReply(ticket, replyContext, 'rep1:1:confirm');
    await desk.confirmStaffReply(ticket, replyContext, 'rep1:1:confirm');
    expect(sandbox.count('confirmStaffReply')).toBe(1);
    expect(slack.count('confirmStaffReply')).toBe(0);
    expect(slack.entries(ticket.id).at(-1)).toMatchObject({
      from: 'staff',
      text: 'It ships tomorrow.',
      by: 'alice',
    });
    expect(sandbox.entries(ticket.id).filter((e) => e.from === 'staff')).toEqual([]);
    expect(await desk.get(ticket.id)).toMatchObject({
      firstStaffReplyAt: clock.now(),
      lastStaffReplyAt: clock.now(),
    });
    expect(await desk.timersOf(ticket.id)).toEqual([
      { kind: 'idle_resolve', dueAt: clock.now() + 60 * 60_000 },
    ]);
  });

  it('stores the rating, posts it and re-renders the card', async () => {
    const { ticket } = await openTicket();
    await desk.rate(ticket, 4, 'rate1:rate');
    await desk.rate(ticket, 4, 'rate1:rate');
    expect((await desk.get(ticket.id))?.rating).toBe(4);
    expect(slack.entries(ticket.id).at(-1)?.text).toBe('Customer rated 4/5 ★★★★☆');
    expect(slack.count('updateCard')).toBe(1);
  });
});

describe('notes, listing and who may act', () => {
  it('adds an internal note to the thread and posts it everywhere but where it was written', async () => {
    const { ticket } = await openTicket();
    const updated = await desk.addNote(
      ticket.id,
      { id: 'alice', name: 'Alice', role: 'staff' },
      'VIP, be nice',
      {
        face: 'sandbox',
        idempotencyKey: 'note1',
      },
    );
    await desk.addNote(ticket.id, { id: 'alice', role: 'staff' }, 'VIP, be nice', {
      face: 'sandbox',
      idempotencyKey: 'note1',
    });
    expect(updated?.thread.at(-1)).toMatchObject({ from: 'note', text: 'VIP, be nice', by: 'Alice' });
    expect(slack.entries(ticket.id).filter((e) => e.from === 'note')).toHaveLength(1);
    expect(sandbox.entries(ticket.id)).toEqual([]);
    expect(await desk.addNote('hf_nope', { id: 'alice', role: 'staff' }, 'x')).toBeNull();
  });

  it('lists open tickets most urgent first, then oldest first', async () => {
    const a = contextFor('U1', { platform: 'slack' });
    const b = contextFor('U2', { platform: 'slack' });
    const c = contextFor('U3', { platform: 'slack' });
    await desk.open(handoffRequest(a, { ticketId: 'hf_a' }), 'a:0');
    clock.advanceMinutes(1);
    await desk.open(handoffRequest(b, { ticketId: 'hf_b', priority: 'urgent' }), 'b:0');
    clock.advanceMinutes(1);
    await desk.open(handoffRequest(c, { ticketId: 'hf_c' }), 'c:0');
    expect((await desk.list()).map((t) => t.id)).toEqual(['hf_b', 'hf_a', 'hf_c']);
    expect((await desk.list({ limit: 1 })).map((t) => t.id)).toEqual(['hf_b']);
    expect(await desk.list({ state: 'human' })).toEqual([]);
  });

  it('lets staff act by id list, by any name in the sandbox, or by membership; nobody else', async () => {
    let lookups = 0;
    desk.addFace(new RecordingFace('groupface'), {
      isMember: async (id) => {
        lookups++;
        if (id === 'U_BROKEN') throw new Error('lookup down');
        return id === 'U_MEMBER';
      },
    });
    expect(await desk.mayAct({ face: 'slack', id: 'U_ALICE' })).toBe(true);
    expect(await desk.mayAct({ face: 'slack', id: 'U_MALLORY' })).toBe(false);
    expect(await desk.mayAct({ face: 'sandbox', id: 'anyone' })).toBe(true);
    expect(await desk.mayAct({ face: 'sandbox', id: '  ' })).toBe(false);
    expect(await desk.mayAct({ face: 'groupface', id: 'U_MEMBER' })).toBe(true);
    expect(await desk.mayAct({ face: 'groupface', id: 'U_OTHER' })).toBe(false);
    expect(await desk.mayAct({ face: 'groupface', id: 'U_BROKEN' })).toBe(false);
    expect(lookups).toBe(3);
    expect(await desk.mayAct({ face: 'unknown', id: 'U_ALICE' })).toBe(false);
  });
});
