import {
  CONTEXT_SCHEMA_VERSION,
  type ConversationContext,
  type FlowState,
  type HistoryEntry,
  type TurnDebug,
} from '../model/context.ts';
import type { ConversationKey } from '../model/conversation-key.ts';
import type { ConversationRef } from '../model/conversation-ref.ts';
import type { Choice } from '../model/outbound-message.ts';
import type { Ownership, OwnershipTransition } from '../model/ownership.ts';

/** Cap on the ownership audit kept in context; older records live in logs and analytics. */
const MAX_TRANSITIONS = 50;

/**
 * What one turn changes, applied to the freshest stored context at persist time.
 * Expressed as a delta (not a whole new context) so the atomic update composes with
 * writes that landed since the turn read the context.
 */
export interface TurnChanges {
  readonly history: readonly HistoryEntry[];
  readonly ownership?: Ownership;
  readonly transitions: readonly OwnershipTransition[];
  /** undefined: unchanged; null: cleared. */
  readonly flow?: FlowState | null;
  readonly slots?: Readonly<Record<string, string>>;
  readonly pendingChoices?: readonly Choice[];
  readonly failedTurns?: number;
  readonly lastTurn?: TurnDebug;
  readonly lastInboundAt?: number;
  readonly customerName?: string;
  readonly language?: string;
  /** undefined: unchanged; null: cleared. */
  readonly awaitingRating?: string | null;
}

export function newContext(
  key: ConversationKey,
  ref: ConversationRef,
  customerId: string,
  now: number,
): ConversationContext {
  return {
    schema: CONTEXT_SCHEMA_VERSION,
    key,
    ref,
    customerId,
    ownership: { state: 'bot', since: now },
    transitions: [],
    history: [],
    flow: null,
    slots: {},
    pendingChoices: [],
    failedTurns: 0,
    lastInboundAt: null,
    lastTurn: null,
    createdAt: now,
    updatedAt: now,
  };
}

export function applyTurnChanges(
  current: ConversationContext,
  changes: TurnChanges,
  now: number,
): ConversationContext {
  return {
    ...current,
    schema: CONTEXT_SCHEMA_VERSION,
    history: [...current.history, ...changes.history],
    ownership: changes.ownership ?? current.ownership,
    transitions: [...current.transitions, ...changes.transitions].slice(-MAX_TRANSITIONS),
    flow: changes.flow === undefined ? current.flow : changes.flow,
    slots: changes.slots ? { ...current.slots, ...changes.slots } : current.slots,
    pendingChoices: changes.pendingChoices ?? current.pendingChoices,
    failedTurns: changes.failedTurns ?? current.failedTurns,
    lastTurn: changes.lastTurn ?? current.lastTurn,
    lastInboundAt: changes.lastInboundAt ?? current.lastInboundAt,
    ...nameOf(changes.customerName ?? current.customerName),
    ...languageOf(changes.language ?? current.language),
    awaitingRating:
      changes.awaitingRating === undefined ? (current.awaitingRating ?? null) : changes.awaitingRating,
    updatedAt: now,
  };
}

function nameOf(customerName: string | undefined): { customerName?: string } {
  return customerName === undefined ? {} : { customerName };
}

function languageOf(language: string | undefined): { language?: string } {
  return language === undefined ? {} : { language };
}
