import { describe, expect, it } from 'vitest';
import { MemoryContextStore } from '../../../src/context/memory-context-store.ts';
import { newContext } from '../../../src/engine/turn-changes.ts';
import { toConversationKey } from '../../../src/model/conversation-key.ts';

describe('MemoryContextStore TTL', () => {
  it('expires a conversation TTL after its last write, and each write pushes expiry back', async () => {
    let now = 1_000;
    const store = new MemoryContextStore({ ttlSeconds: 10, historyTurns: 5, clock: { now: () => now } });
    const ref = { platform: 'fake', workspace: 'w', channel: 'c', threadOrUser: 'u' };
    const key = toConversationKey(ref);
    await store.update(key, () => newContext(key, ref, 'fake:u', now));
    now += 9_000;
    await store.update(key, (c) => ({ ...(c ?? newContext(key, ref, 'fake:u', now)), failedTurns: 1 }));
    now += 9_000;
    expect(await store.get(key)).not.toBeNull();
    now += 1_001;
    expect(await store.get(key)).toBeNull();
  });
});
