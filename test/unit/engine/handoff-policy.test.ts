import { describe, expect, it } from 'vitest';
import { type HandoffPolicyInput, decideHandoff } from '../../../src/engine/handoff-policy.ts';

const base: HandoffPolicyInput = {
  signals: { sentiment: 'neutral', urgency: 'normal', humanRequested: false, language: 'en' },
  intentIsHumanRequest: false,
  failedTurns: 0,
  failedTurnsLimit: 2,
  flowRequested: false,
  choseHuman: false,
};

describe('handoff policy', () => {
  it('keeps the bot on an ordinary turn', () => {
    expect(decideHandoff(base).handoff).toBe(false);
  });
  it.each([
    ['an explicit request', { signals: { ...base.signals!, humanRequested: true } }],
    ['the human intent', { intentIsHumanRequest: true }],
    ['the human choice', { choseHuman: true }],
    ['a flow asking for it', { flowRequested: true }],
    ['repeated failures', { failedTurns: 2 }],
    [
      'negative and urgent',
      { signals: { ...base.signals!, sentiment: 'negative' as const, urgency: 'high' as const } },
    ],
  ])('hands off on %s', (_, patch) => {
    expect(decideHandoff({ ...base, ...patch }).handoff).toBe(true);
  });
  it('does not hand off on one failure or on negative sentiment alone', () => {
    expect(decideHandoff({ ...base, failedTurns: 1 }).handoff).toBe(false);
    expect(decideHandoff({ ...base, signals: { ...base.signals!, sentiment: 'negative' } }).handoff).toBe(
      false,
    );
  });
  it('hands a VIP off on a chosen intent, with high priority', () => {
    expect(decideHandoff({ ...base, vipOnChosenIntent: true })).toEqual({
      handoff: true,
      reason: 'VIP customer',
      priority: 'high',
    });
    expect(decideHandoff({ ...base, vipOnChosenIntent: false }).handoff).toBe(false);
  });
  it('ranks upset and urgent customers first', () => {
    const urgent = decideHandoff({
      ...base,
      signals: { ...base.signals!, sentiment: 'negative', urgency: 'high' },
    });
    expect(urgent).toMatchObject({ handoff: true, priority: 'urgent' });
    expect(decideHandoff({ ...base, intentIsHumanRequest: true })).toMatchObject({ priority: 'normal' });
  });
});
