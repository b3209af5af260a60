import type { ConversationContext, CustomerProfile } from '../model/context.ts';
import type { ConversationKey } from '../model/conversation-key.ts';
import type { Clock } from '../ports/clock.ts';
import type { ContextStore, Mutation } from '../ports/context-store.ts';
import { boundHistory } from './schema.ts';

export interface MemoryContextStoreConfig {
  readonly ttlSeconds: number;
  readonly historyTurns: number;
  readonly clock: Clock;
}

interface Entry<T> {
  readonly value: T;
  readonly expiresAt: number;
}

/**
 * In-process `ContextStore` with the Redis store's semantics (TTL refreshed on
 * write, bounded history, values copied in and out so callers cannot alias them).
 * `update` is atomic because mutations are synchronous.
 */
export class MemoryContextStore implements ContextStore {
  readonly #contexts = new Map<string, Entry<ConversationContext>>();
  readonly #profiles = new Map<string, Entry<CustomerProfile>>();
  readonly #config: MemoryContextStoreConfig;

  constructor(config: MemoryContextStoreConfig) {
    this.#config = config;
  }

  async get(key: ConversationKey): Promise<ConversationContext | null> {
    return this.#read(this.#contexts, key);
  }

  async update(key: ConversationKey, mutate: Mutation<ConversationContext>): Promise<ConversationContext> {
    const next = boundHistory(mutate(this.#read(this.#contexts, key)), this.#config.historyTurns);
    return this.#write(this.#contexts, key, next);
  }

  async delete(key: ConversationKey): Promise<void> {
    this.#contexts.delete(key);
  }

  async getProfile(customerId: string): Promise<CustomerProfile | null> {
    return this.#read(this.#profiles, customerId);
  }

  async updateProfile(customerId: string, mutate: Mutation<CustomerProfile>): Promise<CustomerProfile> {
    return this.#write(this.#profiles, customerId, mutate(this.#read(this.#profiles, customerId)));
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.#contexts.clear();
    this.#profiles.clear();
  }

  #read<T>(map: Map<string, Entry<T>>, key: string): T | null {
    const entry = map.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= this.#config.clock.now()) {
      map.delete(key);
      return null;
    }
    return structuredClone(entry.value);
  }

  #write<T>(map: Map<string, Entry<T>>, key: string, value: T): T {
    map.set(key, {
      value: structuredClone(value),
      expiresAt: this.#config.clock.now() + this.#config.ttlSeconds * 1000,
    });
    return structuredClone(value);
  }
}
