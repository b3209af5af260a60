import { createKeySpace } from '../../src/context/keys.ts';
import { MemoryContextStore } from '../../src/context/memory-context-store.ts';
import { RedisContextStore } from '../../src/context/redis-context-store.ts';
import { systemClock } from '../../src/ports/clock.ts';
import type { RedisClient } from '../../src/redis/connect.ts';
import { connectTarget, deletePrefix, redisTargets, uniquePrefix } from '../helpers/redis.ts';
import { contextStoreContract } from './context-store.contract.ts';

contextStoreContract('memory', {
  create: async (o) => new MemoryContextStore({ ...o, clock: systemClock }),
  ttlMs: async () => null,
  cleanup: async () => {},
});

for (const target of redisTargets()) {
  const prefix = uniquePrefix(`contract-${target.name}`);
  const keys = createKeySpace(prefix);
  let redis: RedisClient | undefined;

  contextStoreContract(`redis ${target.name}`, {
    create: async (o) => {
      redis = connectTarget(target);
      return new RedisContextStore({ redis, keys, ...o });
    },
    ttlMs: async (key) => (redis ? redis.pttl(keys.context(key)) : null),
    cleanup: async () => {
      if (!redis) return;
      await deletePrefix(redis, prefix);
      await redis.quit();
      redis = undefined;
    },
  });
}
