import { DelayedError, type Job, Queue, Worker } from 'bullmq';
import { Cluster } from 'ioredis';
import type { KeySpace } from '../context/keys.ts';
import { boundHistory, decodeContext } from '../context/schema.ts';
import { LockLostError, StoreConflictError, StoreUnavailableError } from '../errors.ts';
import type { ConversationContext } from '../model/context.ts';
import type { InboundEvent } from '../model/inbound-event.ts';
import type {
  DeadLetterHandler,
  EnqueueResult,
  EventHandler,
  InboundQueue,
  StoredRecord,
  TurnSession,
} from '../ports/inbound-queue.ts';
import type { Logger } from '../ports/logger.ts';
import { ConversationLease } from './conversation-lease.ts';
import { decodeEvent, encodeEvent, eventKey } from './event-codec.ts';
import { type QueueCommands, type RedisClient, pairsToObject, withQueueCommands } from './redis-scripts.ts';
import { sleep } from './retry.ts';
import { deadLetterEntry, runTurn } from './turn-runner.ts';

export interface RedisInboundQueueConfig {
  /** Command connection (shared). */
  readonly redis: RedisClient;
  /** Makes a dedicated connection for BullMQ's blocking worker and queue clients. */
  readonly createConnection: () => RedisClient;
  readonly keys: KeySpace;
  readonly dedupeTtlSeconds: number;
  /** Idle conversations (context, inbox, fence) expire after this. */
  readonly contextTtlSeconds: number;
  readonly historyTurns: number;
  readonly lockLeaseMs: number;
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly logger: Logger;
  readonly retryBaseMs?: number;
  readonly queueName?: string;
  /** How often inboxes without a live lease are looked for (also once at start). */
  readonly recoveryIntervalMs?: number;
  readonly deadLetterMax?: number;
  readonly deadLetterTtlSeconds?: number;
}

interface DrainJob {
  readonly key: string;
}

/** Conversations queued for a local drain per unit of concurrency before work overflows to BullMQ. */
const LOCAL_BACKLOG_PER_SLOT = 4;

/** Longest an ingest waits for its wake-up to be scheduled before answering 5xx. */
const WAKE_TIMEOUT_MS = 2_000;

type AckReply = Awaited<ReturnType<QueueCommands['sbAck']>>;

type Begun = { readonly head: string; readonly hash: Record<string, string>; readonly done: string[] };

/**
 * Durable, ordered ingest on Redis. Each conversation has an inbox list (the durable
 * record, appended atomically with the dedupe marker before the platform is
 * acknowledged); BullMQ jobs are only wake-ups that say "drain this inbox". A worker
 * takes the conversation's fenced lease and drains the inbox one event at a time,
 * popping an event only in the same atomic step that clears its turn record.
 *
 * Why this cannot strand an event: the ack that empties an inbox releases the lease
 * in the same script, so an event appended later finds the lease free when its own
 * wake-up runs; a wake-up that finds the lease held comes back once the lease would
 * expire (not in a spin), which also recovers from a worker that died holding it;
 * BullMQ re-runs jobs of dead workers (stalled jobs), and a sweep at start and then
 * periodically wakes every inbox without a lease.
 *
 * Why not one BullMQ job per event: open-source BullMQ has no per-group ordering, so
 * two workers could run two messages of one conversation at once or out of order.
 */
