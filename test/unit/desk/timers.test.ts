import { beforeEach, describe, expect, it } from 'vitest';
import { type Desk, type DeskConfig, createDesk } from '../../../src/desk/desk.ts';
import { MemoryTicketStore, MemoryTimerStore } from '../../../src/desk/memory-store.ts';
import { parseTimerMember, timerMember } from '../../../src/desk/store.ts';
import { parsePriorityMinutes, planOnOpen, planOnUpdate } from '../../../src/desk/timers.ts';
import { StoreUnavailableError } from '../../../src/errors.ts';
import { silentLogger } from '../../../src/logging/pino-logger.ts';
import type { InboundEvent } from '../../../src/model/inbound-event.ts';
import type { Ticket } from '../../../src/model/ticket.ts';
import type { EventSink } from '../../../src/ports/event-sink.ts';
import { FakeClock } from './fake-clock.ts';
import { RecordingFace } from './recording-face.ts';
import { contextFor, handoffRequest } from './requests.ts';

const timers: DeskConfig['timers'] = {
  unclaimedReminderMinutes: { normal: 15, high: 5, urgent: 2 },
  autoEscalateMinutes: { normal: 30, high: 15, urgent: 0 },
  waitingReminderMinutes: 10,
  idleResolveMinutes: 60,
  pollMs: 1000,
};

/** Records what it is given; `failNext` makes the next ingest fail like a Redis outage. */
class RecordingSink implements EventSink {
  readonly events: InboundEvent[] = [];
  failures = 0;
  async ingest(event: InboundEvent) {
    if (this.failures > 0) {
      this.failures--;
      throw new StoreUnavailableError('queue down');
    }
    this.events.push(event);
    return 'accepted' as const;
  }
}

describe('parsePriorityMinutes', () => {
  const fallback = { normal: 15, high: 5, urgent: 2 };
  it('reads per-priority minutes, one number for all, or keeps the fallback', () => {
    expect(parsePriorityMinutes('high=3, urgent=0', fallback)).toEqual({
      minutes: { normal: 15, high: 3, urgent: 0 },
    });
    expect(parsePriorityMinutes('20', fallback)).toEqual({ minutes: { normal: 20, high: 20, urgent: 20 } });
    expect(parsePriorityMinutes('', fallback)).toEqual({ minutes: fallback });
  });
  it('names the bad part', () => {
    expect(parsePriorityMinutes('normal:3', fallback)).toEqual({
      problem: '"normal:3" must look like normal=15 (priorities: normal, high, urgent)',
    });
    expect('problem' in parsePriorityMinutes('low=3', fallback)).toBe(true);
  });
});

describe('timer plans', () => {
  const ticket = {
    openedAt: 0,
    priority: 'urgent',
    state: 'waiting_for_human',
    escalationLevel: 0,
  } as Ticket;
  it('skips a timer configured to 0 minutes', () => {
    expect(planOnOpen(ticket, timers)).toEqual({
      cancel: [],
      schedule: [{ kind: 'unclaimed_reminder', dueAt: 2 * 60_000, keepEarlier: true }],
    });
  });
  it('cancels everything on resolve, the unclaimed timers on claim, auto-escalation after an escalation', () => {
    expect(planOnUpdate(ticket, { ...ticket, state: 'resolved' }, timers).cancel).toHaveLength(4);
    expect(planOnUpdate(ticket, { ...ticket, state: 'human', claimedAt: 100 }, timers)).toEqual({
      cancel: ['unclaimed_reminder', 'auto_escalate'],
      schedule: [{ kind: 'waiting_reminder', dueAt: 100 + 10 * 60_000, keepEarlier: true }],
    });
    expect(planOnUpdate(ticket, { ...ticket, escalationLevel: 1 }, timers)).toEqual({
      cancel: ['auto_escalate'],
      schedule: [],
    });
  });
  it('round-trips timer members even when the ticket id contains the separator', () => {
    expect(parseTimerMember(timerMember('hf_a|b', 'idle_resolve', 1234))).toEqual({
      ticketId: 'hf_a|b',
      kind: 'idle_resolve',
      dueAt: 1234,
    });
    expect(parseTimerMember('garbage')).toBeNull();
  });
});

