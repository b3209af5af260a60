/**
 * Bounds of the desk core. The platform thread (Slack) holds a handoff's full
 * history; the desk keeps a bounded copy so one ticket stays small in Redis and
 * every list stays cheap.
 */
export const DESK_LIMITS = {
  /** Thread entries kept per ticket (oldest dropped first). */
  threadEntries: 50,
  /** Characters kept per thread entry. */
  entryChars: 2_000,
  /** Customer messages quoted in the card summary. */
  summaryMessages: 3,
  summaryChars: 600,
  /** KB articles shown on the card. */
  kbTried: 3,
  /** Idempotency keys remembered per ticket (a resumed turn repeats only recent effects). */
  appliedKeys: 100,
  /** Side effects waiting in one ticket's outbox (a call the engine gave up on leaves its steps behind). */
  outboxSteps: 200,
  /** Open tickets indexed for `list`; beyond this the oldest fall out of the index (they stay readable). */
  openIndex: 5_000,
  /** Closed tickets indexed for `list`. */
  closedIndex: 500,
  /** Tickets live this long after their last change. */
  ticketTtlMs: 30 * 24 * 3_600_000,
  /** How long a call without a ticket (reject, notice) remembers it was done. */
  onceTtlMs: 2 * 24 * 3_600_000,
  /** Tickets kept in memory mode (closed ones evicted first). */
  memoryTickets: 10_000,
  /** A claimed timer not completed within this is fired again by any instance (same event id). */
  timerLeaseMs: 60_000,
  /** Timers claimed per poll. */
  timerBatch: 50,
} as const;
