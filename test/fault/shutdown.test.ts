import { describe, expect, it, vi } from 'vitest';
import { ingest, message, useFaultSuite, waitUntil } from './harness.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 30_000 });

/** SIGTERM: running turns finish within the deadline; past it they are handed to another instance at once. */
describe('graceful shutdown', () => {
  const suite = useFaultSuite();

  // A long lease: if the handover waited for it to expire, the test would time out.
  const env = (label: string) => suite.env(suite.prefix(label), { LEASE_MS: '30000', SWEEP_MS: '60000' });

  it('finishes a running turn before exiting', async () => {
    const base = env('sigterm-finish');
    const a = await suite.worker('finisher', {
      ...base,
      CLASSIFY_DELAY_MS: '1500',
      SHUTDOWN_DEADLINE_MS: '10000',
    });
    const m = message('sd-1', 'hello there');
    expect(await ingest(a, m)).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(suite.stub.sendsFor(m.id).map((s) => s.worker)).toEqual(['finisher']);
  });

  it('hands a turn that outlasts the deadline to another instance at once, answered once', async () => {
    const base = env('sigterm-handover');
    const a = await suite.worker('leaver', {
      ...base,
      CLASSIFY_DELAY_MS: '8000',
      SHUTDOWN_DEADLINE_MS: '300',
    });
    await suite.worker('stayer', base);
    const m = message('sd-2', 'hello slow');
    expect(await ingest(a, m)).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    const sent = Date.now();
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    // B's own turn takes 0 ms of classification here; 30 s lease never had to expire.
    expect(await waitUntil(() => suite.stub.sendsFor(m.id).length > 0, 15_000)).toBe(true);
    expect(Date.now() - sent).toBeLessThan(15_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(suite.stub.sendsFor(m.id).map((s) => s.worker)).toEqual(['stayer']);
  });
});
