import type { ConversationKey } from './conversation-key.ts';
import type { ConversationRef } from './conversation-ref.ts';
import type { Ownership, OwnershipTransition } from './ownership.ts';

/** Bumped when the stored shape changes; `src/context/schema.ts` migrates older records. */
export const CONTEXT_SCHEMA_VERSION = 1;

export interface HistoryEntry {
  readonly role: 'customer' | 'bot' | 'staff' | 'system';
  readonly text: string;
  readonly at: number;
  readonly eventId?: string;
  readonly intent?: string | null;
}

/** State of the active multi-turn flow. Slots are plain strings so any store can hold them. */
export interface FlowState {
  readonly flowId: string;
  readonly stepId: string;
  readonly slots: Readonly<Record<string, string>>;
  readonly retries: number;
  readonly startedAt: number;
  readonly updatedAt: number;
}

/** What the last turn saw, for the sandbox debug block and the `/switchboard debug` command. */
export interface TurnDebug {
  readonly eventId: string;
  readonly intent: string | null;
  readonly confidence: number | null;
  readonly kb: readonly { readonly id: string; readonly title: string; readonly score: number }[];
  readonly route: string;
  readonly flow?: string;
}

export interface ConversationContext {
  readonly schema: number;
  readonly key: ConversationKey;
  readonly ref: ConversationRef;
  readonly customerId: string;
  readonly ownership: Ownership;
  /** Bounded audit of ownership changes. */
  readonly transitions: readonly OwnershipTransition[];
  /** The last N entries only (config `HISTORY_TURNS`). */
  readonly history: readonly HistoryEntry[];
  readonly flow: FlowState | null;
  /** Facts collected across turns (order id, email, ...), reused by flows. */
  readonly slots: Readonly<Record<string, string>>;
  /** Choices offered in the last bot reply, so a typed number or label can pick one on text-only channels. */
  readonly pendingChoices: readonly { readonly id: string; readonly label: string }[];
  /** Consecutive turns the bot could not help with; feeds the handoff policy. */
  readonly failedTurns: number;
  readonly lastInboundAt: number | null;
  readonly lastTurn: TurnDebug | null;
  /** The language the customer last wrote in (`en`, `es`, ...), for messages outside their turns. */
  readonly language?: string;
  /** The customer's display name as their platform last reported it. */
  readonly customerName?: string;
  /** Set after a resolve: the ticket whose 1–5 rating the bot asked for. */
  readonly awaitingRating?: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Per-customer profile, shared by all their conversations on one platform. */
export interface CustomerProfile {
  readonly schema: number;
  /** `platform:userId`. */
  readonly id: string;
  readonly platformIds: Readonly<Record<string, string>>;
  readonly displayName?: string;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly messageCount: number;
  /** Event that last counted, so a retried turn does not count the same message twice. */
  readonly lastEventId?: string;
  readonly tier: 'standard' | 'vip';
}
