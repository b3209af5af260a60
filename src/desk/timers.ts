import type { InboundSystemEvent } from '../model/inbound-event.ts';
import type { OwnershipState } from '../model/ownership.ts';
import type { Ticket } from '../model/ticket.ts';
import type { Clock } from '../ports/clock.ts';
import type { EventSink } from '../ports/event-sink.ts';
import type { Logger } from '../ports/logger.ts';
import { DESK_LIMITS } from './limits.ts';
import type { DeskPriority } from './routing.ts';
import type { DeskTimerKind, DueTimer, TicketStore, TimerPlan, TimerStore } from './store.ts';

/**
 * Desk timers: an unclaimed handoff is reminded, then auto-escalated; a customer
 * waiting for a staff reply is reminded; a customer silent after a staff reply is
 * resolved. The desk core schedules and cancels them as tickets change (pure plans
 * below); a poller on every instance claims due timers atomically from the shared
 * store, so each fires once, and fires it as an `InboundSystemEvent` through the
 * `EventSink`: the engine decides what it means, ordered with the conversation's
 * other events.
 */

export type PriorityMinutes = Readonly<Record<DeskPriority, number>>;

export interface DeskTimerConfig {
  /** Minutes after opening before an unclaimed handoff is reminded (0 = never). */
  readonly unclaimedReminderMinutes: PriorityMinutes;
  /** Minutes after opening before an unclaimed handoff is escalated (0 = never). */
  readonly autoEscalateMinutes: PriorityMinutes;
  /** Minutes a customer waits for a staff reply before staff are reminded (0 = never). */
  readonly waitingReminderMinutes: number;
  /** Minutes of customer silence after a staff reply before the handoff is resolved (0 = never). */
  readonly idleResolveMinutes: number;
  /** How often each instance looks for due timers. */
  readonly pollMs: number;
}

const MINUTE = 60_000;
const PRIORITIES: readonly DeskPriority[] = ['normal', 'high', 'urgent'];

/**
 * Parses per-priority minutes: `normal=15,high=5,urgent=2`, or one number for all.
 * Priorities left out take `fallback`'s value.
 * @returns the minutes or a problem naming the bad part.
 */
export function parsePriorityMinutes(
  text: string,
  fallback: PriorityMinutes,
): { minutes: PriorityMinutes } | { problem: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { minutes: fallback };
  if (/^\d+$/.test(trimmed)) {
    const n = Number(trimmed);
    return { minutes: { normal: n, high: n, urgent: n } };
  }
  const minutes: Record<DeskPriority, number> = { ...fallback };
  for (const part of trimmed.split(',').map((p) => p.trim())) {
    const match = /^(normal|high|urgent)\s*=\s*(\d+)$/.exec(part);
    if (!match) return { problem: `"${part}" must look like normal=15 (priorities: normal, high, urgent)` };
    minutes[match[1] as DeskPriority] = Number(match[2]);
  }
  return { minutes };
}

/** Timers of a new handoff: the unclaimed reminder and the auto-escalation. */
export function planOnOpen(ticket: Ticket, config: DeskTimerConfig): TimerPlan {
  const schedule: TimerPlan['schedule'][number][] = [];
  const remind = config.unclaimedReminderMinutes[ticket.priority];
  const escalate = config.autoEscalateMinutes[ticket.priority];
  if (remind > 0)
    schedule.push({
      kind: 'unclaimed_reminder',
      dueAt: ticket.openedAt + remind * MINUTE,
      keepEarlier: true,
    });
  if (escalate > 0)
    schedule.push({ kind: 'auto_escalate', dueAt: ticket.openedAt + escalate * MINUTE, keepEarlier: true });
  return { cancel: [], schedule };
}

/** Timers after the ownership or level changed (`before` → `after`). */
export function planOnUpdate(before: Ticket, after: Ticket, config: DeskTimerConfig): TimerPlan {
  if (after.state === 'resolved' || after.state === 'bot') {
    return {
      cancel: ['unclaimed_reminder', 'auto_escalate', 'waiting_reminder', 'idle_resolve'],
      schedule: [],
    };
  }
  if (after.state === 'human' && before.state !== 'human') {
    const wait = config.waitingReminderMinutes;
    const since = after.claimedAt ?? after.openedAt;
    return {
      cancel: ['unclaimed_reminder', 'auto_escalate'],
      schedule:
        wait > 0 && !after.lastStaffReplyAt
          ? [{ kind: 'waiting_reminder', dueAt: since + wait * MINUTE, keepEarlier: true }]
          : [],
    };
  }
  if (after.escalationLevel > before.escalationLevel) return { cancel: ['auto_escalate'], schedule: [] };
  return { cancel: [], schedule: [] };
}

