import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Desk, type DeskConfig, createDesk } from '../../src/desk/desk.ts';
import { RedisTicketStore, RedisTimerStore } from '../../src/desk/redis-store.ts';
import { silentLogger } from '../../src/logging/pino-logger.ts';
import type { InboundEvent, InboundMessage } from '../../src/model/inbound-event.ts';
import type { HandoffTicket } from '../../src/model/ownership.ts';
import type { EventSink } from '../../src/ports/event-sink.ts';
import type { RedisClient } from '../../src/redis/connect.ts';
import {
  type RedisTarget,
  connectTarget,
  deletePrefix,
  redisTargets,
  uniquePrefix,
} from '../helpers/redis.ts';
import { FakeClock } from '../unit/desk/fake-clock.ts';
import { RecordingFace } from '../unit/desk/recording-face.ts';
import { contextFor, handoffRequest } from '../unit/desk/requests.ts';

const config: DeskConfig = {
  routes: [{ intent: 'billing_issue', channel: 'C_BILLING' }],
  vipCustomers: [],
  defaultChannel: 'C_TRIAGE',
  timers: {
    unclaimedReminderMinutes: { normal: 15, high: 5, urgent: 2 },
    autoEscalateMinutes: { normal: 30, high: 15, urgent: 5 },
    waitingReminderMinutes: 10,
    idleResolveMinutes: 60,
    pollMs: 60_000,
  },
};

/**
 * Stands in for the engine on timer events (what the lead's engine does): a reminder
 * becomes a notice in the thread, an auto-escalation raises the level. Counts every
 * event it is given, so a timer fired twice would show.
 */
class EngineStub implements EventSink {
  readonly events: InboundEvent[] = [];
  constructor(
    private readonly desk: Desk,
    private readonly tickets: Map<string, HandoffTicket>,
  ) {}
  async ingest(event: InboundEvent) {
    this.events.push(event);
    if (event.kind !== 'system' || event.type !== 'timer' || !event.ticketId) return 'accepted' as const;
    const ticket = this.tickets.get(event.ticketId);
    if (!ticket) return 'accepted' as const;
    const context = contextFor(ticket.id.replace('hf_whatsapp:', ''));
    if (event.timer === 'auto_escalate') {
      const escalated = { ...ticket, escalationLevel: ticket.escalationLevel + 1, priority: 'high' as const };
      this.tickets.set(ticket.id, escalated);
      await this.desk.update(
        escalated,
        { state: 'waiting_for_human', since: event.at },
        context,
        `${event.id}:0`,
      );
    }
    await this.desk.notify(ticket, { kind: 'reminder', text: event.detail }, context, `${event.id}:1`);
    return 'accepted' as const;
  }
}

