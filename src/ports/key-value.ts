/**
 * Small namespaced key-value state with TTL for adapters and the desk: Slack thread
 * ↔ conversation, WhatsApp message statuses and reply windows, Discord thread ↔
 * customer. Values are strings (callers JSON-encode). Redis-backed when configured
 * (shared by every instance, restart-safe), in memory otherwise (bounded, evicting).
 *
 * In Redis Cluster, keys of one namespace-and-key pair live in one slot; nothing here
 * spans keys, so any key works.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  /** Sets the value and its time to live (ms). */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets only if absent; true when this call set it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
}

/** Hands out one `KeyValueStore` per namespace (`slack`, `whatsapp`, `discord`, `desk`, ...). */
export interface KeyValueSpace {
  namespace(name: string): KeyValueStore;
}
