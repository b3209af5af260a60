import type { ConversationRef } from './conversation-ref.ts';
import type { ReplyContext } from './inbound-event.ts';
import type { OwnershipState } from './ownership.ts';

/** A knowledge-base source a reply relies on; each platform renders it its own way. */
export interface Citation {
  readonly id: string;
  readonly title: string;
  readonly url?: string;
}

/** One option the customer can pick. `id` comes back as `InboundMessage.choiceId`. */
export interface Choice {
  readonly id: string;
  readonly label: string;
}

/**
 * Intent-level output. Renderers decide how it looks on each platform
 * (buttons, list, numbered text) from the adapter's capabilities.
 */
export type OutboundMessage =
  | { readonly kind: 'text'; readonly text: string; readonly citations?: readonly Citation[] }
  | {
      readonly kind: 'choices';
      readonly text: string;
      readonly choices: readonly Choice[];
      readonly citations?: readonly Citation[];
    }
  | {
      readonly kind: 'attachment';
      readonly url: string;
      readonly name?: string;
      readonly mimeType?: string;
      readonly text?: string;
    }
  | { readonly kind: 'handoff_notice'; readonly text: string; readonly state: OwnershipState };

/**
 * Why a message is sent. Channels with a reply window (WhatsApp) cannot send
 * free-form text once it closed; they may instead send an approved template
 * configured for the purpose (e.g. `rating_request` after a late resolve), and
 * otherwise throw `ReplyWindowClosedError`.
 */
export type OutboundPurpose =
  | 'answer'
  | 'staff_reply'
  | 'handoff_notice'
  | 'resolved'
  | 'rating_request'
  | 'notice';

/** An outbound message addressed to one conversation. */
export interface OutboundEnvelope {
  readonly ref: ConversationRef;
  readonly message: OutboundMessage;
  /**
   * Stable per (inbound event, effect index): a resumed turn produces the same keys.
   * Every transport honours it: the engine records each key once the send succeeded
   * and never sends it again, and a transport whose platform offers idempotency
   * (Discord `nonce` + `enforce_nonce`) passes it on, which closes even the window
   * between the platform's success answer and that record.
   */
  readonly idempotencyKey: string;
  /** The inbound event this answers, when there is one. */
  readonly replyTo?: string;
  /** The answered event's platform context (reply-to ids, interaction token, ...). */
  readonly replyContext?: ReplyContext;
  readonly purpose: OutboundPurpose;
}

/** Plain text of any outbound message, for transcripts, logs and text-only channels. */
export function outboundText(message: OutboundMessage): string {
  switch (message.kind) {
    case 'attachment':
      return message.text ?? message.url;
    default:
      return message.text;
  }
}