/** A customer message arrived: the customer is not idle; if staff own it, they are now waiting. */
export function planOnCustomerMessage(ticket: Ticket, at: number, config: DeskTimerConfig): TimerPlan {
  const wait = config.waitingReminderMinutes;
  return {
    cancel: ['idle_resolve'],
    schedule:
      ticket.state === 'human' && wait > 0
        ? [{ kind: 'waiting_reminder', dueAt: at + wait * MINUTE, keepEarlier: true }]
        : [],
  };
}

/** A staff reply reached the customer: nobody is waiting; start counting the customer's silence. */
export function planOnStaffReply(ticket: Ticket, at: number, config: DeskTimerConfig): TimerPlan {
  const idle = config.idleResolveMinutes;
  return {
    cancel: ['waiting_reminder'],
    schedule:
      ticket.state === 'human' && idle > 0
        ? [{ kind: 'idle_resolve', dueAt: at + idle * MINUTE, keepEarlier: false }]
        : [],
  };
}

const APPLIES_IN: Readonly<Record<DeskTimerKind, OwnershipState>> = {
  unclaimed_reminder: 'waiting_for_human',
  auto_escalate: 'waiting_for_human',
  waiting_reminder: 'human',
  idle_resolve: 'human',
};

/**
 * The event a due timer fires. Its id is fixed by the ticket, the kind and the due
 * time, so a timer fired twice (an instance died after firing, before completing)
 * is deduplicated by the engine like any redelivered event.
 */
export function timerEvent(timer: DueTimer, ticket: Ticket, config: DeskTimerConfig): InboundSystemEvent {
  return {
    kind: 'system',
    type: 'timer',
    id: `timer_${timer.ticketId}_${timer.kind}_${timer.dueAt}`,
    ref: ticket.ref,
    at: timer.dueAt,
    ticketId: timer.ticketId,
    timer: timer.kind,
    detail: timerDetail(timer, ticket, config),
  };
}

function timerDetail(timer: DueTimer, ticket: Ticket, config: DeskTimerConfig): string {
  const since = Math.max(0, Math.round((timer.dueAt - ticket.openedAt) / MINUTE));
  switch (timer.kind) {
    case 'unclaimed_reminder':
      return `Nobody has claimed this ${ticket.priority}-priority handoff for ${since} min.`;
    case 'auto_escalate':
      return `Unclaimed for ${since} min: escalated automatically.`;
    case 'waiting_reminder':
      return `The customer has been waiting ${config.waitingReminderMinutes} min for a staff reply.`;
    case 'idle_resolve':
      return `Resolved automatically: the customer did not write for ${config.idleResolveMinutes} min after the last staff reply.`;
  }
}

export interface TimerPollerDeps {
  readonly tickets: TicketStore;
  readonly timers: TimerStore;
  readonly config: DeskTimerConfig;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Claims the timers due now and fires each one whose ticket is still in the state it
 * was set for. Returns how many events were ingested. A failure leaves the timer
 * claimed; when the lease ends, any instance fires it again.
 */
export async function fireDueTimers(deps: TimerPollerDeps, sink: EventSink): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.timers.claimDue(now, now + DESK_LIMITS.timerLeaseMs, DESK_LIMITS.timerBatch);
  let fired = 0;
  for (const timer of due) {
    try {
      const record = await deps.tickets.get(timer.ticketId);
      if (record && record.ticket.state === APPLIES_IN[timer.kind]) {
        await sink.ingest(timerEvent(timer, record.ticket, deps.config));
        fired++;
      }
      await deps.timers.complete(timer);
    } catch (error) {
      deps.logger.warn(
        { err: error, ticket: timer.ticketId, timer: timer.kind },
        'desk timer not fired; retried after its lease',
      );
    }
  }
  return fired;
}

/** Runs `fireDueTimers` every `pollMs` until stopped; one poll at a time. */
export function startTimerPoller(deps: TimerPollerDeps, sink: EventSink): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const interval = setInterval(() => {
    if (running) return;
    running = fireDueTimers(deps, sink)
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'desk timer poll failed'))
      .finally(() => {
        running = null;
      });
  }, deps.config.pollMs);
  interval.unref();
  return {
    async stop() {
      clearInterval(interval);
      await running;
    },
  };
}
