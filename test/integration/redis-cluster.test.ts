import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisClient } from '../../src/redis/connect.ts';
import {
  type RedisTarget,
  connectTarget,
  deletePrefix,
  redisTargets,
  uniquePrefix,
} from '../helpers/redis.ts';

// Reads two keys in one script: the shape of every multi-key script the queue and
// the stores run (inbox + context + lease of one conversation).
const TWO_KEYS = `return {redis.call('GET', KEYS[1]), redis.call('GET', KEYS[2])}`;

const cluster = redisTargets().find((t) => t.cluster) as RedisTarget;

const prefix = uniquePrefix('cluster');
let untagged: [string, string];

describe('the test Redis Cluster (single node, all slots)', () => {
  let redis: RedisClient;

  beforeAll(async () => {
    redis = connectTarget(cluster);
    untagged = await keysInDifferentSlots(redis, prefix);
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('is reached through the ioredis Cluster client and reports every slot served', async () => {
    expect(redis).toBeInstanceOf(Cluster);
    const info = String(await (redis as Cluster).nodes('master')[0]?.call('CLUSTER', 'INFO'));
    expect(info).toContain('cluster_state:ok');
    expect(info).toContain('cluster_slots_assigned:16384');
  });

  it('runs a multi-key script when the keys share a hash tag', async () => {
    const a = `${prefix}:{conv-1}:inbox`;
    const b = `${prefix}:{conv-1}:ctx`;
    await redis.set(a, 'inbox');
    await redis.set(b, 'ctx');
    expect(await redis.eval(TWO_KEYS, 2, a, b)).toEqual(['inbox', 'ctx']);
  });

  it('refuses the same script with CROSSSLOT when the keys are untagged and in different slots', async () => {
    await expect(redis.eval(TWO_KEYS, 2, ...untagged)).rejects.toThrow(/CROSSSLOT/);
  });
});

describe('the single test Redis', () => {
  it('runs the untagged script the Cluster refuses (so the refusal above is the Cluster’s doing)', async () => {
    const single = redisTargets().find((t) => !t.cluster) as RedisTarget;
    const redis = connectTarget(single);
    try {
      expect(await redis.eval(TWO_KEYS, 2, ...untagged)).toEqual([null, null]);
    } finally {
      await redis.quit();
    }
  });
});

/** Two untagged keys under `prefix` whose Cluster slots differ (checked, not assumed). */
async function keysInDifferentSlots(redis: RedisClient, prefix: string): Promise<[string, string]> {
  const first = `${prefix}:inbox:conv-1`;
  const slot = (key: string) => redis.call('CLUSTER', 'KEYSLOT', key) as Promise<number>;
  const firstSlot = await slot(first);
  for (let i = 0; i < 100; i++) {
    const other = `${prefix}:ctx:conv-${i}`;
    if ((await slot(other)) !== firstSlot) return [first, other];
  }
  throw new Error('no two keys in different slots (impossible with 16384 slots)');
}
