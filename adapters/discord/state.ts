import type { KeyValueStore } from '../../src/ports/key-value.ts';
import { INTERACTION_SEEN_TTL_MS, INTERACTION_TOKEN_TTL_MS, THREAD_STATE_TTL_MS } from './limits.ts';
import type { DiscordActionRow } from './types.ts';

/** A support thread the adapter opened: which conversation it is and whose. */
export interface ThreadRecord {
  readonly guildId: string;
  /** The support channel the thread hangs off (the conversation ref's `channel`). */
  readonly channelId: string;
  /** The customer who opened it; only they may click its buttons. */
  readonly customerId: string;
}

/** A button click acknowledged with a deferred update, waiting for its follow-up edit. */
export interface DeferredInteraction {
  readonly applicationId: string;
  readonly token: string;
  /** The clicked message's buttons as they should look after the click. */
  readonly components: readonly DiscordActionRow[];
}

/**
 * Adapter state in the `discord` namespace of the key-value port, shared by every
 * instance (Redis) so a turn processed by another process still finds it:
 * thread → conversation, interactions already acknowledged, deferred interactions.
 */
export class DiscordState {
  readonly #kv: KeyValueStore;
  constructor(kv: KeyValueStore) {
    this.#kv = kv;
  }

  /** Records a thread about to be opened; false when it was already recorded (a redelivered message). */
  claimThread(threadId: string, record: ThreadRecord): Promise<boolean> {
    return this.#kv.setIfAbsent(`thread:${threadId}`, JSON.stringify(record), THREAD_STATE_TTL_MS);
  }

  /** Forgets a thread whose creation failed, so a redelivery may try again. */
  releaseThread(threadId: string): Promise<void> {
    return this.#kv.delete(`thread:${threadId}`);
  }

  async thread(threadId: string): Promise<ThreadRecord | null> {
    return parse<ThreadRecord>(await this.#kv.get(`thread:${threadId}`));
  }

  /** True the first time an interaction id is seen; a replayed INTERACTION_CREATE gets false. */
  markInteractionSeen(interactionId: string): Promise<boolean> {
    return this.#kv.setIfAbsent(`interaction:${interactionId}`, '1', INTERACTION_SEEN_TTL_MS);
  }

  saveDeferred(interactionId: string, deferred: DeferredInteraction): Promise<void> {
    return this.#kv.set(`deferred:${interactionId}`, JSON.stringify(deferred), INTERACTION_TOKEN_TTL_MS);
  }

  /** Returns and forgets the deferred interaction, if it is still pending. */
  async takeDeferred(interactionId: string): Promise<DeferredInteraction | null> {
    const key = `deferred:${interactionId}`;
    const value = parse<DeferredInteraction>(await this.#kv.get(key));
    if (value) await this.#kv.delete(key);
    return value;
  }
}

function parse<T>(value: string | null): T | null {
  if (value === null) return null;
  try {
    return JSON.parse(value) as T;
  } catch {
    return null;
  }
}
