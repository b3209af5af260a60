import type { Clock } from '../ports/clock.ts';
import type { KeyValueSpace, KeyValueStore } from '../ports/key-value.ts';
import { assertNamespace, ttlToMs } from './names.ts';

/** Default cap on live entries across every namespace of one space. */
export const DEFAULT_MEMORY_KEY_VALUE_MAX_ENTRIES = 100_000;

export interface MemoryKeyValueSpaceConfig {
  readonly clock: Clock;
  /** Entries kept across all namespaces; beyond it the least recently used goes. */
  readonly maxEntries?: number;
}

interface Entry {
  readonly value: string;
  readonly expiresAt: number;
}

/**
 * In-process `KeyValueSpace` for single-instance runs and tests.
 *
 * Bounded without sweeping: a `Map` iterates in insertion order, so re-inserting an
 * entry on every read and write keeps the least recently used one first, and an
 * insert over the cap evicts exactly that one. Expired entries are dropped when
 * read (or when they reach the front and are evicted). Every operation is O(1);
 * nothing ever walks the map, so cost does not grow with the number of keys.
 */
export class MemoryKeyValueSpace implements KeyValueSpace {
  readonly #entries = new Map<string, Entry>();
  readonly #clock: Clock;
  readonly #maxEntries: number;

  constructor(config: MemoryKeyValueSpaceConfig) {
    this.#clock = config.clock;
    this.#maxEntries = config.maxEntries ?? DEFAULT_MEMORY_KEY_VALUE_MAX_ENTRIES;
    if (!Number.isInteger(this.#maxEntries) || this.#maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive whole number, got ${this.#maxEntries}`);
    }
  }

  /** Entries held right now, expired ones not yet dropped included (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  namespace(name: string): KeyValueStore {
    assertNamespace(name);
    const id = (key: string) => `${name}:${key}`;
    return {
      get: async (key) => this.#get(id(key)),
      set: async (key, value, ttlMs) => {
        this.#put(id(key), value, ttlToMs(ttlMs));
      },
      setIfAbsent: async (key, value, ttlMs) => {
        const ms = ttlToMs(ttlMs);
        if (this.#get(id(key)) !== null) return false;
        this.#put(id(key), value, ms);
        return true;
      },
      delete: async (key) => {
        this.#entries.delete(id(key));
      },
    };
  }

  #get(id: string): string | null {
    const entry = this.#entries.get(id);
    if (entry === undefined) return null;
    this.#entries.delete(id);
    if (entry.expiresAt <= this.#clock.now()) return null;
    // Re-insert: the entry becomes the most recently used.
    this.#entries.set(id, entry);
    return entry.value;
  }

  #put(id: string, value: string, ttlMs: number): void {
    this.#entries.delete(id);
    this.#entries.set(id, { value, expiresAt: this.#clock.now() + ttlMs });
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }
}
