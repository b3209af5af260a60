import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { inject } from 'vitest';
import { type RedisClient, createRedisClient } from '../../src/redis/connect.ts';

/**
 * Redis for integration tests. `test/global-setup.ts` finds or starts a single Redis
 * and a single-node Redis Cluster and provides both URLs; outside that project the
 * single one falls back to `REDIS_URL`, then the local default.
 */
export const TEST_REDIS_URL = inject('redisUrl') ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The single-node Redis Cluster started by the global setup (undefined outside it). */
export const TEST_REDIS_CLUSTER_URL: string | undefined =
  inject('redisClusterUrl') ?? process.env.REDIS_CLUSTER_URL;

/** A key prefix unique to this test run and call, so runs never see each other's keys. */
export function uniquePrefix(label: string): string {
  return `sbtest:${process.pid}:${randomUUID().slice(0, 8)}:${label}`;
}

export function connectRedis(): Redis {
  return new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: false });
}

/** A Redis a suite can run against: the plain server or the Cluster. */
export interface RedisTarget {
  readonly name: 'single' | 'cluster';
  readonly url: string;
  readonly cluster: boolean;
}

/**
 * Both targets, for suites that must hold on a plain Redis and on Redis Cluster
 * (`describe.each(redisTargets())`). Throws when the Cluster URL was not provided,
 * which only happens outside the `integration` project: never silently one target.
 */
export function redisTargets(): RedisTarget[] {
  if (TEST_REDIS_CLUSTER_URL === undefined) {
    throw new Error(
      'no Redis Cluster URL: run this suite in the vitest `integration` project (test/global-setup.ts)',
    );
  }
  return [
    { name: 'single', url: TEST_REDIS_URL, cluster: false },
    { name: 'cluster', url: TEST_REDIS_CLUSTER_URL, cluster: true },
  ];
}

/** Connects to a target through the production factory (`src/redis/connect.ts`). */
export function connectTarget(
  target: RedisTarget,
  options: { maxRetriesPerRequest?: number | null } = {},
): RedisClient {
  return createRedisClient(
    { url: target.url, cluster: target.cluster, sentinels: [], sentinelName: undefined },
    {
      maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? null : options.maxRetriesPerRequest,
    },
  );
}

/**
 * Deletes every key under `prefix` (SCAN, not KEYS, to stay friendly on shared servers).
 * On a Cluster it scans each master and deletes key by key, since one DEL may not
 * span slots.
 */
export async function deletePrefix(redis: RedisClient, prefix: string): Promise<void> {
  const nodes: Redis[] = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length === 0) continue;
      if (redis instanceof Cluster) await Promise.all(keys.map((k) => node.del(k)));
      else await node.del(...keys);
    } while (cursor !== '0');
  }
}
