import { StoreUnavailableError } from '../errors.ts';
import type { KeyValueSpace, KeyValueStore } from '../ports/key-value.ts';
import type { RedisClient } from '../redis/connect.ts';
import { assertNamespace, ttlToMs } from './names.ts';

export interface RedisKeyValueSpaceConfig {
  /** A plain, Sentinel or Cluster client; every command here touches one key. */
  readonly redis: RedisClient;
  /** The deployment's `REDIS_PREFIX`. */
  readonly prefix: string;
}

/**
 * `KeyValueSpace` on Redis, shared by every instance and surviving restarts. Keys are
 * `${prefix}:kv:${namespace}:${key}`; each value is one string with its TTL set in
 * the same command (`SET … PX`, `SET … PX … NX`), so no key is ever left without
 * an expiry. Single-key commands only, so it works unchanged on Redis Cluster.
 */
export class RedisKeyValueSpace implements KeyValueSpace {
  readonly #redis: RedisClient;
  readonly #prefix: string;

  constructor(config: RedisKeyValueSpaceConfig) {
    this.#redis = config.redis;
    this.#prefix = config.prefix;
  }

  namespace(name: string): KeyValueStore {
    assertNamespace(name);
    const redis = this.#redis;
    const id = (key: string) => `${this.#prefix}:kv:${name}:${key}`;
    return {
      get: (key) => call(() => redis.get(id(key))),
      set: async (key, value, ttlMs) => {
        const ms = ttlToMs(ttlMs);
        await call(() => redis.set(id(key), value, 'PX', ms));
      },
      setIfAbsent: async (key, value, ttlMs) => {
        const ms = ttlToMs(ttlMs);
        return (await call(() => redis.set(id(key), value, 'PX', ms, 'NX'))) === 'OK';
      },
      delete: async (key) => {
        await call(() => redis.del(id(key)));
      },
    };
  }
}

async function call<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (error) {
    throw new StoreUnavailableError('redis key-value call failed', { cause: error });
  }
}
