import { describe, expect, it, vi } from 'vitest';
import { ingest, message, useFaultSuite, waitUntil } from './harness.ts';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 30_000 });

/**
 * A crash injected at each point of a turn (the worker kills itself with SIGKILL
 * there), then a second worker on the same Redis finishes the work. Effects are
 * counted at the stub, per idempotency key.
 */
describe('a crash at each point of a turn', () => {
  const suite = useFaultSuite();

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
      const env = suite.env(suite.prefix(`crash-${point}`), { LEASE_MS: '1500', SWEEP_MS: '500' });
      const a = await suite.worker(`a-${point}`, { ...env, CRASH_AT: point, CRASH_ON: 'boom' });
      const greetings = Array.from({ length: 5 }, (_, i) => message(`${point}-g${i}`, `hello ${i}`));
      const boom = message(`${point}-boom`, 'a person please boom');
      for (const m of greetings) expect(await ingest(a, m)).toBe(200);
      // The crash must hit the handoff's turn only (a crash in the middle of another
      // conversation's send is the documented window, tested by the kill -9 suite).
      expect(
        await waitUntil(() => greetings.every((g) => suite.stub.sendsFor(g.id).length > 0), 20_000),
      ).toBe(true);
      expect(await ingest(a, boom)).toBe(200);
      await a.exited;

      await suite.worker(`b-${point}`, env);
      const stub = suite.stub;
      const opened = () => stub.desk.filter((d) => d.type === 'open' && d.key.startsWith(boom.id));
      const answered = () => greetings.every((g) => stub.sendsFor(g.id).length > 0) && opened().length > 0;
      expect(await waitUntil(answered, 20_000)).toBe(true);
      // Give a wrong second delivery time to show up before counting.
      await new Promise((r) => setTimeout(r, 1_000));

      for (const g of greetings) {
        expect(stub.sendsFor(g.id).map((s) => s.key)).toEqual([`${g.id}:0`]);
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
    const env = suite.env(suite.prefix('crash-twice'), { LEASE_MS: '1000', SWEEP_MS: '300' });
    const crashy = { ...env, CRASH_AT: 'before_record', CRASH_ON: 'boom' };
    const first = await suite.worker('first', crashy);
    const m = message('twice', 'hello boom');
    expect(await ingest(first, m)).toBe(200);
    await first.exited;
    // The second worker picks the event up on its own (nobody writes again) and dies on it too.
    const second = await suite.worker('second', crashy);
    await second.exited;
    expect(second.child.signalCode).toBe('SIGKILL');
    await suite.worker('third', env);
    expect(await waitUntil(() => suite.stub.sendsFor(m.id).length > 0, 20_000)).toBe(true);
    expect(suite.stub.sendsFor(m.id).map((s) => s.worker)).toEqual(['third']);
  });
});
