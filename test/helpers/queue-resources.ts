import { afterEach } from 'vitest';
import { createKeySpace } from '../../src/context/keys.ts';
import type { RedisInboundQueue } from '../../src/queue/redis-inbound-queue.ts';
import type { RedisClient } from '../../src/redis/connect.ts';
import { type RedisTarget, connectTarget, deletePrefix, uniquePrefix } from './redis.ts';

/**
 * What a Redis queue test opens, closed after each test: queues are stopped, then the run's keys
 * are deleted (BullMQ's too, which live under `{<prefix>:bull}`, outside `<prefix>:*`), then the
 * clients are quit. Call once inside a `describe`.
 */
export function useQueueResources(target: RedisTarget) {
  const open: RedisClient[] = [];
  const queues: RedisInboundQueue[] = [];
  const prefixes: string[] = [];

  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.stop()));
    const admin = connectTarget(target);
    for (const p of prefixes.splice(0)) {
      await deletePrefix(admin, p);
      await deletePrefix(admin, createKeySpace(p).bullPrefix);
    }
    await admin.quit();
    await Promise.all(open.splice(0).map((c) => c.quit()));
  });

  return {
    /** A fresh key prefix for this test, deleted afterwards. */
    prefix(label: string): string {
      const prefix = uniquePrefix(label);
      prefixes.push(prefix);
      return prefix;
    },
    /** A client to `target`, quit afterwards. */
    connect(): RedisClient {
      const client = connectTarget(target);
      open.push(client);
      return client;
    },
    /** Stops `queue` after the test. */
    track<Q extends RedisInboundQueue>(queue: Q): Q {
      queues.push(queue);
      return queue;
    },
  };
}
