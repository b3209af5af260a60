import type { ConversationKey } from './conversation-key.ts';
import type { ConversationRef } from './conversation-ref.ts';
import type { OwnershipState } from './ownership.ts';

/** One entry of a ticket's thread as the desk keeps it (bounded; the platform thread holds the rest). */
export interface TicketThreadEntry {
  readonly from: 'customer' | 'staff' | 'note' | 'system';
  readonly text: string;
  readonly at: number;
  /** Staff member or customer id. */
  readonly by?: string;
  readonly eventId?: string;
}

/**
 * A handoff as the desk knows it: everything a card shows, where the card lives on
 * each desk face, and its lifecycle. Platform-free; faces (Slack, sandbox) render it.
 */
export interface Ticket {
  readonly id: string;
  readonly conversationKey: ConversationKey;
  readonly ref: ConversationRef;
  readonly state: OwnershipState;
  readonly priority: 'normal' | 'high' | 'urgent';
  readonly escalationLevel: number;
  readonly reason: string;
  readonly customer: {
    readonly displayName: string;
    readonly platform: string;
    /** Platform handle with phone numbers masked (`+34 •••• ••12`). */
    readonly handle: string;
    readonly vip: boolean;
  };
  readonly intent: string | null;
  readonly confidence: number | null;
  readonly sentiment: string | null;
  readonly language: string | null;
  /** LLM summary when a key is set, else the last customer messages. */
  readonly summary: string;
  readonly kbTried: readonly { readonly id: string; readonly title: string; readonly score: number }[];
  readonly slots: Readonly<Record<string, string>>;
  /** Desk channel the routing rules chose (a Slack channel id; `sandbox` in the sandbox). */
  readonly channel: string;
  /** Where the card lives on each face, e.g. `{ slack: { channel, ts } }`. */
  readonly deskRefs: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly assignee?: string;
  readonly openedAt: number;
  readonly claimedAt?: number;
  readonly firstStaffReplyAt?: number;
  /** Last staff reply that reached the customer (the idle-resolve timer counts from it). */
  readonly lastStaffReplyAt?: number;
  /** Last customer message relayed to the desk (the waiting-reminder timer counts from it). */
  readonly lastCustomerMessageAt?: number;
  readonly resolvedAt?: number;
  readonly resolvedBy?: string;
  readonly rating?: number;
  readonly thread: readonly TicketThreadEntry[];
}
