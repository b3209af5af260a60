import type { ConversationContext, TurnDebug } from '../model/context.ts';
import type { ConversationRef } from '../model/conversation-ref.ts';
import type { Attachment, DeskAction, ReplyContext } from '../model/inbound-event.ts';
import type { OutboundMessage, OutboundPurpose } from '../model/outbound-message.ts';
import type { HandoffTicket, Ownership } from '../model/ownership.ts';
import type { IntentResult } from '../model/understanding.ts';
import type { DeskNotice } from '../ports/handoff-desk.ts';

/** What the card needs from the turn that opened a handoff (the context is read at act time). */
export interface HandoffOpening {
  readonly ticket: HandoffTicket;
  readonly priority: 'normal' | 'high' | 'urgent';
  readonly understanding: IntentResult | null;
  readonly kbTried: readonly { readonly id: string; readonly title: string; readonly score: number }[];
  readonly slots: Readonly<Record<string, string>>;
}

/** The customer message a relay carries into the desk thread (never the raw payload). */
export interface RelayedMessage {
  readonly eventId: string;
  readonly text: string;
  readonly at: number;
  readonly from: { readonly id: string; readonly name?: string };
  readonly attachments?: readonly Attachment[];
}

/**
 * One side effect of a turn. Each carries an idempotency key derived from the event
 * id and its position, so a resumed turn performs exactly the effects not yet done.
 */
export type Effect =
  | {
      readonly type: 'send';
      readonly key: string;
      readonly ref: ConversationRef;
      readonly message: OutboundMessage;
      readonly purpose: OutboundPurpose;
      readonly replyTo?: string;
      readonly replyContext?: ReplyContext;
      /** Ticket to report to when the customer cannot receive it (and, for staff replies, to confirm on). */
      readonly ticket?: HandoffTicket;
      /** The staff reply's platform context, to confirm delivery on the staff member's message. */
      readonly confirmContext?: ReplyContext;
    }
  | {
      readonly type: 'desk_open';
      readonly key: string;
      readonly opening: HandoffOpening;
      readonly reason: string;
    }
  | {
      readonly type: 'desk_relay';
      readonly key: string;
      readonly ticket: HandoffTicket;
      readonly message: RelayedMessage;
    }
  | {
      readonly type: 'desk_update';
      readonly key: string;
      readonly ticket: HandoffTicket;
      readonly ownership: Ownership;
      /** Lifecycle step counted in metrics. */
      readonly step: 'claimed' | 'escalated' | 'resolved' | 'assigned';
    }
  | {
      readonly type: 'desk_confirm';
      readonly key: string;
      readonly ticket: HandoffTicket;
      readonly sendKey: string;
      readonly replyContext: ReplyContext;
    }
  | {
      readonly type: 'desk_notify';
      readonly key: string;
      readonly ticket: HandoffTicket | null;
      readonly notice: DeskNotice;
    }
  | {
      readonly type: 'desk_reject';
      readonly key: string;
      readonly ticketId: string | null;
      readonly actor: { readonly id: string; readonly name?: string };
      readonly action: DeskAction['type'];
      readonly reason: string;
      readonly replyContext?: ReplyContext;
    }
  | {
      readonly type: 'desk_rate';
      readonly key: string;
      readonly ticket: HandoffTicket;
      readonly score: number;
    };

/**
 * The outcome of deciding one event: the next context and the effects to perform.
 * A plain value, computed without I/O; the engine records it atomically with the
 * context, then performs the effects from that record.
 */
export interface Decision {
  readonly context: ConversationContext;
  readonly effects: readonly Effect[];
  readonly debug: TurnDebug | null;
}

/**
 * What is stored between recording a decision and acknowledging its event: enough
 * to finish the turn from another process after a crash without deciding again.
 */
export interface TurnRecord {
  readonly eventId: string;
  readonly effects: readonly Effect[];
  readonly debug: TurnDebug | null;
}

/** The idempotency key of effect number `index` of the turn for `eventId`. */
export function effectKey(eventId: string, index: number): string {
  return `${eventId}:${index}`;
}
