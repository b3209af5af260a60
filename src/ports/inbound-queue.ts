import type { ConversationContext } from '../model/context.ts';
import type { InboundEvent } from '../model/inbound-event.ts';

export type EnqueueResult = 'accepted' | 'duplicate';

/**
 * The conversation's lease as the running turn holds it. The token only grows; every
 * write of the turn (record, effect marks, ack) is checked against it inside the
 * store, so a turn that lost its lease cannot write. `held()` is the local view:
 * false as soon as a renewal failed to confirm the lease within its lifetime (a
 * stalled event loop, a Redis outage) or shutdown aborted the turn.
 */
export interface Fence {
  readonly token: string;
  held(): boolean;
  /** @throws LockLostError when `held()` is false. */
  check(): void;
}

/**
 * A recorded decision, opaque to the queue: the engine's `TurnRecord` as JSON-able
 * data. Stored atomically with the context; cleared atomically with the ack.
 */
export interface StoredRecord {
  /** The event the decision is for: a record only applies to that event. */
  readonly eventId: string;
}

/** One event to process, with the conversation's stored state, under its lease. */
export interface TurnSession {
  readonly event: InboundEvent;
  readonly context: ConversationContext | null;
  /** The decision recorded for this very event by an earlier attempt (resume it), or null. */
  readonly record: StoredRecord | null;
  /** Idempotency keys of the record's effects already performed. */
  readonly done: ReadonlySet<string>;
  readonly fence: Fence;
  /**
   * Atomically stores the next context and the turn record, if the lease is still
   * held. @throws LockLostError otherwise (the turn must stop: no effect may follow).
   */
  commit(context: ConversationContext, record: StoredRecord): Promise<void>;
  /** Marks one effect done (fenced). @throws LockLostError when the lease is gone. */
  markDone(effectKey: string): Promise<void>;
}

/** Processes one event; throwing makes the queue retry it (resuming its record). */
export type EventHandler = (session: TurnSession) => Promise<void>;

/** Called when an event still fails after every retry; it was moved to the dead-letter store. */
export type DeadLetterHandler = (event: InboundEvent, error: unknown) => Promise<void>;

/**
 * Durable ingest. `enqueue` resolves only once the event is recorded (so adapters
 * may acknowledge the platform), drops redeliveries of the same `platform + id`,
 * and the workers run one event at a time per conversation, in arrival order,
 * across every process sharing the backing store. An event is removed only when
 * its turn finished (its record and effects cleared in the same atomic step).
 */
export interface InboundQueue {
  enqueue(event: InboundEvent): Promise<EnqueueResult>;
  start(handler: EventHandler, onDeadLetter: DeadLetterHandler): Promise<void>;
  /**
   * Stops taking work and lets running turns finish until `deadlineMs` (default:
   * wait for them); turns still running then are aborted at their next effect and
   * their leases released, so another instance continues them at once.
   */
  stop(deadlineMs?: number): Promise<void>;
  /** Resolves when there is nothing queued or running in this process (tests, graceful shutdown). */
  idle(): Promise<void>;
}
