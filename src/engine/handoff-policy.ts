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
  /** The customer is a VIP (configured) and wrote about an intent VIPs get a person for. */
  readonly vipOnChosenIntent?: boolean;
}

export type HandoffPriority = 'normal' | 'high' | 'urgent';

export type HandoffDecision =
  | { readonly handoff: false }
  | { readonly handoff: true; readonly reason: string; readonly priority: HandoffPriority };

/**
 * Decides whether to hand the conversation to staff, and how urgently. Pure, so
 * every rule is testable and the desk (a side effect) stays behind the `HandoffDesk` port.
 */
export function decideHandoff(input: HandoffPolicyInput): HandoffDecision {
  const priority = handoffPriority(input.signals, input.vipOnChosenIntent === true);
  if (input.choseHuman) return { handoff: true, reason: 'customer chose to talk to a person', priority };
  if (input.signals?.humanRequested || input.intentIsHumanRequest) {
    return { handoff: true, reason: 'customer asked for a person', priority };
  }
  if (input.flowRequested) return { handoff: true, reason: 'flow requested a handoff', priority };
  if (input.vipOnChosenIntent) return { handoff: true, reason: 'VIP customer', priority };
  if (input.signals?.sentiment === 'negative' && input.signals.urgency === 'high') {
    return { handoff: true, reason: 'upset and urgent', priority };
  }
  if (input.failedTurns >= input.failedTurnsLimit) {
    return { handoff: true, reason: `bot could not help ${input.failedTurns} turns in a row`, priority };
  }
  return { handoff: false };
}

/** Upset and urgent customers first, then the upset and VIPs. */
export function handoffPriority(signals: TurnSignals | null, vip: boolean): HandoffPriority {
  if (signals?.sentiment === 'negative' && signals.urgency === 'high') return 'urgent';
  if (vip || signals?.sentiment === 'negative' || signals?.urgency === 'high') return 'high';
  return 'normal';
}

/** One step up, for escalations. */
export function raisePriority(priority: HandoffPriority | undefined): HandoffPriority {
  return priority === 'normal' || priority === undefined ? 'high' : 'urgent';
}
