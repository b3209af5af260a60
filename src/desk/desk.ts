import { randomUUID } from 'node:crypto';
import { HandoffError } from '../errors.ts';
import type { ConversationContext } from '../model/context.ts';
import type { Participant } from '../model/conversation-ref.ts';
import type { InboundMessage, ReplyContext } from '../model/inbound-event.ts';
import type { HandoffTicket, Ownership } from '../model/ownership.ts';
import type { Ticket, TicketThreadEntry } from '../model/ticket.ts';
import type { Clock } from '../ports/clock.ts';
import {
  DESK_REPLY_CONTEXT,
  type DeskActor,
  type DeskCore,
  type DeskFace,
  type StaffRule,
  type TicketFilter,
} from '../ports/desk-face.ts';
import type { EventSink } from '../ports/event-sink.ts';
import type { DeskNotice, DeskRejection, HandoffDesk, HandoffRequest } from '../ports/handoff-desk.ts';
import type { Logger } from '../ports/logger.ts';
import { appendThread, buildTicket } from './build-ticket.ts';
import { DESK_LIMITS } from './limits.ts';
import { type DeskPriority, type DeskRoute, isVip, routeHandoff } from './routing.ts';
import type { DeskStep, StoredTicket, TicketStore, TimerStore } from './store.ts';
import {
  type DeskTimerConfig,
  fireDueTimers,
  planOnCustomerMessage,
  planOnOpen,
  planOnStaffReply,
  planOnUpdate,
  startTimerPoller,
} from './timers.ts';

export interface DeskConfig {
  readonly routes: readonly DeskRoute[];
  readonly vipCustomers: readonly string[];
  /** Where handoffs go when no rule matches (`SLACK_TRIAGE_CHANNEL`, or `sandbox`). */
  readonly defaultChannel: string;
  readonly timers: DeskTimerConfig;
}

export interface DeskFaceRegistration {
  readonly face: DeskFace;
  /** Who may act through this face; none = nobody. */
  readonly staff?: StaffRule;
}

export interface DeskDeps {
  readonly tickets: TicketStore;
  readonly timers: TimerStore;
  readonly config: DeskConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly faces?: readonly DeskFaceRegistration[];
}

/**
 * The desk core: the engine's `HandoffDesk` and the faces' `DeskCore` in one.
 * Platform-free and durable (the stores decide: Redis or memory).
 */
export interface Desk extends HandoffDesk, DeskCore {
  /** Registers a face (Slack, sandbox) and who may act through it. Tickets opened later get its card. */
  addFace(face: DeskFace, staff?: StaffRule): void;
  /** Timers scheduled for a ticket (kind and due time), for display and tests. */
  timersOf(ticketId: string): Promise<readonly { readonly kind: string; readonly dueAt: number }[]>;
  /** Starts polling for due timers every `pollMs`, firing them into `sink`. */
  startTimers(sink: EventSink): void;
  /** One poll, now: fires the due timers into `sink`; returns how many fired. */
  fireDueTimers(sink: EventSink): Promise<number>;
  stop(): Promise<void>;
}

/** Who the engine records as resolving when a timer resolved the handoff. */
const AUTOMATIC = 'desk';

const PRIORITY_RANK: Readonly<Record<DeskPriority, number>> = { normal: 0, high: 1, urgent: 2 };

type StepSpec = DeskStep extends infer S ? (S extends DeskStep ? Omit<S, 'id' | 'key'> : never) : never;

/**
 * Creates the desk core. Every `HandoffDesk` call is applied to its ticket once per
 * idempotency key: the ticket change and the side effects it needs (card posts,
 * thread entries, timers) are written together, then the side effects are performed
 * and crossed off one by one. Repeating a call performs only what is left, so a
 * resumed engine turn never posts twice; the one window is a crash between a face's
 * success and the crossing-off, where that one step repeats.
 */
