import { describe, expect, it } from 'vitest';
import { createKeySpace } from '../../src/context/keys.ts';
import { silentLogger } from '../../src/logging/pino-logger.ts';
import { toConversationKey } from '../../src/model/conversation-key.ts';
import { RedisInboundQueue } from '../../src/queue/redis-inbound-queue.ts';
import { type QueueCommands, withQueueCommands } from '../../src/queue/redis-scripts.ts';
import { customerMessage, fakeRef } from '../helpers/events.ts';
import { useQueueResources } from '../helpers/queue-resources.ts';
import { TEST_REDIS_URL } from '../helpers/redis.ts';

/**
 * The "drain again" guard of the local drain (`#dispatch` / `#pump`): an event ingested
 * after a drain's last ack emptied the inbox and released the lease, but before that
 * drain's `.finally` ran, finds its key still pending locally. Only the guard drains it
 * then: `enqueue` adds no BullMQ wake-up for a key it dispatched locally, and the sweep
 * is pushed far out, so without the guard the event waits in Redis.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const target = { name: 'single', url: TEST_REDIS_URL, cluster: false } as const;
const QUEUE_NAME = 'inbound';

type ScanReply = [string, string[]];
type Scan = (...args: unknown[]) => Promise<ScanReply>;

describe('Redis queue: drain again after the last ack', () => {
  const resources = useQueueResources(target);

  it('drains an event ingested between the last ack and the end of the drain', async () => {
    const prefix = resources.prefix('again');
    const connect = resources.connect;
    const keys = createKeySpace(prefix);
    const redis = withQueueCommands(connect());

    // The start sweep runs in the background; wait for its last SCAN page so it cannot
    // be what finds the second event (a single node: the sweep scans this client).
    let sweepDone: () => void = () => {};
    const swept = new Promise<void>((resolve) => {
      sweepDone = resolve;
    });
    const client = redis as unknown as { scan: Scan };
    const realScan: Scan = client.scan.bind(redis);
    client.scan = async (...args) => {
      const reply = await realScan(...args);
      if (reply[0] === '0') sweepDone();
      return reply;
    };

    const queue = resources.track(
      new RedisInboundQueue({
        redis,
        createConnection: connect,
        keys,
        dedupeTtlSeconds: 600,
        contextTtlSeconds: 600,
        historyTurns: 20,
        lockLeaseMs: 5_000,
        concurrency: 4,
        maxAttempts: 3,
        retryBaseMs: 5,
        queueName: QUEUE_NAME,
        // Far beyond the wait below: the periodic sweep must not rescue the event.
        recoveryIntervalMs: 10 * 60_000,
        deadLetterMax: 100,
        logger: silentLogger,
      }),
    );

    const first = customerMessage('again', 'first');
    const second = customerMessage('again', 'second');
    const conversation = toConversationKey(fakeRef('again'));

    // Right after the real ack of the first event (inbox emptied, lease released), and
    // before the drain loop sees its reply, ingest the second event and let `enqueue`
    // finish: its dispatch finds the key still pending locally.
    const ackStatuses: number[] = [];
    let injected = false;
    let injectError: unknown;
    const realAck: QueueCommands['sbAck'] = redis.sbAck.bind(redis);
    redis.sbAck = async (...args) => {
      const reply = await realAck(...args);
      ackStatuses.push(Number(reply[0]));
      if (!injected) {
        injected = true;
        // Kept aside, not thrown: a throw here would look like a failed ack to the drain.
        await queue.enqueue(second).catch((error: unknown) => {
          injectError = error;
        });
      }
      return reply;
    };

    const handled: string[] = [];
    await queue.start(
      async (session) => {
        handled.push(session.event.id);
      },
      async () => {},
    );
    await swept;

    expect(await queue.enqueue(first)).toBe('accepted');
    const deadline = Date.now() + 5_000;
    while (handled.length < 2 && Date.now() < deadline) await sleep(20);

    expect(injectError).toBeUndefined();
    // 2: the first ack emptied the inbox and released the lease, so the window was real.
    expect(ackStatuses[0]).toBe(2);
    expect(handled).toEqual([first.id, second.id]);

    await queue.idle();
    expect(await redis.llen(keys.inbox(conversation))).toBe(0);
    expect(await redis.exists(keys.lock(conversation))).toBe(0);
    // Both drains ran in this process: no wake-up was ever added to BullMQ (a sweep or
    // re-check would have added one), so the guard alone drained the second event.
    const events = await redis.xrange(`${keys.bullPrefix}:${QUEUE_NAME}:events`, '-', '+');
    const added = events.filter(([, fields]) => fields[fields.indexOf('event') + 1] === 'added');
    expect(added).toEqual([]);
  });
});
