import type { ReplyContext } from '../../src/model/inbound-event.ts';
import type { KeyValueStore } from '../../src/ports/key-value.ts';
import { REPLY_WINDOW_MS, REPLY_WINDOW_SAFETY_MS, WINDOW_RECORD_TTL_MS } from './limits.ts';
import type { WindowTouch } from './types.ts';

/** What we know about one customer's customer-service window. */
export interface WindowRecord {
  /** Epoch ms of their latest inbound message (Meta's timestamp). */
  readonly lastInboundAt: number;
  /** wamid of that message: the read receipt and typing indicator target. */
  readonly lastMessageId: string;
  /** Phone-based id, the send address when known. */
  readonly waId?: string;
}

export type WindowState = 'open' | 'closed' | 'unknown';

const key = (phoneNumberId: string, customerId: string) => `window:${phoneNumberId}:${customerId}`;

/**
 * The 24-hour customer-service window per customer, kept in the key-value port so
 * every process and a restarted one see it. Written from the webhook (before the
 * event is queued, so the turn answering it finds the window open).
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/send-messages (Customer service windows)
 */
export class ReplyWindows {
  readonly #kv: KeyValueStore;

  constructor(kv: KeyValueStore) {
    this.#kv = kv;
  }

  /**
   * Records an inbound message; only a newer one moves the window (redeliveries and
   * out-of-order batches leave it). Two webhooks racing for one customer may keep the
   * earlier of two close timestamps: the safety margin absorbs that.
   */
  async touch(touch: WindowTouch): Promise<void> {
    const current = await this.get(touch.phoneNumberId, touch.customerId);
    if (current && current.lastInboundAt >= touch.at && (current.waId || !touch.waId)) return;
    const newer = !current || touch.at > current.lastInboundAt;
    const waId = touch.waId ?? current?.waId;
    const record: WindowRecord = {
      lastInboundAt: newer ? touch.at : (current?.lastInboundAt ?? touch.at),
      lastMessageId: newer ? touch.messageId : (current?.lastMessageId ?? touch.messageId),
      ...(waId ? { waId } : {}),
    };
    await this.#kv.set(
      key(touch.phoneNumberId, touch.customerId),
      JSON.stringify(record),
      WINDOW_RECORD_TTL_MS,
    );
  }

  async get(phoneNumberId: string, customerId: string): Promise<WindowRecord | null> {
    const raw = await this.#kv.get(key(phoneNumberId, customerId));
    if (!raw) return null;
    try {
      const parsed = JSON.parse(raw) as Partial<WindowRecord>;
      if (typeof parsed.lastInboundAt !== 'number' || typeof parsed.lastMessageId !== 'string') return null;
      return {
        lastInboundAt: parsed.lastInboundAt,
        lastMessageId: parsed.lastMessageId,
        ...(typeof parsed.waId === 'string' ? { waId: parsed.waId } : {}),
      };
    } catch {
      return null;
    }
  }
}

/**
 * Whether a free-form message may go out now. The reply context of the answered
 * message counts too (its `at`), so a reply still works when the record was lost.
 * `unknown` (no record at all) lets the send be attempted: Meta then decides, and a
 * 131047 refusal becomes `ReplyWindowClosedError` like a known-closed window.
 */
export function windowState(
  record: WindowRecord | null,
  replyContext: ReplyContext | undefined,
  now: number,
): WindowState {
  const fromContext = Number(replyContext?.at);
  const last = Math.max(record?.lastInboundAt ?? 0, Number.isFinite(fromContext) ? fromContext : 0);
  if (last === 0) return 'unknown';
  return now - last < REPLY_WINDOW_MS - REPLY_WINDOW_SAFETY_MS ? 'open' : 'closed';
}
