/**
 * Shapes of the WhatsApp Cloud API this adapter reads and writes. Webhook fields are
 * optional on purpose: the parser checks each one, because Meta adds and drops
 * fields between versions (e.g. `from` disappears for users with a username).
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 */

/** One status of an outbound message, in the order it can only move forward. */
export type MessageStatus = 'sent' | 'delivered' | 'read' | 'played' | 'failed';

/** A status update parsed from `value.statuses[]`. */
export interface StatusUpdate {
  /** wamid of our outbound message. */
  readonly messageId: string;
  readonly status: MessageStatus;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly phoneNumberId: string;
  /** Recipient phone (wa_id) when Meta sends it; never logged. */
  readonly recipientId?: string;
  /** Recipient business-scoped user id when Meta sends it. */
  readonly recipientUserId?: string;
  readonly error?: { readonly code: string; readonly title: string; readonly detail: string };
}

/** The customer wrote: their 24-hour window restarts at `at`. */
export interface WindowTouch {
  readonly customerId: string;
  readonly phoneNumberId: string;
  readonly at: number;
  readonly messageId: string;
  /** Phone-based id, used as the send address when present. */
  readonly waId?: string;
}

/** A Graph `POST /{phone-number-id}/messages` body without addressing (added by the transport). */
export type MessageContent =
  | { readonly type: 'text'; readonly text: { readonly body: string; readonly preview_url: boolean } }
  | { readonly type: 'interactive'; readonly interactive: InteractiveContent }
  | { readonly type: 'template'; readonly template: TemplateContent }
  | {
      readonly type: 'image' | 'video' | 'audio' | 'document';
      readonly image?: MediaContent;
      readonly video?: MediaContent;
      readonly audio?: MediaContent;
      readonly document?: MediaContent;
    };

export interface MediaContent {
  readonly link: string;
  readonly caption?: string;
  readonly filename?: string;
}

export type InteractiveContent =
  | {
      readonly type: 'button';
      readonly body: { readonly text: string };
      readonly action: {
        readonly buttons: readonly {
          readonly type: 'reply';
          readonly reply: { readonly id: string; readonly title: string };
        }[];
      };
    }
  | {
      readonly type: 'list';
      readonly body: { readonly text: string };
      readonly action: {
        readonly button: string;
        readonly sections: readonly {
          readonly rows: readonly {
            readonly id: string;
            readonly title: string;
            readonly description?: string;
          }[];
        }[];
      };
    };

export interface TemplateContent {
  readonly name: string;
  readonly language: { readonly code: string };
  readonly components?: readonly {
    readonly type: 'body';
    readonly parameters: readonly { readonly type: 'text'; readonly text: string }[];
  }[];
}

/** An approved template sent instead of free-form text once the window is closed. */
export interface WhatsAppTemplate {
  readonly name: string;
  /** Template language code, e.g. `en_US`. */
  readonly language: string;
  /** Body parameters in order; `{{text}}` is replaced by the outbound message's text. */
  readonly params?: readonly string[];
}

/** Where a send goes: a phone number (`to`) or, for username users, their BSUID (`recipient`). */
export type Recipient = { readonly to: string } | { readonly recipient: string };
