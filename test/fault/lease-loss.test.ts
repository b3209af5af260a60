import { describe, expect, it, vi } from 'vitest';
import { createKeySpace } from '../../src/context/keys.ts';
import { RedisContextStore } from '../../src/context/redis-context-store.ts';
import { toConversationKey } from '../../src/model/conversation-key.ts';
import type { InboundAction } from '../../src/model/inbound-event.ts';
import { connectRedis } from '../helpers/redis.ts';
import { ingest, message, useFaultSuite, waitUntil } from './harness.ts';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 30_000 });

/**
 * A turn outlives its lease: worker A's event loop stalls (a CPU-bound turn) past the
 * lease, worker B takes the conversation over and staff claim it meanwhile. When A
 * wakes up it must perform no effect, and never overwrite the claim.
 */
describe('a turn that outlives its lease', () => {
  const suite = useFaultSuite();

  it('performs nothing after the loss, the staff claim stands, and the bot stays silent', async () => {
    const prefix = suite.prefix('lease-loss');
    const env = suite.env(prefix, { LEASE_MS: '1500', SWEEP_MS: '300' });
    const a = await suite.worker('stale', { ...env, STALL_ON: 'slowpoke', STALL_MS: '6000' });
    const b = await suite.worker('fresh', env);
    const stub = suite.stub;

    const first = message('lease', 'hello slowpoke');
    expect(await ingest(a, first)).toBe(200);
    // B takes over once A's lease expired, and answers the message A is stuck on.
    expect(await waitUntil(() => stub.sendsFor(first.id).length > 0, 10_000)).toBe(true);
    expect(stub.sendsFor(first.id).map((s) => s.worker)).toEqual(['fresh']);

    // Meanwhile the customer asks for a person and staff claim the ticket.
    const ask = message('lease', 'a person please');
    expect(await ingest(b, ask)).toBe(200);
    expect(await waitUntil(() => stub.desk.some((d) => d.type === 'open'), 10_000)).toBe(true);
    const ticketId = stub.desk.find((d) => d.type === 'open')?.ticketId ?? '';
    const claim: InboundAction = {
      kind: 'action',
      id: `claim-${Date.now()}`,
      ref: ask.ref,
      at: Date.now(),
      actor: { id: 'U-STAFF', role: 'staff' },
      action: { type: 'claim' },
      ticketId,
    };
    expect(await ingest(b, claim)).toBe(200);
    expect(
      await waitUntil(() => stub.desk.some((d) => d.type === 'update' && d.key.startsWith(claim.id)), 10_000),
    ).toBe(true);

    // A wakes up after its stall and tries to finish its stale turn.
    const during = message('lease', 'hello? anyone');
    await new Promise((r) => setTimeout(r, 6_500));
    expect(await ingest(b, during)).toBe(200);
    expect(
      await waitUntil(() => stub.desk.some((d) => d.type === 'relay' && d.key.startsWith(during.id)), 10_000),
    ).toBe(true);
    await new Promise((r) => setTimeout(r, 1_000));

    expect(stub.sends.filter((s) => s.worker === 'stale')).toEqual([]);
    expect(stub.desk.filter((d) => d.worker === 'stale')).toEqual([]);
    expect(stub.sendsFor(first.id)).toHaveLength(1);
    expect(stub.sendsFor(during.id)).toEqual([]);
    const redis = connectRedis();
    const store = new RedisContextStore({
      redis,
      keys: createKeySpace(prefix),
      ttlSeconds: 60,
      historyTurns: 20,
    });
    const context = await store.get(toConversationKey(ask.ref));
    await redis.quit();
    expect(context?.ownership).toMatchObject({
      state: 'human',
      ticket: { id: ticketId, assignee: 'U-STAFF' },
    });
  });
});
