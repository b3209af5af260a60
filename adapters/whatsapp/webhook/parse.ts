import { BadRequestError } from '../../../src/errors.ts';
import type { ConversationRef, Participant } from '../../../src/model/conversation-ref.ts';
import type {
  Attachment,
  InboundEvent,
  InboundMessage,
  InboundSystemEvent,
  ReplyContext,
} from '../../../src/model/inbound-event.ts';
import { WHATSAPP_PLATFORM } from '../limits.ts';
import type { MessageStatus, StatusUpdate, WindowTouch } from '../types.ts';

/**
 * Pure translation of a Cloud API webhook body into the engine's model.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 */

/** Everything one webhook POST carried. Batches can hold many entries, changes, messages and statuses. */
export interface ParsedWebhook {
  /** Customer messages and unsupported-content notices, in payload order. */
  readonly events: readonly InboundEvent[];
  readonly statuses: readonly StatusUpdate[];
  /** One per inbound message: restarts that customer's 24-hour window. */
  readonly touches: readonly WindowTouch[];
  /** Items that carried nothing to act on, with the reason (logged, never silently lost). */
  readonly skipped: readonly string[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const obj = (v: unknown): Json | undefined => (isObject(v) ? v : undefined);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
const numberish = (v: unknown): string | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? String(v) : str(v);

const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;
type MediaType = (typeof MEDIA_TYPES)[number];
const STATUSES: readonly MessageStatus[] = ['sent', 'delivered', 'read', 'played', 'failed'];

/**
 * Parses a webhook body. Only a body that is not a notification at all is an error;
 * a single unreadable item is skipped with a reason so the rest of the batch is kept.
 * @param receivedAt used when a message carries no usable timestamp.
 * @throws BadRequestError when the body has no `entry` list.
 */
export function parseWhatsAppWebhook(body: unknown, receivedAt: number): ParsedWebhook {
  if (!isObject(body) || !Array.isArray(body.entry)) {
    throw new BadRequestError('not a WhatsApp webhook notification (no "entry" list)');
  }
  const events: InboundEvent[] = [];
  const statuses: StatusUpdate[] = [];
  const touches: WindowTouch[] = [];
  const skipped: string[] = [];
  if (body.object !== 'whatsapp_business_account') {
    skipped.push(`notification for object "${String(body.object)}" ignored`);
    return { events, statuses, touches, skipped };
  }
  for (const entry of list(body.entry)) {
    for (const change of list(entry.changes)) {
      if (change.field !== 'messages') {
        skipped.push(`change field "${String(change.field)}" ignored`);
        continue;
      }
      const value = obj(change.value);
      const phoneNumberId = str(obj(value?.metadata)?.phone_number_id);
      if (!value || !phoneNumberId) {
        skipped.push('change without value.metadata.phone_number_id');
        continue;
      }
      for (const error of list(value.errors)) {
        skipped.push(`webhook error ${numberish(error.code) ?? '?'}: ${str(error.title) ?? ''}`.trim());
      }
      const contacts = list(value.contacts);
      for (const message of list(value.messages)) {
        const parsed = parseMessage(message, contacts, phoneNumberId, receivedAt);
        if ('skipped' in parsed) {
          skipped.push(parsed.skipped);
          continue;
        }
        touches.push(parsed.touch);
        if (parsed.event) events.push(parsed.event);
      }
      for (const status of list(value.statuses)) {
        const parsed = parseStatus(status, phoneNumberId, receivedAt);
        if (typeof parsed === 'string') skipped.push(parsed);
        else statuses.push(parsed);
      }
    }
  }
  return { events, statuses, touches, skipped };
}

/** The conversation of a customer on a business number. */
export function whatsAppRef(phoneNumberId: string, customerId: string): ConversationRef {
  return {
    platform: WHATSAPP_PLATFORM,
    workspace: phoneNumberId,
    channel: phoneNumberId,
    threadOrUser: customerId,
  };
}

/**
 * The engine event for a `failed` status. Its id is derived from the wamid, so
 * a redelivered status is dropped by the engine's dedupe like any message.
 */
export function toDeliveryFailedEvent(status: StatusUpdate, ref: ConversationRef): InboundSystemEvent {
  const code = status.error?.code ?? 'unknown';
  return {
    kind: 'system',
    type: 'delivery_failed',
    id: `${status.messageId}:failed`,
    ref,
    at: status.at,
    code,
    detail: status.error
      ? `WhatsApp could not deliver a message (${code} ${status.error.title}): ${status.error.detail}`
      : 'WhatsApp could not deliver a message',
  };
}

type ParsedMessage =
  | { readonly touch: WindowTouch; readonly event?: InboundEvent }
  | { readonly skipped: string };

function parseMessage(
  message: Json,
  contacts: Json[],
  phoneNumberId: string,
  receivedAt: number,
): ParsedMessage {
  const id = str(message.id);
  const type = str(message.type) ?? 'unknown';
  if (!id) return { skipped: `message of type "${type}" without an id` };
  const contact = findContact(contacts, message);
  // Since 2026 every message carries a business-scoped user id; `from`/`wa_id` are
  // absent for username users, so the BSUID is the stable key when present.
  const userId = str(message.from_user_id) ?? str(contact?.user_id);
  const waId = str(message.from) ?? str(contact?.wa_id);
  const customerId = userId ?? waId;
  // No wamid in the reason: it is logged, and a wamid encodes the sender's phone number.
  if (!customerId) return { skipped: `message of type "${type}" without a sender id` };

  const seconds = Number(message.timestamp);
  const at = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : receivedAt;
  const ref = whatsAppRef(phoneNumberId, customerId);
  const replyContext: ReplyContext = { messageId: id, at: String(at), ...(waId ? { waId } : {}) };
  const touch: WindowTouch = { customerId, phoneNumberId, at, messageId: id, ...(waId ? { waId } : {}) };
  const name = str(obj(contact?.profile)?.name);
  const from: Participant = { id: customerId, role: 'customer', ...(name ? { name } : {}) };
  const base = { kind: 'message', id, ref, at, from, replyContext, raw: message } as const;
  const content = messageContent(type, message);
  if (content === 'ignore') return { touch };
  if (content === undefined) {
    const errorCode = numberish(list(message.errors)[0]?.code);
    const event: InboundSystemEvent = {
      kind: 'system',
      type: 'unsupported_content',
      id,
      ref,
      at,
      raw: message,
      replyContext,
      code: errorCode ?? type,
      detail: `WhatsApp message type "${type}" is not supported`,
    };
    return { touch, event };
  }
  const event: InboundMessage = { ...base, ...content };
  return { touch, event };
}

type Content = Pick<InboundMessage, 'text'> & Partial<Pick<InboundMessage, 'attachments' | 'choiceId'>>;

/** The message's text, attachments and choice; `undefined` for types we cannot read, `ignore` for no-ops. */
function messageContent(type: string, message: Json): Content | 'ignore' | undefined {
  switch (type) {
    case 'text': {
      const body = str(obj(message.text)?.body);
      return body === undefined ? undefined : { text: body };
    }
    case 'interactive': {
      const interactive = obj(message.interactive);
      const reply = obj(interactive?.button_reply) ?? obj(interactive?.list_reply);
      const choiceId = str(reply?.id);
      if (!reply || !choiceId) return undefined;
      return { text: str(reply.title) ?? choiceId, choiceId };
    }
    case 'button': {
      // Quick-reply button of a template: `payload` is the id we gave it.
      const button = obj(message.button);
      const text = str(button?.text) ?? str(button?.payload);
      if (!text) return undefined;
      const payload = str(button?.payload);
      return { text, ...(payload ? { choiceId: payload } : {}) };
    }
    case 'location': {
      const location = obj(message.location);
      const latitude = Number(location?.latitude);
      const longitude = Number(location?.longitude);
      if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return undefined;
      const label = [str(location?.name), str(location?.address)].filter(Boolean).join(', ');
      const attachment: Attachment = {
        kind: 'location',
        url: `https://maps.google.com/?q=${latitude},${longitude}`,
        ...(label ? { name: label } : {}),
      };
      return { text: label || `${latitude}, ${longitude}`, attachments: [attachment] };
    }
    case 'contacts': {
      // Names only: the shared phone numbers stay in `raw` for the desk, out of text and logs.
      const names = list(message.contacts).map((c) => str(obj(c.name)?.formatted_name) ?? 'contact');
      if (names.length === 0) return undefined;
      return {
        text: names.join(', '),
        attachments: names.map((name): Attachment => ({ kind: 'contact', name })),
      };
    }
    case 'reaction': {
      const emoji = str(obj(message.reaction)?.emoji);
      // An empty emoji means the customer removed a reaction: nothing to answer.
      return emoji ? { text: emoji } : 'ignore';
    }
    default:
      if ((MEDIA_TYPES as readonly string[]).includes(type)) return mediaContent(type as MediaType, message);
      return undefined;
  }
}

function mediaContent(type: MediaType, message: Json): Content | undefined {
  const media = obj(message[type]);
  const mediaId = str(media?.id);
  if (!media || !mediaId) return undefined;
  const caption = str(media.caption);
  const mimeType = str(media.mime_type);
  const name = str(media.filename);
  const attachment: Attachment = {
    kind: type,
    mediaId,
    ...(mimeType ? { mimeType } : {}),
    ...(caption ? { caption } : {}),
    ...(name ? { name } : {}),
  };
  return { text: caption ?? '', attachments: [attachment] };
}

function findContact(contacts: Json[], message: Json): Json | undefined {
  const userId = str(message.from_user_id);
  const from = str(message.from);
  return (
    contacts.find((c) => (userId && c.user_id === userId) || (from && c.wa_id === from)) ??
    (contacts.length === 1 ? contacts[0] : undefined)
  );
}

function parseStatus(status: Json, phoneNumberId: string, receivedAt: number): StatusUpdate | string {
  const messageId = str(status.id);
  const value = str(status.status);
  if (!messageId || !value || !(STATUSES as readonly string[]).includes(value)) {
    return `status "${String(value)}" without a known message id or state ignored`;
  }
  const seconds = Number(status.timestamp);
  const recipientId = str(status.recipient_id);
  const recipientUserId = str(status.recipient_user_id);
  const firstError = list(status.errors)[0];
  const error = firstError
    ? {
        code: numberish(firstError.code) ?? 'unknown',
        title: str(firstError.title) ?? str(firstError.message) ?? 'unknown error',
        detail: str(obj(firstError.error_data)?.details) ?? str(firstError.message) ?? '',
      }
    : undefined;
  return {
    messageId,
    status: value as MessageStatus,
    at: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : receivedAt,
    phoneNumberId,
    ...(recipientId ? { recipientId } : {}),
    ...(recipientUserId ? { recipientUserId } : {}),
    ...(error ? { error } : {}),
  };
}