export class RedisInboundQueue implements InboundQueue {
  readonly #config: RedisInboundQueueConfig;
  readonly #redis: RedisClient & QueueCommands;
  readonly #queue: Queue<DrainJob>;
  /** Leases held by running turns, with their conversation. */
  readonly #leases = new Map<ConversationLease, string>();
  #worker: Worker<DrainJob> | undefined;
  #handler: EventHandler | undefined;
  #onDeadLetter: DeadLetterHandler | undefined;
  #sweepTimer: NodeJS.Timeout | undefined;
  #inFlight = 0;
  #stopping = false;
  #sweeping = false;
  /** Drains run in this process straight from `enqueue`. */
  readonly #local = {
    running: 0,
    queue: [] as string[],
    pending: new Set<string>(),
    again: new Set<string>(),
  };

  constructor(config: RedisInboundQueueConfig) {
    this.#config = config;
    this.#redis = withQueueCommands(config.redis);
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

  get #ttlMs(): number {
    return this.#config.contextTtlSeconds * 1000;
  }

  async enqueue(event: InboundEvent): Promise<EnqueueResult> {
    const key = eventKey(event);
    let accepted: number;
    try {
      accepted = await this.#redis.sbIngest(
        this.#config.keys.dedupe(key, event.ref.platform, event.id),
        this.#config.keys.inbox(key),
        this.#config.dedupeTtlSeconds * 1000,
        encodeEvent(event),
        this.#ttlMs,
      );
    } catch (error) {
      throw new StoreUnavailableError('could not record inbound event', { cause: error });
    }
    // Drain it here when this process has room (no wake-up round trips); otherwise wake
    // any instance through BullMQ. Even a duplicate is drained: if an earlier delivery
    // was recorded but the process died before draining it, the redelivery does it.
    if (!this.#dispatch(key)) await this.#wake(key, 0);
    return accepted === 1 ? 'accepted' : 'duplicate';
  }

  async start(handler: EventHandler, onDeadLetter: DeadLetterHandler): Promise<void> {
    this.#handler = handler;
    this.#onDeadLetter = onDeadLetter;
    this.#stopping = false;
    this.#worker = new Worker<DrainJob>(this.#name, (job, token) => this.#run(job, token), {
      connection: this.#config.createConnection(),
      prefix: this.#config.keys.bullPrefix,
      concurrency: this.#config.concurrency,
      // A dead worker's wake-up is re-run soon, however often that happens.
      lockDuration: Math.max(5_000, this.#config.lockLeaseMs),
      stalledInterval: Math.max(2_000, Math.floor(this.#config.lockLeaseMs / 2)),
      maxStalledCount: 1_000_000,
    });
    this.#worker.on('error', (error) => this.#config.logger.error({ err: error }, 'queue worker error'));
    await this.#worker.waitUntilReady();
    void this.#sweep();
    const every = this.#config.recoveryIntervalMs ?? 10_000;
    this.#sweepTimer = setInterval(() => void this.#sweep(), every);
    this.#sweepTimer.unref();
  }

  async stop(deadlineMs?: number): Promise<void> {
    this.#stopping = true;
    if (this.#sweepTimer) clearInterval(this.#sweepTimer);
    // Local drains not started yet go to the shared queue for another instance.
    for (const key of this.#local.queue.splice(0)) {
      this.#local.pending.delete(key);
      await this.#wake(key, 0).catch(() => {});
    }
    const worker = this.#worker;
    const finished = Promise.all([worker?.close() ?? Promise.resolve(), this.#localDrained()]);
    if (deadlineMs === undefined) {
      await finished;
    } else {
      const timer = sleep(deadlineMs).then(() => 'late' as const);
      if ((await Promise.race([finished.then(() => 'done' as const), timer])) === 'late') {
        // Abort what still runs: each turn stops before its next effect, and its lease
        // is handed back now with a wake-up, so another instance continues at once (the
        // stale turn's writes are fenced).
        await Promise.all(
          [...this.#leases].map(async ([lease, key]) => {
            lease.abort();
            await lease.release().catch(() => {});
            await this.#queue.add('drain', { key }).catch(() => {});
          }),
        );
        await worker?.close(true);
      }
    }
    await this.#queue.close();
  }

  async #localDrained(): Promise<void> {
    while (this.#local.running > 0) await sleep(20);
  }

  async idle(): Promise<void> {
    for (;;) {
      // Delayed jobs are safety re-checks and postponed turns, not pending work.
      const counts = await this.#queue.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children');
      const pending = Object.values(counts).reduce((a, b) => a + b, 0);
      if (
        pending === 0 &&
        this.#inFlight === 0 &&
        this.#local.running === 0 &&
        this.#local.queue.length === 0
      )
        return;
      await sleep(20);
    }
  }

  /** The dead letters kept for staff to replay (newest last). */
  async deadLetters(): Promise<{ event: InboundEvent; error: string; at: number }[]> {
    const items = await this.#redis.lrange(this.#config.keys.deadLetter, 0, -1);
    return items.map((json) => JSON.parse(json) as { event: InboundEvent; error: string; at: number });
  }

  /** Drops the dead letter of one event (after it was replayed). */
  async removeDeadLetter(eventId: string): Promise<void> {
    const key = this.#config.keys.deadLetter;
    for (const json of await this.#redis.lrange(key, 0, -1)) {
      if ((JSON.parse(json) as { event: InboundEvent }).event.id === eventId)
        await this.#redis.lrem(key, 1, json);
    }
  }

  /**
   * Queues a drain of `key` in this process. False when this process cannot take it
   * (not started, stopping, or its local backlog is full): the caller wakes another
   * instance through BullMQ instead. A key already draining here is flagged to be
   * drained once more when it finishes, so an event appended after its last ack is
   * never left behind.
   */
  #dispatch(key: string): boolean {
    const local = this.#local;
    if (!this.#handler || this.#stopping) return false;
    if (local.pending.has(key)) {
      local.again.add(key);
      return true;
    }
    if (local.queue.length >= this.#config.concurrency * LOCAL_BACKLOG_PER_SLOT) return false;
    local.pending.add(key);
    local.queue.push(key);
    this.#pump();
    return true;
  }

  #pump(): void {
    const local = this.#local;
    while (local.running < this.#config.concurrency && local.queue.length > 0) {
      const key = local.queue.shift() as string;
      local.running++;
      void this.#drainConversation(key)
        .catch(async (error: unknown) => {
          this.#config.logger.warn(
            { err: error, conversation: key },
            'drain failed; handing it to the queue',
          );
          await this.#wake(key, 500).catch(() => {});
        })
        .finally(() => {
          local.running--;
          local.pending.delete(key);
          if (local.again.delete(key)) this.#dispatch(key) || void this.#wake(key, 0).catch(() => {});
          this.#pump();
        });
    }
  }

  async #wake(key: string, delayMs: number): Promise<void> {
    // BullMQ's connection waits for Redis to come back; the platform must hear 5xx
    // quickly instead (the event is already recorded: its redelivery wakes it).
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('wake-up not scheduled in time')), WAKE_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.#queue.add('drain', { key }, delayMs > 0 ? { delay: delayMs } : {}), timeout]);
    } catch (error) {
      throw new StoreUnavailableError('could not schedule inbound event', { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  async #run(job: Job<DrainJob>, token: string | undefined): Promise<void> {
    const { key } = job.data;
    if (this.#stopping) {
      // Hand the wake-up back so another instance takes it.
      await job.moveToDelayed(Date.now() + 500, token);
      throw new DelayedError();
    }
    await this.#drainConversation(key);
  }

  /**
   * Takes the conversation's lease and drains its inbox. A held lease means its
   * holder will see every event appended before it releases; check back once, when
   * the lease would expire, in case the holder died.
   */
  async #drainConversation(key: string): Promise<void> {
    this.#inFlight++;
    try {
      const k = this.#config.keys;
      const reply = await this.#redis.sbBegin(
        k.lock(key),
        k.fence(key),
        k.inbox(key),
        k.context(key),
        k.done(key),
        this.#config.lockLeaseMs,
        this.#ttlMs,
      );
      const status = Number(reply[0]);
      if (status === 2) return;
      if (status === 0) {
        // Someone holds the lease. It will see this event before releasing (the ack
        // releases only an empty inbox); check once more when the lease would expire,
        // in case its holder died. One such re-check per conversation at a time.
        const pttl = Math.max(50, Number(reply[1]));
        await this.#queue.add(
          'drain',
          { key },
          {
            jobId: `recheck-${Buffer.from(key).toString('base64url')}`,
            delay: pttl + 50 + Math.floor(Math.random() * 100),
          },
        );
        return;
      }
      const lease = new ConversationLease(
        {
          renew: async (t, ms) => (await this.#redis.sbRenew(k.lock(key), t, ms)) === 1,
          release: async (t) => {
            await this.#redis.sbRelease(k.lock(key), t);
          },
        },
        String(reply[1]),
        this.#config.lockLeaseMs,
        Date.now(),
      );
      this.#leases.set(lease, key);
      try {
        await this.#drain(key, lease, {
          head: String(reply[2]),
          hash: pairsToObject(reply[3]),
          done: (reply[4] as string[]) ?? [],
        });
      } catch (error) {
        // Hand the conversation back at once; BullMQ retries this wake-up.
        await lease.release().catch(() => {});
        throw error;
      } finally {
        this.#leases.delete(lease);
        lease.end();
      }
    } finally {
      this.#inFlight--;
    }
  }

  async #drain(key: string, lease: ConversationLease, first: Begun): Promise<void> {
    const k = this.#config.keys;
    let current: Begun | null = first;
    while (current) {
      const session = new RedisTurnSession(
        this.#redis,
        k,
        key,
        lease,
        current,
        this.#ttlMs,
        this.#config.historyTurns,
      );
      const outcome = this.#handler
        ? await runTurn(session, this.#handler, {
            maxAttempts: this.#config.maxAttempts,
            retryBaseMs: this.#config.retryBaseMs ?? 200,
            logger: this.#config.logger,
          })
        : ({ type: 'done' } as const);
      if (outcome.type === 'lost') {
        await lease.release().catch(() => {});
        return;
      }
      if (outcome.type === 'retry_later') {
        await lease.release();
        await this.#wake(key, outcome.delayMs);
        return;
      }
      if (outcome.type === 'dead') {
        // Kept before the event leaves the inbox: if this write fails, the turn is
        // not acknowledged and is retried later instead of being lost.
        await this.#recordDeadLetter(session.event, outcome.error);
        await this.#onDeadLetter?.(session.event, outcome.error).catch((e: unknown) =>
          this.#config.logger.error({ err: e, eventId: session.event.id }, 'dead-letter notice failed'),
        );
      }
      const head: string = current.head;
      const acked: AckReply | null = await retryWhileHeld(
        lease,
        (): Promise<AckReply> =>
          this.#redis.sbAck(
            k.lock(key),
            k.inbox(key),
            k.context(key),
            k.done(key),
            lease.token,
            head,
            this.#config.lockLeaseMs,
          ),
      ).catch(() => null);
      if (!acked) {
        // Redis stayed away for the whole lease: the next holder resumes the recorded turn.
        await lease.release().catch(() => {});
        return;
      }
      const status = Number(acked[0]);
      if (status === -1) {
        lease.markLost();
        this.#config.logger.warn(
          { conversation: key },
          'conversation lease lost before the ack; another worker continues',
        );
        return;
      }
      if (status === 0) {
        // The head changed under us: only possible if the lease was lost and regained elsewhere.
        await lease.release();
        return;
      }
      if (status === 2) {
        lease.end();
        return;
      }
      if (lease.aborted) {
        await lease.release();
        return;
      }
      current = { head: String(acked[1]), hash: pairsToObject(acked[2]), done: [] };
    }
  }

  async #recordDeadLetter(event: InboundEvent, error: unknown): Promise<void> {
    const key = this.#config.keys.deadLetter;
    await this.#redis
      .multi()
      .rpush(key, deadLetterEntry(event, error, Date.now()))
      .ltrim(key, -(this.#config.deadLetterMax ?? 1_000), -1)
      .expire(key, this.#config.deadLetterTtlSeconds ?? 14 * 24 * 3600)
      .exec();
  }

  /** Wakes every inbox that has events and no live lease (a worker died holding it, a wake-up was lost). */
  async #sweep(): Promise<void> {
    if (this.#stopping || this.#sweeping) return;
    this.#sweeping = true;
    try {
      const nodes = this.#redis instanceof Cluster ? this.#redis.nodes('master') : [this.#redis];
      for (const node of nodes) {
        let cursor = '0';
        do {
          const [next, found] = await node.scan(
            cursor,
            'MATCH',
            this.#config.keys.inboxPattern,
            'COUNT',
            1000,
          );
          cursor = next;
          for (const inboxKey of found) {
            const key = this.#config.keys.conversationOfInbox(inboxKey);
            if (key && (await this.#redis.exists(this.#config.keys.lock(key))) === 0)
              await this.#wake(key, 0);
          }
        } while (cursor !== '0' && !this.#stopping);
      }
    } catch (error) {
      this.#config.logger.warn({ err: error }, 'inbox recovery sweep failed; next one retries');
    } finally {
      this.#sweeping = false;
    }
  }
}

/** The Redis side of one turn: fenced commit and marks on the conversation's keys. */
class RedisTurnSession implements TurnSession {
  readonly event: InboundEvent;
  readonly fence: ConversationLease;
  #context: ConversationContext | null;
  #record: StoredRecord | null;
  #version: string;
  readonly #done: Set<string>;
  readonly #redis: RedisClient & QueueCommands;
  readonly #keys: KeySpace;
  readonly #key: string;
  readonly #ttlMs: number;
  readonly #historyTurns: number;

  constructor(
    redis: RedisClient & QueueCommands,
    keys: KeySpace,
    key: string,
    lease: ConversationLease,
    begun: Begun,
    ttlMs: number,
    historyTurns: number,
  ) {
    this.#redis = redis;
    this.#keys = keys;
    this.#key = key;
    this.fence = lease;
    this.#ttlMs = ttlMs;
    this.#historyTurns = historyTurns;
    this.event = decodeEvent(begun.head);
    this.#version = begun.hash.v ?? '';
    this.#context = begun.hash.d ? decodeContext(begun.hash.d) : null;
    const record = begun.hash.t ? (JSON.parse(begun.hash.t) as StoredRecord) : null;
    // A record belongs to the head event only; anything else is stale.
    this.#record = record && record.eventId === this.event.id ? record : null;
    this.#done = new Set(this.#record ? begun.done : []);
  }

  get context(): ConversationContext | null {
    return this.#context;
  }

  get record(): StoredRecord | null {
    return this.#record;
  }

  get done(): ReadonlySet<string> {
    return this.#done;
  }

  async commit(context: ConversationContext, record: StoredRecord): Promise<void> {
    this.fence.check();
    const bounded = boundHistory(context, this.#historyTurns);
    const next = String(Number(this.#version || '0') + 1);
    const result = await this.#call(() =>
      this.#redis.sbCommit(
        this.#keys.lock(this.#key),
        this.#keys.context(this.#key),
        this.#keys.done(this.#key),
        this.fence.token,
        this.#version,
        next,
        JSON.stringify(bounded),
        JSON.stringify(record),
        this.#ttlMs,
      ),
    );
    if (result === -1) {
      this.fence.markLost();
      throw new LockLostError('lease lost before the turn was recorded');
    }
    if (result === 0) {
      // Written outside a turn (e.g. an operator tool): reload so the retry decides on fresh state.
      const [version, json] = await this.#call(() =>
        this.#redis.hmget(this.#keys.context(this.#key), 'v', 'd'),
      );
      this.#version = version ?? '';
      this.#context = json ? decodeContext(json) : null;
      throw new StoreConflictError('the context changed outside the turn; deciding again');
    }
    this.#version = next;
    this.#context = bounded;
    this.#record = record;
    this.#done.clear();
  }

  async markDone(effectKey: string): Promise<void> {
    const result = await this.#call(() =>
      this.#redis.sbMark(
        this.#keys.lock(this.#key),
        this.#keys.done(this.#key),
        this.fence.token,
        effectKey,
        this.#ttlMs,
      ),
    );
    if (result === -1) {
      this.fence.markLost();
      throw new LockLostError('lease lost while performing the turn');
    }
    this.#done.add(effectKey);
  }

  async #call<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (error) {
      throw new StoreUnavailableError('redis call failed', { cause: error });
    }
  }
}

/** Retries a Redis call that failed to reach Redis while the lease is locally still held. */
async function retryWhileHeld<T>(fence: ConversationLease, op: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (error) {
      if (!fence.held()) throw error;
      await sleep(Math.min(1_000, 50 * attempt));
    }
  }
}
