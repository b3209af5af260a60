import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newContext } from '../../src/engine/turn-changes.ts';
import type { ConversationContext } from '../../src/model/context.ts';
import { toConversationKey } from '../../src/model/conversation-key.ts';
import type { ContextStore } from '../../src/ports/context-store.ts';

export interface StoreFactory {
  create(options: { ttlSeconds: number; historyTurns: number }): Promise<ContextStore>;
  /** Remaining TTL of a conversation's record in ms, or null when the store cannot tell. */
  ttlMs(key: string): Promise<number | null>;
  cleanup(): Promise<void>;
}

const ref = (id: string) => ({ platform: 'fake', workspace: 'w', channel: 'c', threadOrUser: id });

function withTurn(context: ConversationContext | null, id: string, text: string): ConversationContext {
  const base = context ?? newContext(toConversationKey(ref(id)), ref(id), `fake:${id}`, 1);
  return { ...base, history: [...base.history, { role: 'customer', text, at: Date.now() }] };
}

/** One behavioural contract for every `ContextStore`: memory and Redis must agree. */
export function contextStoreContract(name: string, factory: StoreFactory): void {
  describe(`ContextStore contract: ${name}`, () => {
    let store: ContextStore;
    beforeEach(async () => {
      store = await factory.create({ ttlSeconds: 60, historyTurns: 5 });
    });
    afterEach(async () => {
      await store.close();
      await factory.cleanup();
    });

    it('returns null for an unknown conversation and round-trips what it stored', async () => {
      const key = toConversationKey(ref('a'));
      expect(await store.get(key)).toBeNull();
      const written = await store.update(key, (c) => withTurn(c, 'a', 'hello'));
      expect(await store.get(key)).toEqual(written);
      expect(written.history.map((h) => h.text)).toEqual(['hello']);
    });

    it('keeps only the last N history entries', async () => {
      const key = toConversationKey(ref('b'));
      for (let i = 0; i < 8; i++) await store.update(key, (c) => withTurn(c, 'b', `t${i}`));
      expect((await store.get(key))?.history.map((h) => h.text)).toEqual(['t3', 't4', 't5', 't6', 't7']);
    });

    it('loses no update when 25 writers race on one conversation', async () => {
      const key = toConversationKey(ref('c'));
      await store.update(key, (c) => ({ ...withTurn(c, 'c', 'start'), failedTurns: 0 }));
      await Promise.all(
        Array.from({ length: 25 }, () =>
          store.update(key, (c) => ({
            ...(c ?? withTurn(null, 'c', 'x')),
            failedTurns: (c?.failedTurns ?? 0) + 1,
          })),
        ),
      );
      expect((await store.get(key))?.failedTurns).toBe(25);
    });

    it('does not let callers mutate stored state through returned objects', async () => {
      const key = toConversationKey(ref('d'));
      const written = await store.update(key, (c) => withTurn(c, 'd', 'hello'));
      (written.history as unknown as { text: string }[])[0]!.text = 'tampered';
      expect((await store.get(key))?.history[0]?.text).toBe('hello');
    });

    it('deletes a conversation', async () => {
      const key = toConversationKey(ref('e'));
      await store.update(key, (c) => withTurn(c, 'e', 'hello'));
      await store.delete(key);
      expect(await store.get(key)).toBeNull();
    });

    it('refreshes the TTL on every write', async () => {
      const key = toConversationKey(ref('f'));
      await store.update(key, (c) => withTurn(c, 'f', 'hello'));
      const ttl = await factory.ttlMs(key);
      if (ttl !== null) {
        expect(ttl).toBeGreaterThan(55_000);
        expect(ttl).toBeLessThanOrEqual(60_000);
      }
      expect(await store.get(key)).not.toBeNull();
    });

    it('stores customer profiles with atomic updates', async () => {
      expect(await store.getProfile('fake:u1')).toBeNull();
      await Promise.all(
        Array.from({ length: 10 }, () =>
          store.updateProfile('fake:u1', (p) => ({
            schema: 1,
            id: 'fake:u1',
            platformIds: { fake: 'u1' },
            displayName: 'Ada',
            firstSeen: p?.firstSeen ?? 100,
            lastSeen: 200,
            messageCount: (p?.messageCount ?? 0) + 1,
            tier: 'vip',
          })),
        ),
      );
      const profile = await store.getProfile('fake:u1');
      expect(profile).toMatchObject({ messageCount: 10, firstSeen: 100, tier: 'vip', displayName: 'Ada' });
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
