import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logging/pino-logger.ts';
import { type Runtime, createRuntime } from '../../src/main.ts';
import type { InboundEvent } from '../../src/model/inbound-event.ts';
import type { Ticket } from '../../src/model/ticket.ts';
import type { EventSink } from '../../src/ports/event-sink.ts';
import {
  FirstHitAnswerer,
  KeywordClassifier,
  SAMPLE_ARTICLES,
  WordOverlapRetriever,
} from '../fakes/fake-understanding.ts';
import { FakeClock } from '../unit/desk/fake-clock.ts';

/**
 * Desk timers through the real engine, in the sandbox: the desk fires them into the
 * engine's queue and the engine decides what they mean (a reminder in the thread,
 * an escalation, a resolve). The clock is injected; polls are made by hand.
 */
describe('desk timers through the engine (sandbox, injected clock)', () => {
  let runtime: Runtime;
  let base: string;
  const clock = new FakeClock(Date.now());
  const ingested: InboundEvent[] = [];

  beforeAll(async () => {
    runtime = await createRuntime(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        DESK_UNCLAIMED_REMINDER_MINUTES: '15',
        DESK_AUTO_ESCALATE_MINUTES: '30',
        DESK_WAITING_REMINDER_MINUTES: '10',
        DESK_IDLE_RESOLVE_MINUTES: '60',
        DESK_TIMER_POLL_MS: '600000',
      }),
      {
        logger: silentLogger,
        clock,
        understanding: {
          classifier: new KeywordClassifier(),
          retriever: new WordOverlapRetriever(SAMPLE_ARTICLES),
          answerer: new FirstHitAnswerer(),
        },
      },
    );
    base = `http://127.0.0.1:${await runtime.start()}`;
  });
  afterAll(async () => {
    await runtime.stop();
  });

  /** The engine, counting what the desk's timers hand it. */
  const sink: EventSink = {
    async ingest(event) {
      ingested.push(event);
      return runtime.engine.ingest(event);
    },
  };

  async function post(path: string, body: unknown) {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await res.json()) as Record<string, unknown>;
  }
  const ticketOf = async (conversationId: string): Promise<Ticket> => {
    const res = await fetch(`${base}/sandbox/desk/tickets?state=all`);
    const { tickets } = (await res.json()) as { tickets: Ticket[] };
    const found = tickets.find((t) => t.ref.threadOrUser === conversationId);
    if (!found) throw new Error(`no ticket for ${conversationId}`);
    return (await runtime.desk.get(found.id)) as Ticket;
  };
  /** Polls until the engine has processed what the timers fired (turns run on the queue). */
  async function settle(check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('the engine did not process the timer event');
  }

  it('reminds an unclaimed handoff, then auto-escalates it, once each', async () => {
    await post('/sandbox/messages', { conversationId: 'timers-1', text: 'let me talk to a person' });
    clock.advanceMinutes(15);
    expect(await runtime.desk.fireDueTimers(sink)).toBe(1);
    expect(await runtime.desk.fireDueTimers(sink)).toBe(0);
    await settle(async () => (await ticketOf('timers-1')).thread.some((e) => e.text.startsWith('Reminder:')));

    clock.advanceMinutes(15);
    expect(await runtime.desk.fireDueTimers(sink)).toBe(1);
    await settle(async () => (await ticketOf('timers-1')).escalationLevel === 1);
    const ticket = await ticketOf('timers-1');
    expect(ticket).toMatchObject({ state: 'waiting_for_human', escalationLevel: 1, priority: 'high' });
    expect(ticket.thread.filter((e) => e.text.startsWith('Reminder:')).map((e) => e.text)).toEqual([
      'Reminder: Nobody has claimed this normal-priority handoff for 15 min.',
      'Reminder: Unclaimed for 30 min: escalated automatically.',
    ]);
    clock.advanceMinutes(120);
    expect(await runtime.desk.fireDueTimers(sink)).toBe(0);
    expect(ingested.map((e) => (e.kind === 'system' ? e.timer : e.kind))).toEqual([
      'unclaimed_reminder',
      'auto_escalate',
    ]);
  });

  it('resolves a handoff whose customer went silent after a staff reply, and tells the customer', async () => {
    ingested.length = 0;
    await post('/sandbox/messages', { conversationId: 'timers-2', text: 'let me talk to a person' });
    await post('/sandbox/desk/reply', { conversationId: 'timers-2', staff: 'alice', text: 'Here to help.' });
    const replied = await fetch(`${base}/sandbox/messages?conversationId=timers-2`);
    expect(((await replied.json()) as { replies: { text: string }[] }).replies.map((r) => r.text)).toEqual([
      'Here to help.',
    ]);
    clock.advanceMinutes(61);
    expect(await runtime.desk.fireDueTimers(sink)).toBe(1);
    await settle(async () => (await ticketOf('timers-2')).state === 'resolved');
    expect(ingested.map((e) => (e.kind === 'system' ? e.timer : e.kind))).toEqual(['idle_resolve']);
    const told = await fetch(`${base}/sandbox/messages?conversationId=timers-2`);
    expect(((await told.json()) as { replies: { text: string }[] }).replies[0]?.text).toMatch(/resolved/);
  });
});

describe('business hours in the handoff message (sandbox, injected clock)', () => {
  let runtime: Runtime;
  let base: string;

  beforeAll(async () => {
    runtime = await createRuntime(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        DESK_TIMEZONE: 'Europe/Madrid',
        DESK_HOURS: 'mon-fri 09:00-18:00',
        DESK_HOLIDAYS: '2026-01-19',
      }),
      {
        logger: silentLogger,
        // Saturday 2026-01-17, 20:00 in Madrid; Monday the 19th is a holiday.
        clock: new FakeClock(Date.parse('2026-01-17T19:00:00Z')),
        understanding: {
          classifier: new KeywordClassifier(),
          retriever: new WordOverlapRetriever(SAMPLE_ARTICLES),
          answerer: new FirstHitAnswerer(),
        },
      },
    );
    base = `http://127.0.0.1:${await runtime.start()}`;
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('tells a customer who asks for a person outside hours when the team is back', async () => {
    const res = await fetch(`${base}/sandbox/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId: 'hours-1', text: 'let me talk to a person' }),
    });
    const body = (await res.json()) as { state: string; replies: { text: string }[] };
    expect(body.state).toBe('waiting_for_human');
    expect(body.replies.map((r) => r.text).join('\n')).toContain('Tuesday at 09:00 (Europe/Madrid)');
  });
});
