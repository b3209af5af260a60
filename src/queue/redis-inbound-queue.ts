import { DelayedError, type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { KeySpace } from '../context/keys.ts';
import { StoreUnavailableError } from '../errors.ts';
import type { InboundEvent } from '../model/inbound-event.ts';
import type { DeadLetterHandler, EnqueueResult, EventHandler, InboundQueue } from '../ports/inbound-queue.ts';
import type { Logger } from '../ports/logger.ts';
import { type Lease, LeaseManager } from './conversation-lease.ts';
import { decodeEvent, encodeEvent, eventKey } from './event-codec.ts';
import { backoffMs, sleep } from './retry.ts';

export interface RedisInboundQueueConfig {
  /** Command connection (shared). */
  readonly redis: Redis;
  /** Makes a dedicated connection for BullMQ's blocking worker and queue clients. */
  readonly createConnection: () => Redis;
  readonly keys: KeySpace;
  readonly dedupeTtlSeconds: number;
  readonly lockLeaseMs: number;
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly logger: Logger;
  readonly retryBaseMs?: number;
  readonly queueName?: string;
}

// Dedupe and durable append in one atomic step: either the event is new and is now
// in its conversation's inbox, or it was seen before and nothing changes.
const INGEST = `
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  redis.call('RPUSH', KEYS[2], ARGV[2])
  return 1
end
return 0`;

// Pops the head only while we still hold the lease and the head is the event we
// processed; optionally records it in the dead-letter list.
const ACK = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if redis.call('LINDEX', KEYS[2], 0) ~= ARGV[2] then return 0 end
redis.call('LPOP', KEYS[2])
if ARGV[3] ~= '' then redis.call('RPUSH', KEYS[3], ARGV[3]) end
return 1`;

type QueueRedis = Redis & {
  sbIngest(dedupeKey: string, inboxKey: string, ttlMs: number, payload: string): Promise<number>;
  sbAck(
    lockKey: string,
    inboxKey: string,
    deadKey: string,
    token: string,
    head: string,
    dead: string,
  ): Promise<number>;
};

interface DrainJob {
  readonly key: string;
}

/**
 * Durable, ordered ingest on Redis. Each conversation has an inbox list (the
 * durable record, appended atomically with the dedupe marker before the platform
 * is acknowledged); BullMQ jobs are only wake-ups that say "drain this inbox".
 * A worker drains an inbox under the conversation's lease, one event at a time,
 * popping an event only after its turn finished. Why not one BullMQ job per event:
 * BullMQ (open source) has no per-group ordering, so two workers could run two
 * messages of one conversation at once or out of order.
 */
export class RedisInboundQueue implements InboundQueue {
  readonly #config: RedisInboundQueueConfig;
  readonly #redis: QueueRedis;
  readonly #leases: LeaseManager;
  readonly #queue: Queue<DrainJob>;
  #worker: Worker<DrainJob> | undefined;
  #handler: EventHandler | undefined;
  #onDeadLetter: DeadLetterHandler | undefined;
  #inFlight = 0;

  constructor(config: RedisInboundQueueConfig) {
    this.#config = config;
    const redis = config.redis as QueueRedis;
    if (typeof redis.sbIngest !== 'function') {
      redis.defineCommand('sbIngest', { numberOfKeys: 2, lua: INGEST });
      redis.defineCommand('sbAck', { numberOfKeys: 3, lua: ACK });
    }
    this.#redis = redis;
    this.#leases = new LeaseManager(redis, config.lockLeaseMs);
    this.#queue = new Queue<DrainJob>(this.#name, {
      connection: config.createConnection(),
      prefix: config.keys.bullPrefix,
      defaultJobOptions: {
        removeOnComplete: true,
        removeOnFail: 1000,
        attempts: 10,
        backoff: { type: 'exponential', delay: 200 },
      },
    });
  }

  get #name(): string {
    return this.#config.queueName ?? 'inbound';
  }

  async enqueue(event: InboundEvent): Promise<EnqueueResult> {
    const key = eventKey(event);
    let accepted: number;
    try {
      accepted = await this.#redis.sbIngest(
        this.#config.keys.dedupe(event.ref.platform, event.id),
        this.#config.keys.inbox(key),
        this.#config.dedupeTtlSeconds * 1000,
        encodeEvent(event),
      );
    } catch (error) {
      throw new StoreUnavailableError('could not record inbound event', { cause: error });
    }
    // Wake a worker even for a duplicate: if an earlier delivery was recorded but its
    // wake-up was lost (crash between the two calls), the redelivery still drains it.
    try {
      await this.#queue.add('drain', { key });
    } catch (error) {
      throw new StoreUnavailableError('could not schedule inbound event', { cause: error });
    }
    return accepted === 1 ? 'accepted' : 'duplicate';
  }

  async start(handler: EventHandler, onDeadLetter: DeadLetterHandler): Promise<void> {
    this.#handler = handler;
    this.#onDeadLetter = onDeadLetter;
    this.#worker = new Worker<DrainJob>(this.#name, (job, token) => this.#run(job, token), {
      connection: this.#config.createConnection(),
      prefix: this.#config.keys.bullPrefix,
      concurrency: this.#config.concurrency,
    });
    this.#worker.on('error', (error) => this.#config.logger.error({ err: error }, 'queue worker error'));
    await this.#worker.waitUntilReady();
  }

  async stop(): Promise<void> {
    await this.#worker?.close();
    await this.#queue.close();
  }

  async idle(): Promise<void> {
    for (;;) {
      const counts = await this.#queue.getJobCounts(
        'waiting',
        'active',
        'delayed',
        'prioritized',
        'waiting-children',
      );
      const pending = Object.values(counts).reduce((a, b) => a + b, 0);
      if (pending === 0 && this.#inFlight === 0) return;
      await sleep(20);
    }
  }

  async #run(job: Job<DrainJob>, token: string | undefined): Promise<void> {
    const { key } = job.data;
    this.#inFlight++;
    try {
      for (;;) {
        const lease = await this.#leases.acquire(this.#config.keys.lock(key));
        if (!lease) {
          // Another worker is draining this conversation. Come back shortly: if that
          // worker died, its lease expires and this job picks the inbox up.
          await job.moveToDelayed(Date.now() + 25 + Math.floor(Math.random() * 100), token);
          throw new DelayedError();
        }
        try {
          await this.#drain(key, lease);
        } finally {
          await lease.release();
        }
        // Re-check after releasing: an event appended while we held the lease, whose own
        // wake-up found the lease taken, must not wait for a later message.
        if ((await this.#redis.llen(this.#config.keys.inbox(key))) === 0) return;
      }
    } finally {
      this.#inFlight--;
    }
  }

  async #drain(key: string, lease: Lease): Promise<void> {
    const inboxKey = this.#config.keys.inbox(key);
    while (lease.held()) {
      const head = await this.#redis.lindex(inboxKey, 0);
      if (head === null) return;
      const dead = await this.#process(decodeEvent(head));
      const acked = await this.#redis.sbAck(
        this.#config.keys.lock(key),
        inboxKey,
        this.#config.keys.deadLetter,
        lease.token,
        head,
        dead,
      );
      if (acked === -1) {
        this.#config.logger.warn(
          { conversation: key },
          'conversation lease lost mid-drain; another worker continues',
        );
        return;
      }
    }
  }

  /** Runs one event with bounded retries; returns the dead-letter record, or '' on success. */
  async #process(event: InboundEvent): Promise<string> {
    const handler = this.#handler;
    if (!handler) return '';
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(event);
        return '';
      } catch (error) {
        if (attempt >= this.#config.maxAttempts) {
          this.#config.logger.error(
            { err: error, eventId: event.id, attempts: attempt },
            'turn failed; dead-lettered',
          );
          await this.#onDeadLetter?.(event, error).catch((e: unknown) =>
            this.#config.logger.error({ err: e }, 'dead-letter handler failed'),
          );
          const code = (error as { code?: unknown }).code;
          return JSON.stringify({
            event,
            error: typeof code === 'string' ? code : 'unknown',
            at: Date.now(),
          });
        }
        this.#config.logger.warn({ err: error, eventId: event.id, attempt }, 'turn failed; retrying');
        await sleep(backoffMs(attempt, this.#config.retryBaseMs ?? 200, 5_000));
      }
    }
  }
}
