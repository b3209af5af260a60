import { afterEach, describe, expect, it } from 'vitest';
import { runDeadLetters } from '../../src/cli/dead-letters.ts';
import { loadConfig } from '../../src/config.ts';
import { createKeySpace } from '../../src/context/keys.ts';
import { silentLogger } from '../../src/logging/pino-logger.ts';
import { RedisInboundQueue } from '../../src/queue/redis-inbound-queue.ts';
import { customerMessage } from '../helpers/events.ts';
import { TEST_REDIS_URL, connectRedis, deletePrefix, uniquePrefix } from '../helpers/redis.ts';

describe('switchboard dead-letters', () => {
  const prefix = uniquePrefix('deadletters');
  const redis = connectRedis();
  const queues: RedisInboundQueue[] = [];

  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.stop()));
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('lists a dead letter and replays it once its cause is fixed', async () => {
    const queue = new RedisInboundQueue({
      redis,
      createConnection: connectRedis,
      keys: createKeySpace(prefix),
      dedupeTtlSeconds: 600,
      contextTtlSeconds: 600,
      historyTurns: 20,
      lockLeaseMs: 5_000,
      concurrency: 2,
      maxAttempts: 2,
      retryBaseMs: 5,
      logger: silentLogger,
    });
    queues.push(queue);
    let broken = true;
    const handled: string[] = [];
    await queue.start(
      async (session) => {
        if (broken) throw new Error('backend down');
        handled.push(session.event.id);
      },
      async () => {},
    );
    const event = customerMessage('dl', 'my order?');
    await queue.enqueue(event);
    await queue.idle();

    const config = loadConfig({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' });
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(`ERR ${l}`) };
    expect(await runDeadLetters(config, {}, io)).toBe(0);
    expect(out.join('\n')).toContain(event.id);

    broken = false;
    expect(await runDeadLetters(config, { replay: event.id }, io)).toBe(0);
    for (let i = 0; i < 100 && handled.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(handled).toHaveLength(1);
    expect(handled[0]).toMatch(new RegExp(`^${event.id}~replay-`));
    expect(await queue.deadLetters()).toEqual([]);
    expect(await runDeadLetters(config, { replay: event.id }, io)).toBe(1);
  });
});
