import { StoreConflictError, StoreUnavailableError } from '../errors.ts';
import type { ConversationContext, CustomerProfile } from '../model/context.ts';
import type { ConversationKey } from '../model/conversation-key.ts';
import type { ContextStore, Mutation } from '../ports/context-store.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { KeySpace } from './keys.ts';
import { boundHistory, decodeContext, decodeProfile } from './schema.ts';

export interface RedisContextStoreConfig {
  readonly redis: RedisClient;
  readonly keys: KeySpace;
  readonly ttlSeconds: number;
  readonly historyTurns: number;
  /** How many times a conflicting write is retried before giving up. */
  readonly maxConflictRetries?: number;
}

// Compare-and-set on a hash {v: version, d: json}: the write lands only if nobody
// wrote since we read. Lua keeps it one round trip and safe on a shared connection
// (WATCH/MULTI is per connection and would interleave between concurrent callers).
const CAS_SCRIPT = `
local current = redis.call('HGET', KEYS[1], 'v')
if (current or '') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'd', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`;

type CasRedis = RedisClient & {
  sbCas(key: string, expected: string, next: string, json: string, ttlMs: number): Promise<number>;
};

/**
 * Redis `ContextStore` on ioredis: namespaced keys, schema-versioned JSON, bounded
 * history, TTL refreshed on every write, and optimistic atomic read-modify-write.
 */
export class RedisContextStore implements ContextStore {
  readonly #redis: CasRedis;
  readonly #config: RedisContextStoreConfig;

  constructor(config: RedisContextStoreConfig) {
    this.#config = config;
    const redis = config.redis as CasRedis;
    if (typeof redis.sbCas !== 'function') {
      redis.defineCommand('sbCas', { numberOfKeys: 1, lua: CAS_SCRIPT });
    }
    this.#redis = redis;
  }

  async get(key: ConversationKey): Promise<ConversationContext | null> {
    const json = await this.#call(() => this.#redis.hget(this.#config.keys.context(key), 'd'));
    return json === null ? null : decodeContext(json);
  }

  update(key: ConversationKey, mutate: Mutation<ConversationContext>): Promise<ConversationContext> {
    return this.#cas(this.#config.keys.context(key), decodeContext, (current) =>
      boundHistory(mutate(current), this.#config.historyTurns),
    );
  }

  async delete(key: ConversationKey): Promise<void> {
    await this.#call(() => this.#redis.del(this.#config.keys.context(key)));
  }

  async getProfile(customerId: string): Promise<CustomerProfile | null> {
    const json = await this.#call(() => this.#redis.hget(this.#config.keys.profile(customerId), 'd'));
    return json === null ? null : decodeProfile(json);
  }

  updateProfile(customerId: string, mutate: Mutation<CustomerProfile>): Promise<CustomerProfile> {
    return this.#cas(this.#config.keys.profile(customerId), decodeProfile, mutate);
  }

  async ping(): Promise<void> {
    await this.#call(() => this.#redis.ping());
  }

  async close(): Promise<void> {
    // The connection is owned by the composition root, which closes it.
  }

  async #cas<T>(redisKey: string, decode: (json: string) => T, mutate: Mutation<T>): Promise<T> {
    const attempts = this.#config.maxConflictRetries ?? 100;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const [version, json] = await this.#call(() => this.#redis.hmget(redisKey, 'v', 'd'));
      const next = mutate(json ? decode(json) : null);
      const nextVersion = String(Number(version ?? '0') + 1);
      const ok = await this.#call(() =>
        this.#redis.sbCas(
          redisKey,
          version ?? '',
          nextVersion,
          JSON.stringify(next),
          this.#config.ttlSeconds * 1000,
        ),
      );
      if (ok === 1) return next;
      // Lost the race: back off a little (jittered) so hot keys do not livelock.
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));
    }
    throw new StoreConflictError(`gave up writing ${redisKey} after ${attempts} conflicting attempts`);
  }

  async #call<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (error) {
      throw new StoreUnavailableError('redis call failed', { cause: error });
    }
  }
}