export function createDesk(deps: DeskDeps): Desk {
  const { tickets, timers, config, clock, logger } = deps;
  const faces = new Map<string, DeskFaceRegistration>();
  for (const registration of deps.faces ?? []) faces.set(registration.face.name, registration);
  let poller: { stop(): Promise<void> } | null = null;

  function faceSteps(make: (face: string) => StepSpec | null, except?: string): StepSpec[] {
    return [...faces.keys()].flatMap((face) => {
      if (face === except) return [];
      const step = make(face);
      return step ? [step] : [];
    });
  }

  /**
   * Applies `change` to the ticket once for `key` (recording its steps in the
   * ticket's outbox), then performs the outbox steps of `key`. Null when the ticket is unknown.
   */
  async function apply(
    ticketId: string,
    key: string,
    change: (ticket: Ticket) => { ticket: Ticket; steps: StepSpec[] },
  ): Promise<Ticket | null> {
    const record = await tickets.update(ticketId, (current) => {
      if (current.applied.includes(key)) return null;
      const { ticket, steps } = change(current.ticket);
      return {
        ...current,
        ticket,
        applied: [...current.applied, key].slice(-DESK_LIMITS.appliedKeys),
        outbox: [
          ...current.outbox,
          ...steps.map((s, i) => ({ ...s, key, id: `${key}#${i}` }) as DeskStep),
        ].slice(-DESK_LIMITS.outboxSteps),
      };
    });
    if (!record) return null;
    return drain(record, key);
  }

  /** Performs the outbox steps of `key`, crossing each off; throws after trying them all if any failed. */
  async function drain(start: StoredTicket, key: string): Promise<Ticket> {
    let record = start;
    const failures: unknown[] = [];
    for (const step of start.outbox.filter((s) => s.key === key)) {
      try {
        const patch = await perform(step, record.ticket);
        record =
          (await tickets.update(record.ticket.id, (current) => ({
            ...current,
            ticket: patch ? patch(current.ticket) : current.ticket,
            outbox: current.outbox.filter((s) => s.id !== step.id),
          }))) ?? record;
      } catch (error) {
        failures.push(error);
        logger.warn(
          { err: error, ticket: record.ticket.id, op: step.op },
          'desk step failed; retried with the call',
        );
      }
    }
    if (failures.length > 0) {
      throw new HandoffError(`${failures.length} desk step(s) failed for ticket ${record.ticket.id}`, {
        cause: failures[0],
      });
    }
    return record.ticket;
  }

  /** Performs one step; may return a change to the ticket (the card's location). */
  async function perform(step: DeskStep, ticket: Ticket): Promise<((t: Ticket) => Ticket) | null> {
    if (step.op === 'timers') {
      await timers.apply(ticket.id, step.plan);
      return null;
    }
    const face = faces.get(step.face)?.face;
    if (!face) {
      logger.warn(
        { ticket: ticket.id, face: step.face, op: step.op },
        'desk face no longer registered; step dropped',
      );
      return null;
    }
    switch (step.op) {
      case 'postCard': {
        const ref = await face.postCard(ticket, step.id);
        await tickets.putRef(face.name, ref, ticket.id);
        return (t) => ({ ...t, deskRefs: { ...t.deskRefs, [face.name]: ref } });
      }
      case 'updateCard':
        await face.updateCard(ticket, step.id);
        return null;
      case 'postEscalation':
        await face.postEscalation(ticket, step.id);
        return null;
      case 'postInThread':
        await face.postInThread(ticket, step.entry, step.id);
        return null;
      case 'confirmStaffReply':
        await face.confirmStaffReply(ticket, step.replyContext, step.id);
        return null;
    }
  }

  /** Calls that touch no ticket: done once per key (remembered for a while). */
  async function once(key: string, run: () => Promise<void>): Promise<void> {
    if (await tickets.isDone(key)) return;
    await run();
    await tickets.markDone(key);
  }

  /** The faces an answer to an actor goes to: the one the action came from, or all. */
  function originFaces(replyContext: ReplyContext | undefined): DeskFace[] {
    const origin = replyContext?.[DESK_REPLY_CONTEXT.face];
    const registration = origin ? faces.get(origin) : undefined;
    return registration ? [registration.face] : [...faces.values()].map((r) => r.face);
  }

  const desk: Desk = {
    addFace(face, staff) {
      faces.set(face.name, { face, ...(staff ? { staff } : {}) });
    },

    async open(request: HandoffRequest, key: string): Promise<HandoffTicket> {
      let record = await tickets.get(request.ticketId);
      if (!record) {
        const now = clock.now();
        const draft = buildTicket(request, {
          now,
          channel: config.defaultChannel,
          vip: isVip(request.context.customerId, config),
        });
        const { channel } = routeHandoff(
          {
            intent: draft.intent,
            platform: draft.customer.platform,
            language: draft.language,
            vip: draft.customer.vip,
            priority: draft.priority,
          },
          config.routes,
          config.defaultChannel,
        );
        const ticket: Ticket = { ...draft, channel };
        const steps: StepSpec[] = [
          { op: 'timers', plan: planOnOpen(ticket, config.timers) },
          ...faceSteps((face) => ({ op: 'postCard', face })),
        ];
        record = await tickets.create({
          ticket,
          openKey: key,
          applied: [key],
          outbox: steps.map((s, i) => ({ ...s, key, id: `${key}#${i}` }) as DeskStep),
        });
        logger.info({ ticket: ticket.id, channel, priority: ticket.priority }, 'desk: handoff opened');
      }
      return toHandoffTicket(await drain(record, record.openKey));
    },

    async relayCustomerMessage(ticket, message: InboundMessage, _context, key) {
      const applied = await apply(ticket.id, key, (t) => {
        const entry: TicketThreadEntry = {
          from: 'customer',
          text: messageText(message),
          at: message.at,
          by: message.from.id,
          eventId: message.id,
        };
        return {
          ticket: { ...t, thread: appendThread(t.thread, entry), lastCustomerMessageAt: message.at },
          steps: [
            { op: 'timers', plan: planOnCustomerMessage(t, message.at, config.timers) },
            ...faceSteps((face) => ({ op: 'postInThread', face, entry })),
          ],
        };
      });
      if (!applied)
        logger.warn({ ticket: ticket.id }, 'desk: customer message for an unknown ticket not relayed');
    },

    async update(ticket, ownership: Ownership, context: ConversationContext, key) {
      const applied = await apply(ticket.id, key, (t) => {
        const now = clock.now();
        const state = ownership.state;
        const level = Math.max(t.escalationLevel, ticket.escalationLevel);
        const priority = higher(t.priority, ticket.priority ?? t.priority);
        const assignee = ticket.assignee ?? t.assignee;
        const claimedAt = t.claimedAt ?? (state === 'human' || state === 'resolved' ? now : undefined);
        const resolving = state === 'resolved' && t.state !== 'resolved';
        const resolvedBy = resolving ? (resolverOf(context) ?? assignee ?? 'staff') : t.resolvedBy;
        const resolvedAt = resolving ? now : t.resolvedAt;
        const next: Ticket = {
          ...t,
          state,
          escalationLevel: level,
          priority,
          ...(assignee ? { assignee } : {}),
          ...(claimedAt !== undefined ? { claimedAt } : {}),
          ...(resolvedAt !== undefined ? { resolvedAt } : {}),
          ...(resolvedBy !== undefined ? { resolvedBy } : {}),
        };
        const entries: TicketThreadEntry[] = [];
        if (assignee && assignee !== t.assignee)
          entries.push({ from: 'system', text: `Claimed by ${assignee}`, at: now, by: assignee });
        if (level > t.escalationLevel)
          entries.push({
            from: 'system',
            text: `Escalated to level ${level} (${priority} priority)`,
            at: now,
          });
        if (resolving)
          entries.push({
            from: 'system',
            text: `Resolved ${resolvedBy === AUTOMATIC ? 'automatically' : `by ${resolvedBy}`} after ${formatDuration(now - t.openedAt)}`,
            at: now,
            ...(resolvedBy ? { by: resolvedBy } : {}),
          });
        const escalated = level > t.escalationLevel;
        return {
          ticket: { ...next, thread: appendThread(t.thread, ...entries) },
          steps: [
            { op: 'timers', plan: planOnUpdate(t, next, config.timers) },
            ...faceSteps((face) => ({ op: 'updateCard', face })),
            ...(escalated ? faceSteps((face) => ({ op: 'postEscalation', face })) : []),
          ],
        };
      });
      if (!applied) logger.warn({ ticket: ticket.id }, 'desk: update for an unknown ticket ignored');
    },

    async notify(ticket, notice: DeskNotice, _context, key) {
      const entry = (): TicketThreadEntry => ({ from: 'system', text: noticeText(notice), at: clock.now() });
      if (ticket) {
        const applied = await apply(ticket.id, key, (t) => {
          const e = entry();
          return {
            ticket: { ...t, thread: appendThread(t.thread, e) },
            steps: faceSteps((face) => ({ op: 'postInThread', face, entry: e })),
          };
        });
        if (applied) return;
      }
      await once(key, async () => {
        const e = entry();
        for (const { face } of faces.values()) await face.postInChannel?.(config.defaultChannel, e, key);
        logger.warn({ kind: notice.kind, code: notice.code }, 'desk: notice without a ticket');
      });
    },

    async reject(rejection: DeskRejection, key: string) {
      await once(key, async () => {
        for (const face of originFaces(rejection.replyContext)) await face.tellActor(rejection, key);
      });
    },

    async confirmStaffReply(ticket, replyContext: ReplyContext, key) {
      const origin = replyContext[DESK_REPLY_CONTEXT.face];
      const originKnown = origin !== undefined && faces.has(origin);
      await apply(ticket.id, key, (t) => {
        const now = clock.now();
        const text = replyContext[DESK_REPLY_CONTEXT.text];
        const by = replyContext[DESK_REPLY_CONTEXT.actor] ?? ticket.assignee;
        const entry: TicketThreadEntry = {
          from: 'staff',
          text: text ?? '(a staff reply was delivered)',
          at: now,
          ...(by ? { by } : {}),
        };
        return {
          ticket: {
            ...t,
            firstStaffReplyAt: t.firstStaffReplyAt ?? now,
            lastStaffReplyAt: now,
            thread: appendThread(t.thread, entry),
          },
          steps: [
            { op: 'timers', plan: planOnStaffReply(t, now, config.timers) },
            ...faceSteps((face) =>
              !originKnown || face === origin ? { op: 'confirmStaffReply', face, replyContext } : null,
            ),
            // The other faces see the reply in their thread; the origin already shows it.
            ...(originKnown && text !== undefined
              ? faceSteps((face) => ({ op: 'postInThread', face, entry }), origin)
              : []),
          ],
        };
      });
    },

    async rate(ticket, score, key) {
      await apply(ticket.id, key, (t) => {
        const entry: TicketThreadEntry = {
          from: 'system',
          text: `Customer rated ${score}/5 ${'★'.repeat(score)}${'☆'.repeat(Math.max(0, 5 - score))}`,
          at: clock.now(),
        };
        return {
          ticket: { ...t, rating: score, thread: appendThread(t.thread, entry) },
          steps: [
            ...faceSteps((face) => ({ op: 'postInThread', face, entry })),
            ...faceSteps((face) => ({ op: 'updateCard', face })),
          ],
        };
      });
    },

    async get(ticketId) {
      return (await tickets.get(ticketId))?.ticket ?? null;
    },

    async findByDeskRef(face, ref) {
      const id = await tickets.findRef(face, ref);
      return id === null ? null : desk.get(id);
    },

    async list(filter: TicketFilter = {}) {
      const states = new Set(
        filter.state === undefined
          ? ['waiting_for_human', 'human']
          : typeof filter.state === 'string'
            ? [filter.state]
            : filter.state,
      );
      const limit = filter.limit ?? 100;
      const ids = [
        ...(states.has('waiting_for_human') || states.has('human')
          ? await tickets.listIds('open', DESK_LIMITS.openIndex)
          : []),
        ...(states.has('resolved') || states.has('bot')
          ? await tickets.listIds('closed', DESK_LIMITS.closedIndex)
          : []),
      ];
      const records = await tickets.getMany([...new Set(ids)]);
      return records
        .map((r) => r.ticket)
        .filter((t) => states.has(t.state))
        .sort((a, b) => PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || a.openedAt - b.openedAt)
        .slice(0, limit);
    },

    async addNote(ticketId: string, staff: Participant, text: string, options = {}) {
      const key = options.idempotencyKey ?? `note_${randomUUID()}`;
      return apply(ticketId, key, (t) => {
        const entry: TicketThreadEntry = { from: 'note', text, at: clock.now(), by: staff.name ?? staff.id };
        return {
          ticket: { ...t, thread: appendThread(t.thread, entry) },
          steps: faceSteps((face) => ({ op: 'postInThread', face, entry }), options.face),
        };
      });
    },

    async mayAct(actor: DeskActor) {
      const rule = faces.get(actor.face)?.staff;
      if (!rule) return false;
      if (rule.users?.includes(actor.id)) return true;
      if (rule.anyNamed && actor.id.trim() !== '') return true;
      if (!rule.isMember) return false;
      try {
        return await rule.isMember(actor.id);
      } catch (error) {
        logger.warn({ err: error, face: actor.face }, 'desk: staff membership lookup failed; refusing');
        return false;
      }
    },

    async timersOf(ticketId) {
      return timers.scheduled(ticketId);
    },

    startTimers(sink) {
      if (poller) return;
      poller = startTimerPoller({ tickets, timers, config: config.timers, clock, logger }, sink);
    },

    fireDueTimers(sink) {
      return fireDueTimers({ tickets, timers, config: config.timers, clock, logger }, sink);
    },

    async stop() {
      await poller?.stop();
      poller = null;
    },
  };
  return desk;
}

