import type { InboundEvent } from '../model/inbound-event.ts';
import type { Clock } from '../ports/clock.ts';
import type { DeadLetterHandler, EnqueueResult, EventHandler, InboundQueue } from '../ports/inbound-queue.ts';
import type { Logger } from '../ports/logger.ts';
import { eventKey } from './event-codec.ts';
import { backoffMs, sleep } from './retry.ts';

export interface MemoryInboundQueueConfig {
  readonly dedupeTtlSeconds: number;
  readonly maxAttempts: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Base delay between attempts of a failing turn. */
  readonly retryBaseMs?: number;
}

/**
 * In-process stand-in for the Redis queue, with the same contract: dedupe by
 * `platform + id` with a TTL, one turn at a time per conversation in arrival
 * order, bounded retries then dead-letter. Nothing survives a restart.
 */
export class MemoryInboundQueue implements InboundQueue {
  readonly #config: MemoryInboundQueueConfig;
  readonly #seen = new Map<string, number>();
  readonly #inboxes = new Map<string, InboundEvent[]>();
  readonly #draining = new Map<string, Promise<void>>();
  #handler: EventHandler | undefined;
  #onDeadLetter: DeadLetterHandler | undefined;
  #stopped = false;
  readonly deadLetters: { event: InboundEvent; error: unknown }[] = [];

  constructor(config: MemoryInboundQueueConfig) {
    this.#config = config;
  }

  async enqueue(event: InboundEvent): Promise<EnqueueResult> {
    const now = this.#config.clock.now();
    const dedupeKey = `${event.ref.platform}:${event.id}`;
    const expires = this.#seen.get(dedupeKey);
    if (expires !== undefined && expires > now) return 'duplicate';
    this.#seen.set(dedupeKey, now + this.#config.dedupeTtlSeconds * 1000);
    if (this.#seen.size > 10_000) this.#sweep(now);
    const key = eventKey(event);
    const inbox = this.#inboxes.get(key) ?? [];
    inbox.push(structuredClone(event));
    this.#inboxes.set(key, inbox);
    this.#kick(key);
    return 'accepted';
  }

  async start(handler: EventHandler, onDeadLetter: DeadLetterHandler): Promise<void> {
    this.#handler = handler;
    this.#onDeadLetter = onDeadLetter;
    this.#stopped = false;
    for (const key of this.#inboxes.keys()) this.#kick(key);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#draining.values());
  }

  async idle(): Promise<void> {
    while (this.#draining.size > 0) await Promise.all(this.#draining.values());
  }

  #kick(key: string): void {
    if (this.#draining.has(key) || !this.#handler || this.#stopped) return;
    const run = this.#drain(key).finally(() => this.#draining.delete(key));
    this.#draining.set(key, run);
  }

  async #drain(key: string): Promise<void> {
    const inbox = this.#inboxes.get(key);
    while (inbox && inbox.length > 0 && !this.#stopped) {
      const event = inbox[0] as InboundEvent;
      await this.#process(event);
      inbox.shift();
    }
    if (inbox && inbox.length === 0) this.#inboxes.delete(key);
  }

  async #process(event: InboundEvent): Promise<void> {
    const handler = this.#handler;
    if (!handler) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(event);
        return;
      } catch (error) {
        if (attempt >= this.#config.maxAttempts) {
          this.deadLetters.push({ event, error });
          this.#config.logger.error(
            { err: error, eventId: event.id, attempts: attempt },
            'turn failed; dead-lettered',
          );
          await this.#onDeadLetter?.(event, error).catch((e: unknown) =>
            this.#config.logger.error({ err: e }, 'dead-letter handler failed'),
          );
          return;
        }
        this.#config.logger.warn({ err: error, eventId: event.id, attempt }, 'turn failed; retrying');
        await sleep(backoffMs(attempt, this.#config.retryBaseMs ?? 200, 5_000));
      }
    }
  }

  #sweep(now: number): void {
    for (const [k, expires] of this.#seen) if (expires <= now) this.#seen.delete(k);
  }
}
