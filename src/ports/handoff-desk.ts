import type { ConversationContext, CustomerProfile } from '../model/context.ts';
import type { Participant } from '../model/conversation-ref.ts';
import type { DeskAction, InboundMessage, ReplyContext } from '../model/inbound-event.ts';
import type { HandoffTicket, Ownership } from '../model/ownership.ts';
import type { IntentResult } from '../model/understanding.ts';

export interface HandoffRequest {
  /** Decided by the engine before the desk is called, so a resumed turn opens the same ticket. */
  readonly ticketId: string;
  readonly context: ConversationContext;
  readonly profile: CustomerProfile | null;
  readonly reason: string;
  /** `normal`, `high` (complaints, urgency, VIP) or `urgent`. */
  readonly priority: 'normal' | 'high' | 'urgent';
  readonly understanding: IntentResult | null;
  /** Articles the bot tried, best first (ids, titles and scores only). */
  readonly kbTried: readonly { readonly id: string; readonly title: string; readonly score: number }[];
  /** Slots a flow collected, shown on the desk card. */
  readonly slots: Readonly<Record<string, string>>;
  /** A model-written summary for the card, when one could be made (else the desk quotes the last messages). */
  readonly summary?: string;
}

/** A notice for staff about a conversation (delivery failure, reminder, rating, ...). */
export interface DeskNotice {
  readonly kind: 'delivery_failed' | 'info' | 'rating' | 'reminder';
  readonly text: string;
  readonly code?: string;
}

/** A staff action that was not done, and why; answered to the staff member who made it. */
export interface DeskRejection {
  readonly ticketId: string | null;
  readonly actor: Participant;
  readonly action: DeskAction['type'];
  readonly reason: string;
  /** The action event's platform context (Slack `response_url`, channel, user). */
  readonly replyContext?: ReplyContext;
}

/**
 * Where staff work handoffs (the Slack triage channel, the sandbox desk). The engine
 * decides; the desk performs the side effects. Every method receives the effect's
 * idempotency key and must be safe to call again with the same key (a resumed turn
 * repeats an effect whose success was not yet recorded).
 */
export interface HandoffDesk {
  /** Opens the ticket `request.ticketId` (posts the card). Returns the ticket as the engine stores it. */
  open(request: HandoffRequest, idempotencyKey: string): Promise<HandoffTicket>;
  relayCustomerMessage(
    ticket: HandoffTicket,
    message: InboundMessage,
    context: ConversationContext,
    idempotencyKey: string,
  ): Promise<void>;
  /** The ownership changed (claimed, escalated, resolved): update the card. */
  update(
    ticket: HandoffTicket,
    ownership: Ownership,
    context: ConversationContext,
    idempotencyKey: string,
  ): Promise<void>;
  /** Posts a notice into the ticket's thread, or to the default desk channel when there is no ticket. */
  notify(
    ticket: HandoffTicket | null,
    notice: DeskNotice,
    context: ConversationContext | null,
    idempotencyKey: string,
  ): Promise<void>;
  /** Tells the staff member that their action was not done (an ephemeral message in Slack). */
  reject(rejection: DeskRejection, idempotencyKey: string): Promise<void>;
  /**
   * A staff reply reached the customer: confirm it on the staff member's message
   * (`replyContext` is the staff_reply action's), so a reply that did not go out is visible.
   */
  confirmStaffReply(ticket: HandoffTicket, replyContext: ReplyContext, idempotencyKey: string): Promise<void>;
  /** The customer rated the resolved handoff (1–5): store it and post it in the thread. */
  rate(ticket: HandoffTicket, score: number, idempotencyKey: string): Promise<void>;
}