describe('firing timers (memory stores, injected clock)', () => {
  let clock: FakeClock;
  let face: RecordingFace;
  let desk: Desk;
  let sink: RecordingSink;
  let ticketStore: MemoryTicketStore;
  let timerStore: MemoryTimerStore;

  const makeDesk = () =>
    createDesk({
      tickets: ticketStore,
      timers: timerStore,
      config: { routes: [], vipCustomers: [], defaultChannel: 'C_TRIAGE', timers },
      clock,
      logger: silentLogger,
      faces: [{ face }],
    });

  beforeEach(() => {
    clock = new FakeClock();
    face = new RecordingFace();
    ticketStore = new MemoryTicketStore({ clock });
    timerStore = new MemoryTimerStore();
    desk = makeDesk();
    sink = new RecordingSink();
  });

  it('reminds an unclaimed handoff after N minutes, then escalates after M, each once', async () => {
    const context = contextFor('34600123412');
    const opened = await desk.open(handoffRequest(context), 'ev:open');
    clock.advanceMinutes(14);
    expect(await desk.fireDueTimers(sink)).toBe(0);
    clock.advanceMinutes(1);
    expect(await desk.fireDueTimers(sink)).toBe(1);
    expect(await desk.fireDueTimers(sink)).toBe(0);
    expect(sink.events[0]).toEqual({
      kind: 'system',
      type: 'timer',
      timer: 'unclaimed_reminder',
      id: `timer_${opened.id}_unclaimed_reminder_${opened.openedAt + 15 * 60_000}`,
      ticketId: opened.id,
      ref: context.ref,
      at: opened.openedAt + 15 * 60_000,
      detail: 'Nobody has claimed this normal-priority handoff for 15 min.',
    });
    clock.advanceMinutes(15);
    expect(await desk.fireDueTimers(sink)).toBe(1);
    expect(sink.events.map((e) => (e.kind === 'system' ? e.timer : ''))).toEqual([
      'unclaimed_reminder',
      'auto_escalate',
    ]);
    clock.advanceMinutes(120);
    expect(await desk.fireDueTimers(sink)).toBe(0);
  });

  it('fires nothing for a handoff claimed in time', async () => {
    const context = contextFor('34600123412');
    const opened = await desk.open(handoffRequest(context), 'ev:open');
    clock.advanceMinutes(5);
    await desk.update(
      { ...opened, assignee: 'alice' },
      { state: 'human', since: clock.now() },
      context,
      'claim:0',
    );
    clock.advanceMinutes(9);
    expect(await desk.fireDueTimers(sink)).toBe(0);
    clock.advanceMinutes(1);
    // 10 minutes after the claim, without a staff reply: the waiting reminder.
    expect(await desk.fireDueTimers(sink)).toBe(1);
    expect(sink.events.map((e) => (e.kind === 'system' ? e.timer : ''))).toEqual(['waiting_reminder']);
  });

  it('hands each due timer to one of two desks polling at the same time', async () => {
    const other = makeDesk();
    const sinkB = new RecordingSink();
    for (let i = 0; i < 20; i++) {
      await desk.open(
        handoffRequest(contextFor(`U${i}`, { platform: 'slack' }), { ticketId: `hf_${i}` }),
        `o${i}:0`,
      );
    }
    clock.advanceMinutes(15);
    const [a, b] = await Promise.all([desk.fireDueTimers(sink), other.fireDueTimers(sinkB)]);
    expect(a + b).toBe(20);
    expect(new Set([...sink.events, ...sinkB.events].map((e) => e.id)).size).toBe(20);
  });

  it('fires a timer again with the same event id when ingesting failed, after its lease', async () => {
    await desk.open(handoffRequest(contextFor('34600123412')), 'ev:open');
    clock.advanceMinutes(15);
    sink.failures = 1;
    expect(await desk.fireDueTimers(sink)).toBe(0);
    clock.advanceMinutes(0.5);
    expect(await desk.fireDueTimers(sink)).toBe(0);
    clock.advanceMinutes(1);
    expect(await desk.fireDueTimers(sink)).toBe(1);
    expect(sink.events[0]?.id).toMatch(/_unclaimed_reminder_\d+$/);
    expect(sink.events[0]?.id).toBe(
      `timer_hf_whatsapp:34600123412_unclaimed_reminder_${Date.parse('2026-01-14T10:15:00Z')}`,
    );
  });

  it('drops a due timer whose ticket moved on', async () => {
    const context = contextFor('34600123412');
    const opened = await desk.open(handoffRequest(context), 'ev:open');
    // The engine resolved it but the cancel was lost: the poller still checks the state.
    await timerStore.apply(opened.id, {
      cancel: [],
      schedule: [{ kind: 'waiting_reminder', dueAt: clock.now() + 60_000, keepEarlier: false }],
    });
    clock.advanceMinutes(2);
    expect(await desk.fireDueTimers(sink)).toBe(0);
    expect(await desk.timersOf(opened.id)).toEqual([
      { kind: 'unclaimed_reminder', dueAt: opened.openedAt + 15 * 60_000 },
      { kind: 'auto_escalate', dueAt: opened.openedAt + 30 * 60_000 },
    ]);
  });

  it('polls on its own once started, and stops', async () => {
    const fired: InboundEvent[] = [];
    let resolveFired: () => void = () => {};
    const done = new Promise<void>((r) => {
      resolveFired = r;
    });
    const fast = createDesk({
      tickets: ticketStore,
      timers: timerStore,
      config: { routes: [], vipCustomers: [], defaultChannel: 'C', timers: { ...timers, pollMs: 100 } },
      clock,
      logger: silentLogger,
    });
    await fast.open(handoffRequest(contextFor('U1', { platform: 'slack' })), 'o:0');
    clock.advanceMinutes(15);
    fast.startTimers({
      async ingest(event) {
        fired.push(event);
        resolveFired();
        return 'accepted';
      },
    });
    await done;
    await fast.stop();
    expect(fired).toHaveLength(1);
  });
});
