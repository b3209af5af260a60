import type { Config } from '../config.ts';
import { createKeySpace } from '../context/keys.ts';
import { silentLogger } from '../logging/pino-logger.ts';
import type { InboundEvent } from '../model/inbound-event.ts';
import { RedisInboundQueue } from '../queue/redis-inbound-queue.ts';
import { createRedisClient } from '../redis/connect.ts';

export interface DeadLetterOptions {
  /** Re-ingest the dead letter of this event id (under a new id, so the dedupe lets it in). */
  readonly replay?: string;
}

/**
 * `switchboard dead-letters [--replay <event id>]`: lists the events that failed
 * after every retry (kept 14 days, at most 1,000, without raw platform bodies), and
 * replays one through the queue once its cause is fixed. Needs `REDIS_URL`.
 */
export async function runDeadLetters(
  config: Config,
  options: DeadLetterOptions,
  io: { out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  if (!config.redis.url) {
    io.err('dead letters live in Redis: set REDIS_URL (in-memory runs keep them only in the process)');
    return 1;
  }
  const connect = () =>
    createRedisClient({ ...config.redis, url: config.redis.url as string }, { maxRetriesPerRequest: 2 });
  const redis = connect();
  const keys = createKeySpace(config.redis.prefix);
  const queue = new RedisInboundQueue({
    redis,
    createConnection: () =>
      createRedisClient({ ...config.redis, url: config.redis.url as string }, { maxRetriesPerRequest: null }),
    keys,
    dedupeTtlSeconds: config.queue.dedupeTtlSeconds,
    contextTtlSeconds: config.context.ttlSeconds,
    historyTurns: config.context.historyTurns,
    lockLeaseMs: config.queue.lockLeaseMs,
    concurrency: 1,
    maxAttempts: config.queue.maxAttempts,
    logger: silentLogger,
  });
  try {
    const letters = await queue.deadLetters();
    if (!options.replay) {
      if (letters.length === 0) io.out('no dead letters');
      for (const letter of letters) {
        io.out(
          `${new Date(letter.at).toISOString()}  ${letter.event.id}  ${letter.event.kind}  ${letter.event.ref.platform}  ${letter.error}`,
        );
      }
      return 0;
    }
    const letter = letters.find((l) => l.event.id === options.replay);
    if (!letter) {
      io.err(`no dead letter for event ${options.replay}`);
      return 1;
    }
    const replayed: InboundEvent = { ...letter.event, id: `${letter.event.id}~replay-${Date.now()}` };
    await queue.enqueue(replayed);
    await queue.removeDeadLetter(letter.event.id);
    io.out(`replayed ${letter.event.id} as ${replayed.id}`);
    return 0;
  } finally {
    await queue.stop();
    await redis.quit();
  }
}
