import type { ConversationContext, CustomerProfile } from '../model/context.ts';
import type { ConversationKey } from '../model/conversation-key.ts';
import type { Clock } from '../ports/clock.ts';
import type { ContextStore, Mutation } from '../ports/context-store.ts';
import { boundHistory } from './schema.ts';

/** Default cap on conversations (and, separately, profiles) held in memory. */
export const DEFAULT_MEMORY_CONTEXT_MAX_ENTRIES = 100_000;

export interface MemoryContextStoreConfig {
  readonly ttlSeconds: number;
  readonly historyTurns: number;
  readonly clock: Clock;
  /**
   * Conversations kept (profiles are capped separately at the same number); beyond
   * it the least recently written goes first. Default 100,000.
   */
  readonly maxEntries?: number;
}

interface Entry<T> {
  readonly value: T;
  readonly expiresAt: number;
}

/**
 * In-process `ContextStore` with the Redis store's semantics (TTL refreshed on
 * write, bounded history, values copied in and out so callers cannot alias them).
 * `update` is atomic because mutations are synchronous.
 *
 * Bounded with O(1) work per operation and no sweep: every write re-inserts its
 * entry at the end of a `Map` (which iterates in insertion order) with the same
 * TTL, so the first entry is always both the least recently written and the next
 * to expire. A write first drops expired entries from the front (each entry is
 * dropped once, so this is amortised O(1)), then, over the cap, the oldest one.
 * Reads drop an expired entry they find. Nothing ever walks the whole map.
 */
export class MemoryContextStore implements ContextStore {
  readonly #contexts = new Map<string, Entry<ConversationContext>>();
  readonly #profiles = new Map<string, Entry<CustomerProfile>>();
  readonly #config: MemoryContextStoreConfig;
  readonly #maxEntries: number;

  constructor(config: MemoryContextStoreConfig) {
    this.#config = config;
    this.#maxEntries = config.maxEntries ?? DEFAULT_MEMORY_CONTEXT_MAX_ENTRIES;
    if (!Number.isInteger(this.#maxEntries) || this.#maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive whole number, got ${this.#maxEntries}`);
    }
  }

  /** Conversations and profiles held right now (for tests and metrics). */
  get size(): { readonly contexts: number; readonly profiles: number } {
    return { contexts: this.#contexts.size, profiles: this.#profiles.size };
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
    const now = this.#config.clock.now();
    // Delete first so the entry moves to the end: the Map stays in write order.
    map.delete(key);
    map.set(key, { value: structuredClone(value), expiresAt: now + this.#config.ttlSeconds * 1000 });
    this.#evict(map, now);
    return structuredClone(value);
  }

  #evict<T>(map: Map<string, Entry<T>>, now: number): void {
    for (const [oldestKey, oldest] of map) {
      const expired = oldest.expiresAt <= now;
      if (!expired && map.size <= this.#maxEntries) return;
      map.delete(oldestKey);
    }
  }
}
