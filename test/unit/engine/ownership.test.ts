import { describe, expect, it } from 'vitest';
import { canTransition, isHumanOwned, transition } from '../../../src/engine/ownership.ts';
import { InvalidTransitionError } from '../../../src/errors.ts';
import { OWNERSHIP_STATES } from '../../../src/model/ownership.ts';

describe('ownership state machine', () => {
  it('allows exactly the cycle bot → waiting_for_human → human → resolved → bot', () => {
    const allowed = OWNERSHIP_STATES.flatMap((from) =>
      OWNERSHIP_STATES.filter((to) => canTransition(from, to)).map((to) => `${from}>${to}`),
    );
    expect(allowed.sort()).toEqual([
      'bot>waiting_for_human',
      'human>resolved',
      'resolved>bot',
      'waiting_for_human>human',
    ]);
  });

  it('records who, when and why, and keeps the ticket until the bot resumes', () => {
    const ticket = { id: 'hf_1', openedAt: 1, reason: 'asked', escalationLevel: 0 };
    const { ownership, record } = transition(
      { state: 'waiting_for_human', since: 1, ticket },
      { to: 'human', by: 'U1', at: 5, reason: 'claimed' },
    );
    expect(record).toEqual({ from: 'waiting_for_human', to: 'human', by: 'U1', at: 5, reason: 'claimed' });
    expect(ownership).toEqual({ state: 'human', since: 5, ticket });
    const resolved = transition(ownership, { to: 'resolved', by: 'U1', at: 6, reason: 'done' }).ownership;
    expect(resolved.ticket).toEqual(ticket);
    expect(
      transition(resolved, { to: 'bot', by: 'cust', at: 7, reason: 'back' }).ownership.ticket,
    ).toBeUndefined();
  });

  it('refuses skipping a state', () => {
    expect(() => transition({ state: 'bot', since: 0 }, { to: 'human', by: 'x', at: 1, reason: '' })).toThrow(
      InvalidTransitionError,
    );
  });

  it('treats waiting and human as staff-owned', () => {
    expect(OWNERSHIP_STATES.filter(isHumanOwned)).toEqual(['waiting_for_human', 'human']);
  });
});
