import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** Redis for integration tests; `REDIS_URL` overrides the local default. */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix unique to this test run and call, so runs never see each other's keys. */
export function uniquePrefix(label: string): string {
  return `sbtest:${process.pid}:${randomUUID().slice(0, 8)}:${label}`;
}

export function connectRedis(): Redis {
  return new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: false });
}

/** Deletes every key under `prefix` (SCAN, not KEYS, to stay friendly on shared servers). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