describe.each(redisTargets())('desk core on Redis ($name)', (target: RedisTarget) => {
  let admin: RedisClient;
  const connections: RedisClient[] = [];
  let prefix: string;

  beforeAll(() => {
    admin = connectTarget(target);
  });
  afterEach(async () => {
    await deletePrefix(admin, prefix);
    await Promise.all(connections.splice(0).map((c) => c.quit()));
  });
  afterAll(async () => {
    await admin.quit();
  });

  /** One desk instance, as one process would have it: its own connection and face. */
  function instance(
    clock: FakeClock,
    face = new RecordingFace('slack'),
  ): { desk: Desk; face: RecordingFace } {
    const redis = connectTarget(target);
    connections.push(redis);
    const desk = createDesk({
      tickets: new RedisTicketStore({ redis, prefix }),
      timers: new RedisTimerStore({ redis, prefix }),
      config,
      clock,
      logger: silentLogger,
      faces: [{ face, staff: { users: ['U_ALICE'] } }],
    });
    return { desk, face };
  }

  it('loses nothing across a restart: the ticket, its thread, the card mapping and the timers', async () => {
    prefix = uniquePrefix('desk-restart');
    const clock = new FakeClock();
    const before = instance(clock);
    const context = contextFor('34600123412');
    const ticket = await before.desk.open(handoffRequest(context), 'ev1:0');
    const message: InboundMessage = {
      kind: 'message',
      id: 'wamid.2',
      ref: context.ref,
      at: clock.now(),
      from: { id: '34600123412', role: 'customer' },
      text: 'still waiting',
    };
    await before.desk.relayCustomerMessage(ticket, message, context, 'wamid.2:relay');
    await Promise.all(connections.splice(0).map((c) => c.quit()));

    const after = instance(clock);
    const restored = await after.desk.get(ticket.id);
    expect(restored?.thread.map((e) => e.text)).toEqual([
      'Handed off: customer asked for a person',
      'still waiting',
    ]);
    expect((await after.desk.findByDeskRef('slack', restored?.deskRefs.slack ?? {}))?.id).toBe(ticket.id);
    expect((await after.desk.list()).map((t) => t.id)).toEqual([ticket.id]);
    // The repeated relay (a resumed turn on the new process) posts nothing again.
    await after.desk.relayCustomerMessage(ticket, message, context, 'wamid.2:relay');
    expect(after.face.count('postInThread')).toBe(0);

    const sink = new EngineStub(after.desk, new Map([[ticket.id, ticket]]));
    clock.advanceMinutes(15);
    expect(await after.desk.fireDueTimers(sink)).toBe(1);
    expect(sink.events[0]).toMatchObject({ kind: 'system', type: 'timer', timer: 'unclaimed_reminder' });
  });

  it('with two instances, reminds an unclaimed handoff and then auto-escalates it, each exactly once', async () => {
    prefix = uniquePrefix('desk-timers');
    const clock = new FakeClock();
    const a = instance(clock);
    const b = instance(clock);
    const context = contextFor('34600123412');
    const opened = await a.desk.open(handoffRequest(context), 'ev1:0');
    const state = new Map([[opened.id, opened]]);
    const sinkA = new EngineStub(a.desk, state);
    const sinkB = new EngineStub(b.desk, state);
    const pollBoth = () => Promise.all([a.desk.fireDueTimers(sinkA), b.desk.fireDueTimers(sinkB)]);

    for (let minute = 1; minute <= 45; minute++) {
      clock.advanceMinutes(1);
      await pollBoth();
      await pollBoth();
    }

    const fired = [...sinkA.events, ...sinkB.events];
    expect(fired.map((e) => (e.kind === 'system' ? e.timer : e.kind))).toEqual([
      'unclaimed_reminder',
      'auto_escalate',
    ]);
    expect(fired[0]?.at).toBe(opened.openedAt + 15 * 60_000);
    expect(fired[1]?.at).toBe(opened.openedAt + 30 * 60_000);
    // Effects counted at the faces of both instances.
    const posted = [...a.face.entries(), ...b.face.entries()].map((e) => e.text);
    expect(posted).toEqual([
      'Reminder: Nobody has claimed this normal-priority handoff for 15 min.',
      'Reminder: Unclaimed for 30 min: escalated automatically.',
    ]);
    expect(a.face.count('postEscalation') + b.face.count('postEscalation')).toBe(1);
    expect(await a.desk.get(opened.id)).toMatchObject({ escalationLevel: 1, priority: 'high' });
    expect(await b.desk.timersOf(opened.id)).toEqual([]);
  });

  it('fires a claimed timer again, with the same id, when the instance that claimed it died', async () => {
    prefix = uniquePrefix('desk-lease');
    const clock = new FakeClock();
    const a = instance(clock);
    const b = instance(clock);
    const opened = await a.desk.open(handoffRequest(contextFor('34600123412')), 'ev1:0');
    clock.advanceMinutes(15);
    const dying: EventSink = {
      async ingest() {
        throw new Error('process died before the event was queued');
      },
    };
    expect(await a.desk.fireDueTimers(dying)).toBe(0);
    const sink = new EngineStub(b.desk, new Map([[opened.id, opened]]));
    expect(await b.desk.fireDueTimers(sink)).toBe(0);
    clock.advance(61_000);
    expect(await b.desk.fireDueTimers(sink)).toBe(1);
    expect(sink.events[0]?.id).toBe(`timer_${opened.id}_unclaimed_reminder_${opened.openedAt + 15 * 60_000}`);
  });

  it('keeps every concurrent write to one ticket from two instances (compare-and-set)', async () => {
    prefix = uniquePrefix('desk-cas');
    const clock = new FakeClock();
    const a = instance(clock);
    const b = instance(clock);
    const context = contextFor('34600123412');
    const ticket = await a.desk.open(handoffRequest(context), 'ev1:0');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).desk.addNote(ticket.id, { id: 'alice', role: 'staff' }, `note ${i}`, {
          idempotencyKey: `note-${i}`,
        }),
      ),
    );
    const notes = (await b.desk.get(ticket.id))?.thread.filter((e) => e.from === 'note').map((e) => e.text);
    expect(notes?.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `note ${i}`).sort());
    expect(a.face.count('postInThread') + b.face.count('postInThread')).toBe(20);
  });

  it('routes by the configured rules and lists closed tickets separately', async () => {
    prefix = uniquePrefix('desk-route');
    const clock = new FakeClock();
    const { desk } = instance(clock);
    const context = contextFor('U0BILL', { platform: 'slack' });
    const request = handoffRequest(context, {
      understanding: {
        intent: 'billing_issue',
        confidence: 0.9,
        signals: { sentiment: 'neutral', urgency: 'normal', humanRequested: false, language: 'en' },
        source: 'local',
      },
    });
    const ticket = await desk.open(request, 'bill:0');
    expect(ticket.deskRef).toMatchObject({ channel: 'C_BILLING' });
    await desk.update(ticket, { state: 'resolved', since: clock.now() }, context, 'bill-r:0');
    expect(await desk.list()).toEqual([]);
    expect((await desk.list({ state: ['resolved'] })).map((t) => t.id)).toEqual([ticket.id]);
  });
});
