import type { ConversationContext, CustomerProfile } from '../model/context.ts';
import type { InboundMessage } from '../model/inbound-event.ts';
import type { HandoffTicket, Ownership } from '../model/ownership.ts';
import type { IntentResult, KbHit } from '../model/understanding.ts';

export interface HandoffRequest {
  /** Stable per triggering event, so a retried turn does not open a second card. */
  readonly requestId: string;
  readonly context: ConversationContext;
  readonly profile: CustomerProfile | null;
  readonly reason: string;
  readonly understanding: IntentResult | null;
  readonly kbTried: readonly KbHit[];
  /** Slots a flow collected, shown on the desk card. */
  readonly slots: Readonly<Record<string, string>>;
}

/** A notice for staff about a conversation (delivery failure, reminder, ...). */
export interface DeskNotice {
  readonly kind: 'delivery_failed' | 'info';
  readonly text: string;
  readonly code?: string;
}

/**
 * Where staff work handoffs (the Slack triage channel, the sandbox desk).
 * The engine decides when to hand off; the desk performs the side effects.
 */
export interface HandoffDesk {
  open(request: HandoffRequest): Promise<HandoffTicket>;
  relayCustomerMessage(
    ticket: HandoffTicket,
    message: InboundMessage,
    context: ConversationContext,
  ): Promise<void>;
  /** The ownership changed (claimed, escalated, resolved): update the card. */
  update(ticket: HandoffTicket, ownership: Ownership, context: ConversationContext): Promise<void>;
  notify(
    ticket: HandoffTicket | null,
    notice: DeskNotice,
    context: ConversationContext | null,
  ): Promise<void>;
}
