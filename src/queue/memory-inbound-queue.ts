import { LockLostError } from '../errors.ts';
import type { ConversationContext } from '../model/context.ts';
import type { InboundEvent } from '../model/inbound-event.ts';
import type { Clock } from '../ports/clock.ts';
import type { ContextStore } from '../ports/context-store.ts';
import type {
  DeadLetterHandler,
  EnqueueResult,
  EventHandler,
  Fence,
  InboundQueue,
  StoredRecord,
  TurnSession,
} from '../ports/inbound-queue.ts';
import type { Logger } from '../ports/logger.ts';
import { eventKey } from './event-codec.ts';
import { sleep } from './retry.ts';
import { runTurn } from './turn-runner.ts';

export interface MemoryInboundQueueConfig {
  readonly store: ContextStore;
  readonly dedupeTtlSeconds: number;
  readonly maxAttempts: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Base delay between attempts of a failing turn. */
  readonly retryBaseMs?: number;
  /** Most dedupe markers kept; the oldest go first (they also expire by TTL). */
  readonly maxDedupeEntries?: number;
  readonly deadLetterMax?: number;
}

interface Inbox {
  readonly events: InboundEvent[];
  record: StoredRecord | null;
  readonly done: Set<string>;
}

/** The in-process fence: held until shutdown aborts the turn. */
class MemoryFence implements Fence {
  readonly token = '1';
  aborted = false;
  held(): boolean {
    return !this.aborted;
  }
  check(): void {
    if (this.aborted) throw new LockLostError('turn aborted by shutdown');
  }
}

/**
 * In-process stand-in for the Redis queue, with the same contract: dedupe by
 * `platform + id` with a TTL, one turn at a time per conversation in arrival order,
 * a recorded decision resumed on retry, bounded retries then dead-letter. Nothing
 * survives a restart.
 *
 * Dedupe markers all live for the same TTL, so insertion order is expiry order: the
 * expired ones are dropped from the front, O(1) amortised per enqueue however many
 * conversations exist.
 */
export class MemoryInboundQueue implements InboundQueue {
  readonly #config: MemoryInboundQueueConfig;
  readonly #seen = new Map<string, number>();
  readonly #inboxes = new Map<string, Inbox>();
  readonly #draining = new Map<string, Promise<void>>();
  readonly #fences = new Set<MemoryFence>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #handler: EventHandler | undefined;
  #onDeadLetter: DeadLetterHandler | undefined;
  #stopped = false;
  readonly deadLetters: { event: InboundEvent; error: unknown }[] = [];

  constructor(config: MemoryInboundQueueConfig) {
    this.#config = config;
  }

  async enqueue(event: InboundEvent): Promise<EnqueueResult> {
    const now = this.#config.clock.now();
    this.#expireSeen(now);
    const dedupeKey = `${event.ref.platform}:${event.id}`;
    if (this.#seen.has(dedupeKey)) return 'duplicate';
    this.#seen.set(dedupeKey, now + this.#config.dedupeTtlSeconds * 1000);
    const key = eventKey(event);
    let inbox = this.#inboxes.get(key);
    if (!inbox) {
      inbox = { events: [], record: null, done: new Set() };
      this.#inboxes.set(key, inbox);
    }
    inbox.events.push(structuredClone(event));
    this.#kick(key);
    return 'accepted';
  }

  async start(handler: EventHandler, onDeadLetter: DeadLetterHandler): Promise<void> {
    this.#handler = handler;
    this.#onDeadLetter = onDeadLetter;
    this.#stopped = false;
    for (const key of this.#inboxes.keys()) this.#kick(key);
  }

  async stop(deadlineMs?: number): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const running = Promise.all(this.#draining.values());
    if (deadlineMs === undefined) {
      await running;
      return;
    }
    const late = await Promise.race([running.then(() => false), sleep(deadlineMs).then(() => true)]);
    if (late) {
      for (const fence of this.#fences) fence.aborted = true;
      await running;
    }
  }

  async idle(): Promise<void> {
    while (this.#draining.size > 0 || this.#timers.size > 0) {
      if (this.#draining.size > 0) await Promise.all(this.#draining.values());
      else await sleep(10);
    }
  }

  #expireSeen(now: number): void {
    const max = this.#config.maxDedupeEntries ?? 1_000_000;
    for (const [k, expires] of this.#seen) {
      if (expires > now && this.#seen.size <= max) break;
      this.#seen.delete(k);
    }
  }

  #kick(key: string): void {
    if (this.#draining.has(key) || !this.#handler || this.#stopped) return;
    const run = this.#drain(key).finally(() => this.#draining.delete(key));
    this.#draining.set(key, run);
  }

  async #drain(key: string): Promise<void> {
    const inbox = this.#inboxes.get(key);
    const handler = this.#handler;
    if (!inbox || !handler) return;
    while (inbox.events.length > 0 && !this.#stopped) {
      const event = inbox.events[0] as InboundEvent;
      const fence = new MemoryFence();
      this.#fences.add(fence);
      const session = await this.#session(key, inbox, event, fence);
      const outcome = await runTurn(session, handler, {
        maxAttempts: this.#config.maxAttempts,
        retryBaseMs: this.#config.retryBaseMs ?? 200,
        logger: this.#config.logger,
      });
      this.#fences.delete(fence);
      if (outcome.type === 'lost') return;
      if (outcome.type === 'retry_later') {
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          this.#kick(key);
        }, outcome.delayMs);
        this.#timers.add(timer);
        return;
      }
      if (outcome.type === 'dead') {
        this.deadLetters.push({ event, error: outcome.error });
        if (this.deadLetters.length > (this.#config.deadLetterMax ?? 1_000)) this.deadLetters.shift();
        await this.#onDeadLetter?.(event, outcome.error).catch((e: unknown) =>
          this.#config.logger.error({ err: e, eventId: event.id }, 'dead-letter notice failed'),
        );
      }
      inbox.events.shift();
      inbox.record = null;
      inbox.done.clear();
    }
    if (inbox.events.length === 0) this.#inboxes.delete(key);
  }

  async #session(key: string, inbox: Inbox, event: InboundEvent, fence: MemoryFence): Promise<TurnSession> {
    const store = this.#config.store;
    let context = await store.get(key as never);
    if (inbox.record && inbox.record.eventId !== event.id) {
      inbox.record = null;
      inbox.done.clear();
    }
    return {
      event,
      fence,
      get context(): ConversationContext | null {
        return context;
      },
      get record(): StoredRecord | null {
        return inbox.record;
      },
      get done(): ReadonlySet<string> {
        return inbox.done;
      },
      async commit(next: ConversationContext, record: StoredRecord): Promise<void> {
        fence.check();
        context = await store.update(key as never, () => next);
        inbox.record = record;
        inbox.done.clear();
      },
      async markDone(effectKey: string): Promise<void> {
        fence.check();
        inbox.done.add(effectKey);
      },
    };
  }
}
