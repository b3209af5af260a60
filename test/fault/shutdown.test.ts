import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
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

vi.setConfig({ testTimeout: 60_000, hookTimeout: 30_000 });

/** SIGTERM: running turns finish within the deadline; past it they are handed to another instance at once. */
describe('graceful shutdown', () => {
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

  function env(label: string) {
    const prefix = uniquePrefix(label);
    prefixes.push(prefix);
    // A long lease: if the handover waited for it to expire, the test would time out.
    return {
      REDIS_URL: TEST_REDIS_URL,
      PREFIX: prefix,
      STUB_URL: stub.url,
      LEASE_MS: '30000',
      SWEEP_MS: '60000',
    };
  }

  it('finishes a running turn before exiting', async () => {
    const base = env('sigterm-finish');
    const a = await spawnWorker('finisher', {
      ...base,
      CLASSIFY_DELAY_MS: '1500',
      SHUTDOWN_DEADLINE_MS: '10000',
    });
    workers.push(a);
    const m = message('sd-1', 'hello there');
    expect(await ingest(a, m)).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(stub.sendsFor(m.id).map((s) => s.worker)).toEqual(['finisher']);
  });

  it('hands a turn that outlasts the deadline to another instance at once, answered once', async () => {
    const base = env('sigterm-handover');
    const a = await spawnWorker('leaver', {
      ...base,
      CLASSIFY_DELAY_MS: '8000',
      SHUTDOWN_DEADLINE_MS: '300',
    });
    const b = await spawnWorker('stayer', base);
    workers.push(a, b);
    const m = message('sd-2', 'hello slow');
    expect(await ingest(a, m)).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    const sent = Date.now();
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    // B's own turn takes 0 ms of classification here; 30 s lease never had to expire.
    expect(await waitUntil(() => stub.sendsFor(m.id).length > 0, 15_000)).toBe(true);
    expect(Date.now() - sent).toBeLessThan(15_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(stub.sendsFor(m.id).map((s) => s.worker)).toEqual(['stayer']);
  });
});
