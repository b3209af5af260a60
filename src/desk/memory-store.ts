import type { Clock } from '../ports/clock.ts';
import { DESK_LIMITS } from './limits.ts';
import {
  DESK_TIMER_KINDS,
  type DeskTimerKind,
  type DueTimer,
  type StoredTicket,
  type TicketStore,
  type TimerPlan,
  type TimerStore,
  isOpenState,
  parseTimerMember,
  refKey,
  timerMember,
} from './store.ts';

/**
 * In-process ticket storage for runs without Redis: one process, nothing survives
 * a restart. Records are kept as JSON strings so callers never share objects with
 * the store (the same semantics as Redis). Bounded: beyond `maxTickets` the oldest
 * closed tickets go first, then the oldest open ones.
 */
export class MemoryTicketStore implements TicketStore {
  readonly #tickets = new Map<string, string>();
  readonly #open = new Map<string, number>();
  readonly #closed = new Map<string, number>();
  readonly #refs = new Map<string, string>();
  readonly #done = new Map<string, number>();
  readonly #clock: Clock;
  readonly #maxTickets: number;

  constructor(options: { clock: Clock; maxTickets?: number }) {
    this.#clock = options.clock;
    this.#maxTickets = options.maxTickets ?? DESK_LIMITS.memoryTickets;
  }

  async get(ticketId: string): Promise<StoredTicket | null> {
    const json = this.#tickets.get(ticketId);
    return json === undefined ? null : (JSON.parse(json) as StoredTicket);
  }

  async getMany(ticketIds: readonly string[]): Promise<StoredTicket[]> {
    const records: StoredTicket[] = [];
    for (const id of ticketIds) {
      const record = await this.get(id);
      if (record) records.push(record);
    }
    return records;
  }

  async create(record: StoredTicket): Promise<StoredTicket> {
    const existing = await this.get(record.ticket.id);
    if (existing) return existing;
    this.#write(record);
    this.#evict();
    return JSON.parse(JSON.stringify(record)) as StoredTicket;
  }

  async update(
    ticketId: string,
    change: (current: StoredTicket) => StoredTicket | null,
  ): Promise<StoredTicket | null> {
    const current = await this.get(ticketId);
    if (!current) return null;
    const next = change(current);
    if (!next) return current;
    this.#write(next);
    return JSON.parse(JSON.stringify(next)) as StoredTicket;
  }

  async listIds(which: 'open' | 'closed', limit: number): Promise<string[]> {
    const index = which === 'open' ? this.#open : this.#closed;
    return [...index.entries()]
      .sort((a, b) => a[1] - b[1])
      .slice(-limit)
      .map(([id]) => id);
  }

  async putRef(face: string, ref: Readonly<Record<string, string>>, ticketId: string): Promise<void> {
    this.#refs.set(refKey(face, ref), ticketId);
  }

  async findRef(face: string, ref: Readonly<Record<string, string>>): Promise<string | null> {
    return this.#refs.get(refKey(face, ref)) ?? null;
  }

  async isDone(key: string): Promise<boolean> {
    const until = this.#done.get(key);
    return until !== undefined && until > this.#clock.now();
  }

  async markDone(key: string): Promise<void> {
    const now = this.#clock.now();
    this.#done.delete(key);
    this.#done.set(key, now + DESK_LIMITS.onceTtlMs);
    // Insertion order is expiry order (one TTL), so expired markers sit at the front.
    for (const [k, until] of this.#done) {
      if (until > now && this.#done.size <= this.#maxTickets) break;
      this.#done.delete(k);
    }
  }

  #write(record: StoredTicket): void {
    const { ticket } = record;
    this.#tickets.set(ticket.id, JSON.stringify(record));
    if (isOpenState(ticket.state)) {
      this.#open.set(ticket.id, ticket.openedAt);
      this.#closed.delete(ticket.id);
    } else {
      this.#open.delete(ticket.id);
      this.#closed.delete(ticket.id);
      this.#closed.set(ticket.id, ticket.resolvedAt ?? this.#clock.now());
      for (const id of this.#closed.keys()) {
        if (this.#closed.size <= DESK_LIMITS.closedIndex) break;
        this.#closed.delete(id);
      }
    }
  }

  #evict(): void {
    while (this.#tickets.size > this.#maxTickets) {
      const victim = this.#oldestClosed() ?? this.#open.keys().next().value;
      if (victim === undefined) return;
      this.#tickets.delete(victim);
      this.#open.delete(victim);
      this.#closed.delete(victim);
      for (const [key, id] of this.#refs) if (id === victim) this.#refs.delete(key);
    }
  }

  #oldestClosed(): string | undefined {
    for (const id of this.#tickets.keys()) if (!this.#open.has(id)) return id;
    return undefined;
  }
}

/** In-process timers with the same claim semantics as the Redis store. */
export class MemoryTimerStore implements TimerStore {
  /** `ticketId|kind` → member. */
  readonly #slots = new Map<string, string>();
  /** member → score (due time, or lease end while claimed). */
  readonly #due = new Map<string, number>();

  async apply(ticketId: string, plan: TimerPlan): Promise<void> {
    for (const kind of plan.cancel) {
      const slot = `${ticketId}|${kind}`;
      const old = this.#slots.get(slot);
      if (old !== undefined) this.#due.delete(old);
      this.#slots.delete(slot);
    }
    for (const timer of plan.schedule) {
      const slot = `${ticketId}|${timer.kind}`;
      const old = this.#slots.get(slot);
      if (old !== undefined && timer.keepEarlier) continue;
      if (old !== undefined) this.#due.delete(old);
      const member = timerMember(ticketId, timer.kind, timer.dueAt);
      this.#due.set(member, timer.dueAt);
      this.#slots.set(slot, member);
    }
  }

  async claimDue(now: number, leaseUntil: number, limit: number): Promise<DueTimer[]> {
    const due = [...this.#due.entries()]
      .filter(([, score]) => score <= now)
      .sort((a, b) => a[1] - b[1])
      .slice(0, limit);
    const claimed: DueTimer[] = [];
    for (const [member] of due) {
      this.#due.set(member, leaseUntil);
      const parsed = parseTimerMember(member);
      if (parsed) claimed.push({ ...parsed, member, claimedUntil: leaseUntil });
      else this.#due.delete(member);
    }
    return claimed;
  }

  async complete(timer: DueTimer): Promise<void> {
    if (this.#due.get(timer.member) !== timer.claimedUntil) return;
    this.#due.delete(timer.member);
    const slot = `${timer.ticketId}|${timer.kind}`;
    if (this.#slots.get(slot) === timer.member) this.#slots.delete(slot);
  }

  async scheduled(ticketId: string): Promise<{ kind: DeskTimerKind; dueAt: number }[]> {
    const out: { kind: DeskTimerKind; dueAt: number }[] = [];
    for (const kind of DESK_TIMER_KINDS) {
      const member = this.#slots.get(`${ticketId}|${kind}`);
      const parsed = member === undefined ? null : parseTimerMember(member);
      if (parsed) out.push({ kind, dueAt: parsed.dueAt });
    }
    return out;
  }
}
