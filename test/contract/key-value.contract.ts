import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyValueSpace } from '../../src/ports/key-value.ts';

/** What one implementation under contract provides. */
export interface KeyValueHarness {
  readonly space: KeyValueSpace;
  /**
   * Lets `ms` milliseconds pass for TTL purposes: a fake clock advances, a real
   * server is waited for (with margin, so expiry is certain, never a race).
   */
  elapse(ms: number): Promise<void>;
  cleanup(): Promise<void>;
}

/**
 * The `KeyValueSpace` contract (`src/ports/key-value.ts`), run against every
 * implementation so adapters can rely on one behaviour whatever the deployment.
 */
export function keyValueContract(name: string, create: () => Promise<KeyValueHarness>): void {
  describe(`KeyValueSpace contract: ${name}`, () => {
    let h: KeyValueHarness;
    beforeEach(async () => {
      h = await create();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('reads back what was set, null for what was not, and overwrites', async () => {
      const kv = h.space.namespace('slack');
      expect(await kv.get('thread:1712345678.000100')).toBeNull();
      await kv.set('thread:1712345678.000100', 'sandbox:w:c:u', 60_000);
      expect(await kv.get('thread:1712345678.000100')).toBe('sandbox:w:c:u');
      await kv.set('thread:1712345678.000100', '{"v":2,"text":"héllo ✓"}', 60_000);
      expect(await kv.get('thread:1712345678.000100')).toBe('{"v":2,"text":"héllo ✓"}');
    });

    it('keeps namespaces apart, also for keys that contain colons', async () => {
      const a = h.space.namespace('whatsapp');
      const b = h.space.namespace('discord');
      await a.set('x:y', 'from-whatsapp', 60_000);
      await b.set('x:y', 'from-discord', 60_000);
      expect(await a.get('x:y')).toBe('from-whatsapp');
      expect(await b.get('x:y')).toBe('from-discord');
      await a.delete('x:y');
      expect(await a.get('x:y')).toBeNull();
      expect(await b.get('x:y')).toBe('from-discord');
    });

    it('forgets a value once its TTL has passed, not before', async () => {
      const kv = h.space.namespace('desk');
      await kv.set('short', 'v', 200);
      await kv.set('long', 'v', 60_000);
      await h.elapse(50);
      expect(await kv.get('short')).toBe('v');
      await h.elapse(300);
      expect(await kv.get('short')).toBeNull();
      expect(await kv.get('long')).toBe('v');
    });

    it('a set replaces the TTL with its own', async () => {
      const kv = h.space.namespace('desk');
      await kv.set('k', 'first', 60_000);
      await kv.set('k', 'second', 200);
      await h.elapse(350);
      expect(await kv.get('k')).toBeNull();
    });

    it('setIfAbsent sets once, leaves the value alone after, and works again after expiry or delete', async () => {
      const kv = h.space.namespace('whatsapp');
      expect(await kv.setIfAbsent('status:wamid.1', 'sent', 200)).toBe(true);
      expect(await kv.setIfAbsent('status:wamid.1', 'delivered', 60_000)).toBe(false);
      expect(await kv.get('status:wamid.1')).toBe('sent');
      await h.elapse(350);
      expect(await kv.setIfAbsent('status:wamid.1', 'read', 60_000)).toBe(true);
      expect(await kv.get('status:wamid.1')).toBe('read');
      await kv.delete('status:wamid.1');
      expect(await kv.setIfAbsent('status:wamid.1', 'again', 60_000)).toBe(true);
    });

    it('setIfAbsent lets exactly one of many concurrent callers win', async () => {
      const kv = h.space.namespace('slack');
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => kv.setIfAbsent('claim', `caller-${i}`, 60_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await kv.get('claim')).toBe(`caller-${winner}`);
    });

    it('deleting a missing key is a no-op', async () => {
      await expect(h.space.namespace('desk').delete('never-set')).resolves.toBeUndefined();
    });

    it('refuses namespaces that could collide and TTLs that would never expire', async () => {
      expect(() => h.space.namespace('a:b')).toThrow(RangeError);
      expect(() => h.space.namespace('')).toThrow(RangeError);
      const kv = h.space.namespace('desk');
      for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expect(kv.set('k', 'v', ttl)).rejects.toThrow(RangeError);
        await expect(kv.setIfAbsent('k', 'v', ttl)).rejects.toThrow(RangeError);
      }
      expect(await kv.get('k')).toBeNull();
    });
  });
}
