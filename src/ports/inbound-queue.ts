import type { InboundEvent } from '../model/inbound-event.ts';

export type EnqueueResult = 'accepted' | 'duplicate';

/** Processes one event; runs with the conversation's lease held. Throwing makes the queue retry. */
export type EventHandler = (event: InboundEvent) => Promise<void>;

/** Called when an event still fails after every retry; it was moved to the dead-letter list. */
export type DeadLetterHandler = (event: InboundEvent, error: unknown) => Promise<void>;

/**
 * Durable ingest. `enqueue` resolves only once the event is recorded (so adapters
 * may acknowledge the platform), drops redeliveries of the same `platform + id`,
 * and the workers run one event at a time per conversation, in arrival order,
 * across every process sharing the backing store.
 */
export interface InboundQueue {
  enqueue(event: InboundEvent): Promise<EnqueueResult>;
  start(handler: EventHandler, onDeadLetter: DeadLetterHandler): Promise<void>;
  /** Stops taking work and waits for running turns to finish. */
  stop(): Promise<void>;
  /** Resolves when there is nothing queued or running in this process (tests, graceful shutdown). */
  idle(): Promise<void>;
}
