import type { ConversationRef, Participant } from './conversation-ref.ts';

/** A file or media item attached to an inbound message. */
export interface Attachment {
  readonly kind: 'image' | 'audio' | 'video' | 'document' | 'sticker' | 'location' | 'contact' | 'other';
  readonly url?: string;
  /** Platform media id when the file must be fetched through the platform API. */
  readonly mediaId?: string;
  readonly name?: string;
  readonly mimeType?: string;
  readonly sizeBytes?: number;
  readonly caption?: string;
}

/**
 * Platform context of an inbound event that its adapter needs when replying:
 * reply-to message ids, a Discord interaction id and token, the WhatsApp message id
 * for read receipts and typing, a Slack `response_url`. Opaque to the engine, which
 * copies it onto every envelope answering the event. Only string values, so it can
 * be stored in the turn record.
 */
export type ReplyContext = Readonly<Record<string, string>>;

interface EventBase {
  /**
   * Platform id of the event (wamid, Slack event_id, Discord message/interaction id).
   * Deduplication uses `platform + id`, so a redelivery must carry the same id.
   */
  readonly id: string;
  readonly ref: ConversationRef;
  /** Epoch milliseconds when the platform says the event happened. */
  readonly at: number;
  /** The platform payload; only the adapter that produced it may read it. Never stored in dead letters. */
  readonly raw?: unknown;
  /** What the adapter needs to answer this event (see `ReplyContext`). */
  readonly replyContext?: ReplyContext;
}

/** Something the customer said: text, attachments and/or a chosen quick-reply id. */
export interface InboundMessage extends EventBase {
  readonly kind: 'message';
  readonly from: Participant;
  readonly text: string;
  readonly attachments?: readonly Attachment[];
  /** Id of the choice the customer picked (button, list row, numbered reply). */
  readonly choiceId?: string;
}

/** Staff (or system) actions on a conversation, usually from the handoff desk. */
export type DeskAction =
  | { readonly type: 'claim' }
  | { readonly type: 'resolve'; readonly note?: string }
  /**
   * `fromLevel` is the escalation level the staff member saw when clicking: the
   * action applies only while the ticket is still at that level, so a double click
   * escalates once.
   */
  | { readonly type: 'escalate'; readonly reason?: string; readonly fromLevel?: number }
  | { readonly type: 'staff_reply'; readonly text: string; readonly attachments?: readonly Attachment[] }
  | { readonly type: 'reset' };

export interface InboundAction extends EventBase {
  readonly kind: 'action';
  readonly actor: Participant;
  readonly action: DeskAction;
  /**
   * The ticket the action was made on (the card's ticket). An action whose ticket is
   * not the conversation's current one (a button on an old card) is refused, never
   * applied to the current ticket. Absent only for `reset`.
   */
  readonly ticketId?: string;
}

/** Notices from the platform or the runtime itself (delivery failure, timers). */
export interface InboundSystemEvent extends EventBase {
  readonly kind: 'system';
  readonly type: 'delivery_failed' | 'timer' | 'unsupported_content';
  readonly detail: string;
  /** Platform or error code (`131047`, `50007`, `reply_window_closed`, ...). */
  readonly code?: string;
  /** The ticket a timer or delivery failure concerns, when there is one. */
  readonly ticketId?: string;
  /** For `timer`: which desk timer fired (`unclaimed_reminder`, `auto_escalate`, ...). */
  readonly timer?: string;
}

export type InboundEvent = InboundMessage | InboundAction | InboundSystemEvent;
