import { describe, expect, it } from 'vitest';
import { createKeySpace } from '../../src/context/keys.ts';
import { newContext } from '../../src/engine/turn-changes.ts';
import { LockLostError } from '../../src/errors.ts';
import { silentLogger } from '../../src/logging/pino-logger.ts';
import { toConversationKey } from '../../src/model/conversation-key.ts';
import type { EventHandler } from '../../src/ports/inbound-queue.ts';
import { RedisInboundQueue } from '../../src/queue/redis-inbound-queue.ts';
import { customerMessage, fakeRef } from '../helpers/events.ts';
import { useQueueResources } from '../helpers/queue-resources.ts';
import { redisTargets } from '../helpers/redis.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(redisTargets())('Redis queue fencing ($name)', (target) => {
  const resources = useQueueResources(target);

  function setup(options: { leaseMs?: number; deadLetterMax?: number; maxAttempts?: number } = {}) {
    const prefix = resources.prefix('fence');
    const connect = resources.connect;
    const redis = connect();
    const keys = createKeySpace(prefix);
    const make = () => {
      const queue = new RedisInboundQueue({
        redis,
        createConnection: connect,
        keys,
        dedupeTtlSeconds: 600,
        contextTtlSeconds: 600,
        historyTurns: 20,
        lockLeaseMs: options.leaseMs ?? 5_000,
        concurrency: 4,
        maxAttempts: options.maxAttempts ?? 3,
        retryBaseMs: 5,
        recoveryIntervalMs: 200,
        deadLetterMax: options.deadLetterMax ?? 100,
        logger: silentLogger,
      });
      resources.track(queue);
      return queue;
    };
    return { redis, keys, make };
  }

  const conversation = toConversationKey(fakeRef('fenced'));
  const fresh = () => newContext(conversation, fakeRef('fenced'), 'fake:x', Date.now());

  it('refuses the record of a turn whose lease was taken, inside the script', async () => {
    const { redis, keys, make } = setup();
    const queue = make();
    const outcomes: string[] = [];
    const handler: EventHandler = async (session) => {
      // Another worker took the lease while this turn was deciding.
      await redis.set(keys.lock(conversation), '999999', 'PX', 60_000);
      try {
        await session.commit(fresh(), { eventId: session.event.id });
        outcomes.push('committed');
      } catch (error) {
        outcomes.push(error instanceof LockLostError ? 'lock_lost' : String(error));
        throw error;
      }
    };
    await queue.start(handler, async () => {});
    await queue.enqueue(customerMessage('fenced', 'hello'));
    await queue.idle();
    expect(outcomes).toEqual(['lock_lost']);
    expect(await redis.hget(keys.context(conversation), 'd')).toBeNull();
  });

  it('does not pop the event when the lease was lost before the ack', async () => {
    const { redis, keys, make } = setup();
    const queue = make();
    let calls = 0;
    await queue.start(
      async (session) => {
        calls++;
        await session.commit(fresh(), { eventId: session.event.id });
        await redis.set(keys.lock(conversation), '999999', 'PX', 60_000);
      },
      async () => {},
    );
    await queue.enqueue(customerMessage('fenced', 'hello'));
    await queue.idle();
    expect(calls).toBe(1);
    // The event stays first in its inbox, with its record, for the lease holder to resume.
    expect(await redis.llen(keys.inbox(conversation))).toBe(1);
    expect(await redis.hget(keys.context(conversation), 't')).not.toBeNull();
  });

  it('keeps the lease of a turn longer than the lease time by renewing it', async () => {
    const { make } = setup({ leaseMs: 900 });
    const a = make();
    const b = make();
    let runs = 0;
    const handler: EventHandler = async (session) => {
      runs++;
      await sleep(2_500);
      await session.commit(fresh(), { eventId: session.event.id });
    };
    await a.start(handler, async () => {});
    await b.start(handler, async () => {});
    await a.enqueue(customerMessage('fenced', 'a long turn'));
    await sleep(3_500);
    await Promise.all([a.idle(), b.idle()]);
    expect(runs).toBe(1);
  });

  it('keeps a dead letter without the raw payload, trimmed to its cap, and removes the event', async () => {
    const { redis, keys, make } = setup({ deadLetterMax: 2, maxAttempts: 2 });
    const queue = make();
    const dead: string[] = [];
    await queue.start(
      async () => {
        throw new Error('always fails');
      },
      async (event) => {
        dead.push(event.id);
      },
    );
    const events = [1, 2, 3].map((i) =>
      customerMessage('fenced', `poison ${i}`, { raw: { secret: 'full platform body' } }),
    );
    for (const e of events) await queue.enqueue(e);
    await queue.idle();
    expect(dead).toEqual(events.map((e) => e.id));
    const letters = await queue.deadLetters();
    expect(letters.map((l) => l.event.id)).toEqual([events[1]?.id, events[2]?.id]);
    expect(JSON.stringify(letters)).not.toContain('full platform body');
    expect(await redis.pttl(keys.deadLetter)).toBeGreaterThan(0);
    expect(await redis.llen(keys.inbox(conversation))).toBe(0);
  });
});
