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

interface EventBase {
  /**
   * Platform id of the event (wamid, Slack event_id, Discord message/interaction id).
   * Deduplication uses `platform + id`, so a redelivery must carry the same id.
   */
  readonly id: string;
  readonly ref: ConversationRef;
  /** Epoch milliseconds when the platform says the event happened. */
  readonly at: number;
  /** The platform payload; only the adapter that produced it may read it. */
  readonly raw?: unknown;
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
  | { readonly type: 'escalate'; readonly reason?: string }
  | { readonly type: 'staff_reply'; readonly text: string; readonly attachments?: readonly Attachment[] }
  | { readonly type: 'reset' };

export interface InboundAction extends EventBase {
  readonly kind: 'action';
  readonly actor: Participant;
  readonly action: DeskAction;
}

/** Notices from the platform or the runtime itself (delivery failure, timers). */
export interface InboundSystemEvent extends EventBase {
  readonly kind: 'system';
  readonly type: 'delivery_failed' | 'timer' | 'unsupported_content';
  readonly detail: string;
  readonly code?: string;
}

export type InboundEvent = InboundMessage | InboundAction | InboundSystemEvent;