/** What the engine stores about the ticket. `deskRef` flattens each face's card location (`slack.ts`). */
function toHandoffTicket(ticket: Ticket): HandoffTicket {
  const deskRef: Record<string, string> = { channel: ticket.channel };
  for (const [face, ref] of Object.entries(ticket.deskRefs)) {
    for (const [k, v] of Object.entries(ref)) deskRef[`${face}.${k}`] = v;
  }
  return {
    id: ticket.id,
    openedAt: ticket.openedAt,
    reason: ticket.reason,
    escalationLevel: ticket.escalationLevel,
    priority: ticket.priority,
    deskRef,
    ...(ticket.assignee ? { assignee: ticket.assignee } : {}),
  };
}

function higher(a: DeskPriority, b: DeskPriority): DeskPriority {
  return PRIORITY_RANK[b] > PRIORITY_RANK[a] ? b : a;
}

/** Who resolved, from the recorded transitions (newest first). */
function resolverOf(context: ConversationContext): string | undefined {
  const by = [...context.transitions].reverse().find((t) => t.to === 'resolved')?.by;
  return by && by !== 'bot' ? by : undefined;
}

function messageText(message: InboundMessage): string {
  const files = (message.attachments ?? []).map(
    (a) =>
      `[${a.kind}${a.name ? `: ${a.name}` : ''}${a.url ? ` ${a.url}` : ''}${a.caption ? ` — ${a.caption}` : ''}]`,
  );
  return [message.text, ...files].filter((s) => s.trim() !== '').join('\n') || '[empty message]';
}

function noticeText(notice: DeskNotice): string {
  const code = notice.code ? ` (${notice.code})` : '';
  switch (notice.kind) {
    case 'delivery_failed':
      return `Delivery failed${code}: ${notice.text}`;
    case 'reminder':
      return `Reminder: ${notice.text}`;
    case 'rating':
    case 'info':
      return `${notice.text}${code}`;
  }
}

/** `45 s`, `12 min`, `3 h 05 min`, `2 d 4 h`. */
function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
