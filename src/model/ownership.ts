/**
 * Who owns a conversation. The engine enforces the cycle
 * `bot → waiting_for_human → human → resolved → bot`; see `src/engine/ownership.ts`.
 */
export type OwnershipState = 'bot' | 'waiting_for_human' | 'human' | 'resolved';

export const OWNERSHIP_STATES = [
  'bot',
  'waiting_for_human',
  'human',
  'resolved',
] as const satisfies readonly OwnershipState[];

/** One recorded change of owner: who, when, why. */
export interface OwnershipTransition {
  readonly from: OwnershipState;
  readonly to: OwnershipState;
  /** Participant id of whoever caused it (`bot` for the engine). */
  readonly by: string;
  readonly at: number;
  readonly reason: string;
}

/** The open handoff, if any, as the desk knows it. */
export interface HandoffTicket {
  readonly id: string;
  /** Desk-specific location (e.g. Slack channel and parent ts), opaque to the engine. */
  readonly deskRef?: Readonly<Record<string, string>>;
  readonly openedAt: number;
  readonly reason: string;
  readonly assignee?: string;
  readonly escalationLevel: number;
  readonly priority?: 'normal' | 'high' | 'urgent';
}

export interface Ownership {
  readonly state: OwnershipState;
  readonly since: number;
  readonly ticket?: HandoffTicket;
}
