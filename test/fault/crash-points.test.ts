import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 30_000 });
import { TEST_REDIS_URL, connectRedis, deletePrefix, uniquePrefix } from '../helpers/redis.ts';
import {
  type EffectStub,
  type Worker,
  ingest,
  message,
  spawnWorker,
  startStub,
  waitUntil,
} from './harness.ts';

/**
 * A crash injected at each point of a turn (the worker kills itself with SIGKILL
 * there), then a second worker on the same Redis finishes the work. Effects are
 * counted at the stub, per idempotency key.
 */
describe('a crash at each point of a turn', () => {
  let stub: EffectStub;
  const workers: Worker[] = [];
  const prefixes: string[] = [];

  beforeAll(async () => {
    stub = await startStub();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill()));
  });
  afterAll(async () => {
    await stub.close();
    const redis = connectRedis();
    for (const p of prefixes) await deletePrefix(redis, p);
    await redis.quit();
  });

  const points = [
    // [crash point, how many times the handoff notice may reach the stub]
    ['before_record', 1],
    ['after_record', 1],
    ['between_effects', 1],
    // The one documented window: the platform accepted the send, the crash came
    // before it was marked done, so the resumed turn sends it again.
    ['after_send', 2],
  ] as const;

  it.each(points)(
    'crash %s: every accepted message is answered, the handoff opened once',
    async (point, maxNotice) => {
      const prefix = uniquePrefix(`crash-${point}`);
      prefixes.push(prefix);
      const env = {
        REDIS_URL: TEST_REDIS_URL,
        PREFIX: prefix,
        STUB_URL: stub.url,
        LEASE_MS: '1500',
        SWEEP_MS: '500',
      };
      const a = await spawnWorker(`a-${point}`, { ...env, CRASH_AT: point, CRASH_ON: 'boom' });
      workers.push(a);
      const greetings = Array.from({ length: 5 }, (_, i) => message(`${point}-g${i}`, `hello ${i}`));
      const boom = message(`${point}-boom`, 'a person please boom');
      for (const m of [...greetings, boom]) expect(await ingest(a, m)).toBe(200);
      await a.exited;

      const b = await spawnWorker(`b-${point}`, env);
      workers.push(b);
      const opened = () => stub.desk.filter((d) => d.type === 'open' && d.key.startsWith(boom.id));
      const answered = () => greetings.every((g) => stub.sendsFor(g.id).length > 0) && opened().length > 0;
      expect(await waitUntil(answered, 20_000)).toBe(true);
      // Give a wrong second delivery time to show up before counting.
      await new Promise((r) => setTimeout(r, 1_000));

      for (const g of greetings) {
        const sends = stub.sendsFor(g.id);
        expect(sends.map((s) => s.key)).toEqual([`${g.id}:0`]);
      }
      const notices = stub.sendsFor(boom.id);
      expect(new Set(notices.map((s) => s.key))).toEqual(new Set([`${boom.id}:0`]));
      expect(notices.length).toBeGreaterThanOrEqual(1);
      expect(notices.length).toBeLessThanOrEqual(maxNotice);
      expect(opened()).toHaveLength(1);
      // The crash really happened where it was injected.
      expect(a.child.signalCode).toBe('SIGKILL');
    },
  );

  it('recovers an event whose workers died on it twice, without the customer writing again', async () => {
    const prefix = uniquePrefix('crash-twice');
    prefixes.push(prefix);
    const env = {
      REDIS_URL: TEST_REDIS_URL,
      PREFIX: prefix,
      STUB_URL: stub.url,
      LEASE_MS: '1000',
      SWEEP_MS: '300',
    };
    const crashy = { ...env, CRASH_AT: 'before_record', CRASH_ON: 'boom' };
    const first = await spawnWorker('first', crashy);
    workers.push(first);
    const m = message('twice', 'hello boom');
    expect(await ingest(first, m)).toBe(200);
    await first.exited;
    // The second worker picks the event up on its own (nobody writes again) and dies on it too.
    const second = await spawnWorker('second', crashy);
    workers.push(second);
    await second.exited;
    expect(second.child.signalCode).toBe('SIGKILL');
    const third = await spawnWorker('third', env);
    workers.push(third);
    expect(await waitUntil(() => stub.sendsFor(m.id).length > 0, 20_000)).toBe(true);
    expect(stub.sendsFor(m.id).map((s) => s.worker)).toEqual(['third']);
  });
});
