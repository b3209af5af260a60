import { describe, expect, it } from 'vitest';
import {
  HISTORY_MAX_BYTES,
  HISTORY_TEXT_MAX_CHARS,
  boundHistory,
  truncateText,
} from '../../../src/context/schema.ts';
import type { ConversationContext, HistoryEntry } from '../../../src/model/context.ts';

function contextWith(history: HistoryEntry[]): ConversationContext {
  const ref = { platform: 'fake', workspace: 'w', channel: 'c', threadOrUser: 'u' };
  return {
    schema: 1,
    key: 'fake:w:c:u' as ConversationContext['key'],
    ref,
    customerId: 'fake:u',
    ownership: { state: 'bot', since: 0 },
    transitions: [],
    history,
    flow: null,
    slots: {},
    pendingChoices: [],
    failedTurns: 0,
    lastInboundAt: null,
    lastTurn: null,
    createdAt: 0,
    updatedAt: 0,
  };
}

const entry = (i: number, text: string): HistoryEntry => ({
  role: i % 2 === 0 ? 'customer' : 'bot',
  text,
  at: 1_712_345_678_000 + i,
});

const historyBytes = (c: ConversationContext) => Buffer.byteLength(JSON.stringify(c.history));

describe('boundHistory', () => {
  it('cuts a 10,000-character message to 500 characters ending in an ellipsis', () => {
    const bounded = boundHistory(contextWith([entry(0, 'x'.repeat(10_000))]), 20);
    const text = bounded.history[0]?.text ?? '';
    expect([...text]).toHaveLength(HISTORY_TEXT_MAX_CHARS);
    expect(text.endsWith('…')).toBe(true);
    expect(text.startsWith('x'.repeat(499))).toBe(true);
  });

  it('drops the oldest entries until the history JSON fits the byte budget, keeping order', () => {
    const history = Array.from({ length: 20 }, (_, i) => entry(i, `${i} ${'é'.repeat(300)}`));
    const bounded = boundHistory(contextWith(history), 20);
    expect(historyBytes(bounded)).toBeLessThanOrEqual(HISTORY_MAX_BYTES);
    expect(bounded.history.length).toBeGreaterThan(0);
    expect(bounded.history).toEqual(history.slice(-bounded.history.length));
  });

  it('keeps as many entries as fit: one more would break the budget', () => {
    const history = Array.from({ length: 20 }, (_, i) => entry(i, 'a'.repeat(150 + i)));
    const bounded = boundHistory(contextWith(history), 20);
    const kept = bounded.history.length;
    const oneMore = JSON.stringify(history.slice(-(kept + 1)));
    expect(Buffer.byteLength(oneMore)).toBeGreaterThan(HISTORY_MAX_BYTES);
  });

  it('still keeps only the newest `limit` entries', () => {
    const history = Array.from({ length: 10 }, (_, i) => entry(i, `m${i}`));
    expect(boundHistory(contextWith(history), 4).history.map((e) => e.text)).toEqual([
      'm6',
      'm7',
      'm8',
      'm9',
    ]);
  });

  it('always keeps the newest entry, even alone over budget', () => {
    const bounded = boundHistory(contextWith([entry(0, 'old'), entry(1, 'n'.repeat(400))]), 20, {
      textChars: 500,
      bytes: 100,
    });
    expect(bounded.history.map((e) => e.text.length)).toEqual([400]);
  });

  it('is idempotent and returns the same object when nothing needs cutting', () => {
    const history = Array.from({ length: 30 }, (_, i) => entry(i, 'z'.repeat(900)));
    const once = boundHistory(contextWith(history), 20);
    const twice = boundHistory(once, 20);
    expect(twice).toBe(once);
    const small = contextWith([entry(0, 'hi'), entry(1, 'hello')]);
    expect(boundHistory(small, 20)).toBe(small);
  });
});

describe('truncateText', () => {
  it('never splits a surrogate pair', () => {
    const cut = truncateText('😀'.repeat(600), 500);
    expect([...cut]).toHaveLength(500);
    // A lone surrogate would not survive a UTF-8 round trip.
    expect(Buffer.from(cut, 'utf8').toString('utf8')).toBe(cut);
    expect(cut.endsWith('😀…')).toBe(true);
  });

  it('leaves text of exactly the limit alone, emoji included', () => {
    const exact = '😀'.repeat(500);
    expect(truncateText(exact, 500)).toBe(exact);
  });
});
