import { InvalidTransitionError } from '../errors.ts';
import type { Ownership, OwnershipState, OwnershipTransition } from '../model/ownership.ts';

/** The only moves the engine allows: `bot → waiting_for_human → human → resolved → bot`. */
const ALLOWED: Readonly<Record<OwnershipState, readonly OwnershipState[]>> = {
  bot: ['waiting_for_human'],
  waiting_for_human: ['human'],
  human: ['resolved'],
  resolved: ['bot'],
};

export function canTransition(from: OwnershipState, to: OwnershipState): boolean {
  return ALLOWED[from].includes(to);
}

/** True while staff own (or are about to own) the conversation: the bot must not answer. */
export function isHumanOwned(state: OwnershipState): boolean {
  return state === 'waiting_for_human' || state === 'human';
}

export interface TransitionInput {
  readonly to: OwnershipState;
  readonly by: string;
  readonly at: number;
  readonly reason: string;
}

/**
 * Applies one transition, returning the new ownership and the audit record.
 * @throws InvalidTransitionError for a move the cycle does not allow.
 */
export function transition(
  current: Ownership,
  input: TransitionInput,
): { ownership: Ownership; record: OwnershipTransition } {
  if (!canTransition(current.state, input.to)) throw new InvalidTransitionError(current.state, input.to);
  const record: OwnershipTransition = {
    from: current.state,
    to: input.to,
    by: input.by,
    at: input.at,
    reason: input.reason,
  };
  // The ticket stays attached through `resolved` so late desk updates can find the card; it is dropped when the bot resumes.
  const { ticket, ...rest } = current;
  const ownership: Ownership =
    input.to === 'bot' || ticket === undefined
      ? { ...rest, state: input.to, since: input.at }
      : { ...rest, state: input.to, since: input.at, ticket };
  return { ownership, record };
}
