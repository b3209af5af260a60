import { describe, expect, it } from 'vitest';
import { MemoryKeyValueSpace } from '../../src/kv/memory-key-value.ts';
import { RedisKeyValueSpace } from '../../src/kv/redis-key-value.ts';
import { connectTarget, deletePrefix, redisTargets, uniquePrefix } from '../helpers/redis.ts';
import { keyValueContract } from './key-value.contract.ts';

keyValueContract('memory', async () => {
  let now = 1_700_000_000_000;
  return {
    space: new MemoryKeyValueSpace({ clock: { now: () => now } }),
    elapse: async (ms) => {
      now += ms;
    },
    cleanup: async () => {},
  };
});

for (const target of redisTargets()) {
  keyValueContract(`redis (${target.name})`, async () => {
    const redis = connectTarget(target);
    const prefix = uniquePrefix('kv');
    return {
      space: new RedisKeyValueSpace({ redis, prefix }),
      elapse: (ms) => new Promise((r) => setTimeout(r, ms)),
      cleanup: async () => {
        await deletePrefix(redis, prefix);
        await redis.quit();
      },
    };
  });

  describe(`RedisKeyValueSpace on ${target.name}`, () => {
    it('stores each value at prefix:kv:namespace:key with its TTL set in the same command', async () => {
      const redis = connectTarget(target);
      const prefix = uniquePrefix('kv-layout');
      try {
        const kv = new RedisKeyValueSpace({ redis, prefix }).namespace('slack');
        await kv.set('thread:C1:1712345678.000100', 'conv-1', 90_000);
        expect(await kv.setIfAbsent('marker', 'm', 30_000)).toBe(true);
        expect(await redis.get(`${prefix}:kv:slack:thread:C1:1712345678.000100`)).toBe('conv-1');
        const ttl = await redis.pttl(`${prefix}:kv:slack:thread:C1:1712345678.000100`);
        expect(ttl).toBeGreaterThan(80_000);
        expect(ttl).toBeLessThanOrEqual(90_000);
        const markerTtl = await redis.pttl(`${prefix}:kv:slack:marker`);
        expect(markerTtl).toBeGreaterThan(20_000);
        expect(markerTtl).toBeLessThanOrEqual(30_000);
      } finally {
        await deletePrefix(redis, prefix);
        await redis.quit();
      }
    });
  });
}
