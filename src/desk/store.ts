import type { ReplyContext } from '../model/inbound-event.ts';
import type { Ticket, TicketThreadEntry } from '../model/ticket.ts';

/** The desk's timers (see `timers.ts`). */
export const DESK_TIMER_KINDS = [
  'unclaimed_reminder',
  'auto_escalate',
  'waiting_reminder',
  'idle_resolve',
] as const;
export type DeskTimerKind = (typeof DESK_TIMER_KINDS)[number];

/**
 * Timer changes decided when a desk call is applied. Due times are computed then
 * and stored, so repeating the call schedules exactly the same timers.
 */
export interface TimerPlan {
  readonly cancel: readonly DeskTimerKind[];
  /** `keepEarlier`: leave an already scheduled timer of that kind as it is. */
  readonly schedule: readonly {
    readonly kind: DeskTimerKind;
    readonly dueAt: number;
    readonly keepEarlier: boolean;
  }[];
}

/**
 * One side effect still to perform for a desk call (the ticket's outbox). Steps are
 * recorded together with the ticket change, then performed and removed one by
 * one, so a repeated call (same idempotency key) performs only what is left.
 */
export type DeskStep = { readonly id: string; readonly key: string } & (
  | { readonly op: 'postCard' | 'updateCard' | 'postEscalation'; readonly face: string }
  | { readonly op: 'postInThread'; readonly face: string; readonly entry: TicketThreadEntry }
  | { readonly op: 'confirmStaffReply'; readonly face: string; readonly replyContext: ReplyContext }
  | { readonly op: 'timers'; readonly plan: TimerPlan }
);

/** A ticket as stored: the ticket, the call keys already applied to it, and its outbox. */
export interface StoredTicket {
  readonly ticket: Ticket;
  /** Idempotency key of the `open` call (its steps are the card posts). */
  readonly openKey: string;
  /** Keys of calls already applied (bounded, newest last). */
  readonly applied: readonly string[];
  readonly outbox: readonly DeskStep[];
}

/**
 * Durable ticket storage: memory or Redis. Every write is an atomic
 * read-modify-write of one ticket; the open/closed indexes follow the ticket's state.
 */
export interface TicketStore {
  get(ticketId: string): Promise<StoredTicket | null>;
  getMany(ticketIds: readonly string[]): Promise<StoredTicket[]>;
  /** Stores the record unless the ticket exists; returns what is stored. */
  create(record: StoredTicket): Promise<StoredTicket>;
  /**
   * Applies `change` to the current record (null from `change`: no write) and
   * returns the record as stored afterwards; null when the ticket is unknown.
   */
  update(
    ticketId: string,
    change: (current: StoredTicket) => StoredTicket | null,
  ): Promise<StoredTicket | null>;
  /** Ids in the open or closed index, oldest first, at most `limit`. */
  listIds(which: 'open' | 'closed', limit: number): Promise<string[]>;
  putRef(face: string, ref: Readonly<Record<string, string>>, ticketId: string): Promise<void>;
  findRef(face: string, ref: Readonly<Record<string, string>>): Promise<string | null>;
  /** Calls that touch no ticket (rejections, notices) remember here that they were done. */
  isDone(key: string): Promise<boolean>;
  markDone(key: string): Promise<void>;
}

/** A timer claimed by this instance: fire it, then `complete` it. */
export interface DueTimer {
  readonly ticketId: string;
  readonly kind: DeskTimerKind;
  readonly dueAt: number;
  readonly member: string;
  /** The lease this instance holds on it (its score while claimed). */
  readonly claimedUntil: number;
}

/**
 * Due timers of every ticket, shared by all instances. `claimDue` hands each due
 * timer to exactly one caller (it moves the timer's due time to the end of a lease
 * atomically); a caller that dies before `complete` loses the lease and another
 * instance fires the timer again, with the same event id, which the engine dedupes.
 */
export interface TimerStore {
  apply(ticketId: string, plan: TimerPlan): Promise<void>;
  claimDue(now: number, leaseUntil: number, limit: number): Promise<DueTimer[]>;
  complete(timer: DueTimer): Promise<void>;
  /** What is scheduled for one ticket (kind and due time). */
  scheduled(ticketId: string): Promise<{ kind: DeskTimerKind; dueAt: number }[]>;
}

/** Canonical string of a face's card reference (key order does not matter). */
export function refKey(face: string, ref: Readonly<Record<string, string>>): string {
  const pairs = Object.keys(ref)
    .sort()
    .map((k) => [k, ref[k]]);
  return `${face}:${JSON.stringify(pairs)}`;
}

/** Timer member string `ticketId|kind|dueAt` and its parse (ticket ids may contain `|`). */
export function timerMember(ticketId: string, kind: DeskTimerKind, dueAt: number): string {
  return `${ticketId}|${kind}|${dueAt}`;
}

export function parseTimerMember(
  member: string,
): { ticketId: string; kind: DeskTimerKind; dueAt: number } | null {
  const last = member.lastIndexOf('|');
  const middle = member.lastIndexOf('|', last - 1);
  if (middle <= 0) return null;
  const kind = member.slice(middle + 1, last) as DeskTimerKind;
  const dueAt = Number(member.slice(last + 1));
  if (!DESK_TIMER_KINDS.includes(kind) || !Number.isFinite(dueAt)) return null;
  return { ticketId: member.slice(0, middle), kind, dueAt };
}

/** Whether a ticket is still open (in the open index). */
export function isOpenState(state: Ticket['state']): boolean {
  return state === 'waiting_for_human' || state === 'human';
}
