import type { Capabilities } from '../../src/model/capabilities.ts';

/** Platform id used in conversation refs and the engine's adapter map. */
export const WHATSAPP_PLATFORM = 'whatsapp';

/**
 * Longest text body of one message; longer replies are split on sentence or line boundaries.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/text-messages
 */
export const MAX_TEXT_LENGTH = 4096;

/**
 * Reply buttons: at most 3 per message, titles ≤ 20 characters, ids ≤ 256, body ≤ 1,024, footer ≤ 60.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-reply-buttons-messages
 */
export const MAX_REPLY_BUTTONS = 3;
export const MAX_BUTTON_TITLE_LENGTH = 20;
export const MAX_BUTTON_ID_LENGTH = 256;
export const MAX_BUTTON_BODY_LENGTH = 1024;

/**
 * List messages: 10 rows in total, row title ≤ 24, description ≤ 72, id ≤ 200,
 * menu button label ≤ 20, body ≤ 4,096.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-list-messages
 */
export const MAX_LIST_ROWS = 10;
export const MAX_ROW_TITLE_LENGTH = 24;
export const MAX_ROW_DESCRIPTION_LENGTH = 72;
export const MAX_ROW_ID_LENGTH = 200;
export const MAX_LIST_BUTTON_LENGTH = 20;
export const MAX_LIST_BODY_LENGTH = 4096;

/**
 * Media captions (image, video, document) are at most 1,024 characters; audio has none.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/image-messages
 */
export const MAX_CAPTION_LENGTH = 1024;

/**
 * Free-form messages are allowed for 24 hours after the customer's last message.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/send-messages (Customer service windows)
 */
export const REPLY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Treat the window as closed this long before it really closes: Meta measures it on its
 * own clock, and a send that is refused with 131047 costs a round trip and a template.
 */
export const REPLY_WINDOW_SAFETY_MS = 60 * 1000;

/**
 * Largest inbound file Meta delivers (documents); our default download cap.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media
 */
export const MAX_MEDIA_BYTES = 100 * 1024 * 1024;

/**
 * Webhook POSTs can be up to 3 MB (up to 1,000 batched updates).
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/overview
 */
export const MAX_WEBHOOK_BYTES = 3 * 1024 * 1024;

/**
 * Pair rate limit (131056): after the n-th consecutive refusal to one customer, wait
 * 4^n seconds before the next message to them.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/about-the-platform
 */
export const PAIR_RATE_BACKOFF_BASE_MS = 1000;
export const PAIR_RATE_BACKOFF_FACTOR = 4;

/**
 * Throughput (130429) and API-call limits (4, 80007) carry no documented wait; hold all
 * sends this long when the answer has no Retry-After.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput
 */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 1000;

/** How long a sent idempotency key is remembered (the engine's dedupe horizon is a day). */
export const IDEMPOTENCY_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * How long per-message statuses and the wamid → conversation map are kept. Undelivered
 * messages expire after 30 days; statuses of older messages are of no use to staff.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/send-messages
 */
export const STATUS_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** How long the customer's window record (last inbound time, wa_id) is kept. */
export const WINDOW_RECORD_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** What the WhatsApp channel can show; the engine sizes its output by it. */
export const WHATSAPP_CAPABILITIES = {
  maxTextLength: MAX_TEXT_LENGTH,
  maxButtons: MAX_REPLY_BUTTONS,
  maxListItems: MAX_LIST_ROWS,
} as const satisfies Capabilities;
