import type { ConversationContext, CustomerProfile } from '../model/context.ts';
import type { ConversationKey } from '../model/conversation-key.ts';

/** A pure, synchronous transformation; it may run more than once when writes race. */
export type Mutation<T> = (current: T | null) => T;

/**
 * Multi-turn state. `update` is an atomic read-modify-write: concurrent updates
 * from any number of processes never lose one another's changes. Every write
 * refreshes the record's TTL.
 */
export interface ContextStore {
  get(key: ConversationKey): Promise<ConversationContext | null>;
  update(key: ConversationKey, mutate: Mutation<ConversationContext>): Promise<ConversationContext>;
  delete(key: ConversationKey): Promise<void>;
  getProfile(customerId: string): Promise<CustomerProfile | null>;
  updateProfile(customerId: string, mutate: Mutation<CustomerProfile>): Promise<CustomerProfile>;
  /** Resolves when the backing store answers; rejects otherwise (used by `/readyz`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
