import { describe, expect, it } from 'vitest';
import { MemoryContextStore } from '../../../src/context/memory-context-store.ts';
import { newContext } from '../../../src/engine/turn-changes.ts';
import type { ConversationContext, CustomerProfile } from '../../../src/model/context.ts';
import { type ConversationKey, toConversationKey } from '../../../src/model/conversation-key.ts';

function conversation(user: string): { key: ConversationKey; context: (now: number) => ConversationContext } {
  const ref = { platform: 'fake', workspace: 'w', channel: 'c', threadOrUser: user };
  const key = toConversationKey(ref);
  return {
    key,
    context: (now) => newContext(key, ref, `fake:${user}`, now),
  };
}

function profile(id: string, now: number): CustomerProfile {
  return { schema: 1, id, platformIds: {}, firstSeen: now, lastSeen: now, messageCount: 1, tier: 'standard' };
}

describe('MemoryContextStore TTL', () => {
  it('expires a conversation TTL after its last write, and each write pushes expiry back', async () => {
    let now = 1_000;
    const store = new MemoryContextStore({ ttlSeconds: 10, historyTurns: 5, clock: { now: () => now } });
    const c = conversation('u');
    await store.update(c.key, () => c.context(now));
    now += 9_000;
    await store.update(c.key, (current) => ({ ...(current ?? c.context(now)), failedTurns: 1 }));
    // 18 s after the first write, 9 s after the second: alive only because the write refreshed the TTL.
    now += 9_000;
    expect((await store.get(c.key))?.failedTurns).toBe(1);
    now += 1_001;
    expect(await store.get(c.key)).toBeNull();
  });

  it('refreshes a profile TTL on every write too', async () => {
    let now = 1_000;
    const store = new MemoryContextStore({ ttlSeconds: 10, historyTurns: 5, clock: { now: () => now } });
    await store.updateProfile('fake:u', () => profile('fake:u', now));
    now += 9_000;
    await store.updateProfile('fake:u', (p) => ({ ...(p ?? profile('fake:u', now)), messageCount: 2 }));
    now += 9_000;
    expect((await store.getProfile('fake:u'))?.messageCount).toBe(2);
    now += 1_001;
    expect(await store.getProfile('fake:u')).toBeNull();
  });
});

describe('MemoryContextStore eviction', () => {
  it('holds at most maxEntries conversations, dropping the least recently written first', async () => {
    const now = 1_000;
    const store = new MemoryContextStore({
      ttlSeconds: 3600,
      historyTurns: 5,
      clock: { now: () => now },
      maxEntries: 3,
    });
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(conversation) as [
      ReturnType<typeof conversation>,
      ReturnType<typeof conversation>,
      ReturnType<typeof conversation>,
      ReturnType<typeof conversation>,
    ];
    for (const x of [a, b, c]) await store.update(x.key, () => x.context(now));
    // Writing `a` again makes `b` the oldest write.
    await store.update(a.key, (cur) => ({ ...(cur ?? a.context(now)), failedTurns: 1 }));
    await store.update(d.key, () => d.context(now));
    expect(store.size.contexts).toBe(3);
    expect(await store.get(b.key)).toBeNull();
    expect((await store.get(a.key))?.failedTurns).toBe(1);
    expect(await store.get(c.key)).not.toBeNull();
    expect(await store.get(d.key)).not.toBeNull();
  });

  it('caps profiles separately from conversations', async () => {
    const store = new MemoryContextStore({
      ttlSeconds: 3600,
      historyTurns: 5,
      clock: { now: () => 0 },
      maxEntries: 2,
    });
    for (const id of ['p1', 'p2', 'p3']) await store.updateProfile(id, () => profile(id, 0));
    const c = conversation('u');
    await store.update(c.key, () => c.context(0));
    expect(store.size).toEqual({ contexts: 1, profiles: 2 });
    expect(await store.getProfile('p1')).toBeNull();
    expect(await store.getProfile('p3')).not.toBeNull();
  });

  it('drops expired conversations on later writes even when nobody reads them again', async () => {
    let now = 0;
    const store = new MemoryContextStore({ ttlSeconds: 60, historyTurns: 5, clock: { now: () => now } });
    for (let i = 0; i < 50; i++) {
      const c = conversation(`idle-${i}`);
      await store.update(c.key, () => c.context(now));
    }
    now += 61_000;
    const fresh = conversation('fresh');
    await store.update(fresh.key, () => fresh.context(now));
    expect(store.size.contexts).toBe(1);
  });
});
