import { describe, expect, it } from 'vitest';
import { MemoryKeyValueSpace } from '../../../src/kv/memory-key-value.ts';

describe('MemoryKeyValueSpace bounds', () => {
  it('holds at most maxEntries across namespaces, evicting the least recently used', async () => {
    const space = new MemoryKeyValueSpace({ clock: { now: () => 0 }, maxEntries: 3 });
    const slack = space.namespace('slack');
    const desk = space.namespace('desk');
    await slack.set('a', '1', 60_000);
    await desk.set('b', '2', 60_000);
    await slack.set('c', '3', 60_000);
    // Reading `a` makes it recently used, so `b` is now the oldest.
    expect(await slack.get('a')).toBe('1');
    await desk.set('d', '4', 60_000);
    expect(space.size).toBe(3);
    expect(await desk.get('b')).toBeNull();
    expect(await slack.get('a')).toBe('1');
    expect(await slack.get('c')).toBe('3');
    expect(await desk.get('d')).toBe('4');
  });

  it('a failed setIfAbsent leaves the cap intact and the stored value alone', async () => {
    const space = new MemoryKeyValueSpace({ clock: { now: () => 0 }, maxEntries: 2 });
    const kv = space.namespace('whatsapp');
    expect(await kv.setIfAbsent('x', 'first', 60_000)).toBe(true);
    expect(await kv.setIfAbsent('x', 'second', 60_000)).toBe(false);
    expect(space.size).toBe(1);
    expect(await kv.get('x')).toBe('first');
  });

  it('drops an expired entry when it is read', async () => {
    let now = 0;
    const space = new MemoryKeyValueSpace({ clock: { now: () => now } });
    const kv = space.namespace('desk');
    await kv.set('k', 'v', 1_000);
    now = 1_000;
    expect(await kv.get('k')).toBeNull();
    expect(space.size).toBe(0);
  });

  it('refuses a cap that is not a positive whole number', () => {
    expect(() => new MemoryKeyValueSpace({ clock: { now: () => 0 }, maxEntries: 0 })).toThrow(RangeError);
  });
});
