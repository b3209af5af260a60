import type { TurnSignals } from '../model/understanding.ts';

export interface HandoffPolicyInput {
  readonly signals: TurnSignals | null;
  /** The classified intent is the "talk to a human" intent. */
  readonly intentIsHumanRequest: boolean;
  /** Consecutive turns (including this one) the bot could not help with. */
  readonly failedTurns: number;
  readonly failedTurnsLimit: number;
  /** A flow step asked for a person. */
  readonly flowRequested: boolean;
  /** The customer picked the "talk to a person" choice. */
  readonly choseHuman: boolean;
}

export type HandoffDecision =
  | { readonly handoff: false }
  | { readonly handoff: true; readonly reason: string };

/**
 * Decides whether to hand the conversation to staff. Pure, so every rule is
 * testable and the desk (a side effect) stays behind the `HandoffDesk` port.
 */
export function decideHandoff(input: HandoffPolicyInput): HandoffDecision {
  if (input.choseHuman) return { handoff: true, reason: 'customer chose to talk to a person' };
  if (input.signals?.humanRequested || input.intentIsHumanRequest) {
    return { handoff: true, reason: 'customer asked for a person' };
  }
  if (input.flowRequested) return { handoff: true, reason: 'flow requested a handoff' };
  if (input.failedTurns >= input.failedTurnsLimit) {
    return { handoff: true, reason: `bot could not help ${input.failedTurns} turns in a row` };
  }
  if (input.signals?.sentiment === 'negative' && input.signals.urgency === 'high') {
    return { handoff: true, reason: 'upset and urgent' };
  }
  return { handoff: false };
}
