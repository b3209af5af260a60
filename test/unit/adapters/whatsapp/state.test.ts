import { describe, expect, it } from 'vitest';
import { REPLY_WINDOW_MS } from '../../../../adapters/whatsapp/limits.ts';
import { MessageStatuses, latestStatus } from '../../../../adapters/whatsapp/statuses.ts';
import { ReplyWindows, windowState } from '../../../../adapters/whatsapp/window.ts';
import { MemoryKeyValueSpace } from '../../../../src/kv/memory-key-value.ts';
import { systemClock } from '../../../../src/ports/clock.ts';

const kv = () => new MemoryKeyValueSpace({ clock: systemClock }).namespace('whatsapp');
const T0 = 1_767_229_300_000;

describe('ReplyWindows', () => {
  const touch = (at: number, messageId: string, waId?: string) => ({
    customerId: 'GB.1',
    phoneNumberId: 'p1',
    at,
    messageId,
    ...(waId ? { waId } : {}),
  });

  it('keeps the newest inbound message; older or repeated ones do not move it back', async () => {
    const windows = new ReplyWindows(kv());
    expect(await windows.get('p1', 'GB.1')).toBeNull();
    await windows.touch(touch(T0 + 1000, 'wamid.2', '4477'));
    await windows.touch(touch(T0, 'wamid.1'));
    await windows.touch(touch(T0 + 1000, 'wamid.2'));
    expect(await windows.get('p1', 'GB.1')).toEqual({
      lastInboundAt: T0 + 1000,
      lastMessageId: 'wamid.2',
      waId: '4477',
    });
    await windows.touch(touch(T0 + 2000, 'wamid.3'));
    // A later message without a phone number keeps the one we knew.
    expect(await windows.get('p1', 'GB.1')).toEqual({
      lastInboundAt: T0 + 2000,
      lastMessageId: 'wamid.3',
      waId: '4477',
    });
  });

  it('keeps customers and business numbers apart', async () => {
    const windows = new ReplyWindows(kv());
    await windows.touch(touch(T0, 'wamid.1'));
    expect(await windows.get('p2', 'GB.1')).toBeNull();
    expect(await windows.get('p1', 'GB.2')).toBeNull();
  });
});

describe('windowState', () => {
  const record = { lastInboundAt: T0, lastMessageId: 'wamid.1' };

  it('is open within 24 hours (minus a safety minute) and closed after', () => {
    expect(windowState(record, undefined, T0 + 1000)).toBe('open');
    expect(windowState(record, undefined, T0 + REPLY_WINDOW_MS - 120_000)).toBe('open');
    expect(windowState(record, undefined, T0 + REPLY_WINDOW_MS - 30_000)).toBe('closed');
    expect(windowState(record, undefined, T0 + REPLY_WINDOW_MS + 1)).toBe('closed');
  });

  it('is unknown without any record, and uses the answered message’s time when newer', () => {
    expect(windowState(null, undefined, T0)).toBe('unknown');
    expect(windowState(null, { messageId: 'w', at: String(T0) }, T0 + 1000)).toBe('open');
    expect(windowState(record, { at: String(T0 + REPLY_WINDOW_MS) }, T0 + REPLY_WINDOW_MS + 1000)).toBe(
      'open',
    );
    expect(windowState(null, { at: 'garbage' }, T0)).toBe('unknown');
  });
});

describe('MessageStatuses', () => {
  const status = (s: 'sent' | 'delivered' | 'read' | 'failed', id = 'wamid.A') => ({
    messageId: id,
    status: s,
    at: T0,
    phoneNumberId: 'p1',
  });

  it('only moves forward, whatever order statuses arrive in', async () => {
    const statuses = new MessageStatuses(kv());
    expect(await statuses.current('wamid.A')).toBeNull();
    await statuses.record(status('read'));
    await statuses.record(status('delivered'));
    await statuses.record(status('sent'));
    expect(await statuses.current('wamid.A')).toBe('read');
    await statuses.record(status('failed'));
    await statuses.record(status('delivered'));
    expect(await statuses.current('wamid.A')).toBe('failed');
    expect(await statuses.current('wamid.B')).toBeNull();
  });

  it('reports a redelivered status as not new', async () => {
    const statuses = new MessageStatuses(kv());
    expect(await statuses.record(status('delivered'))).toBe(true);
    expect(await statuses.record(status('delivered'))).toBe(false);
  });

  it('remembers where an outbound message went', async () => {
    const statuses = new MessageStatuses(kv());
    await statuses.rememberOutbound('wamid.A', { phoneNumberId: 'p1', customerId: 'GB.1' });
    expect(await statuses.outbound('wamid.A')).toEqual({ phoneNumberId: 'p1', customerId: 'GB.1' });
    expect(await statuses.outbound('wamid.B')).toBeNull();
  });

  it('latestStatus ranks sent < delivered < read < played < failed', () => {
    expect(latestStatus(['delivered', 'sent'])).toBe('delivered');
    expect(latestStatus(['played', 'read'])).toBe('played');
    expect(latestStatus(['read', 'failed', 'sent'])).toBe('failed');
    expect(latestStatus([])).toBeNull();
  });
});
