import type { KeyValueStore } from '../../src/ports/key-value.ts';
import { STATUS_TTL_MS } from './limits.ts';
import type { MessageStatus, StatusUpdate } from './types.ts';

/**
 * Order in which a message's status can only move forward. `read` may come without
 * `delivered`, and statuses arrive out of order; `failed` is final.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status
 */
const RANK: Readonly<Record<MessageStatus, number>> = {
  sent: 1,
  delivered: 2,
  read: 3,
  played: 4,
  failed: 5,
};
const ORDER = (Object.keys(RANK) as MessageStatus[]).sort((a, b) => RANK[b] - RANK[a]);

/** The furthest status among those seen; `null` when none was. */
export function latestStatus(seen: readonly MessageStatus[]): MessageStatus | null {
  return seen.reduce<MessageStatus | null>(
    (best, s) => (best === null || RANK[s] > RANK[best] ? s : best),
    null,
  );
}

/** Where an outbound message went, so its statuses can be tied back to the conversation. */
export interface OutboundRecord {
  readonly phoneNumberId: string;
  readonly customerId: string;
}

/**
 * Per-message delivery state in the key-value port. Each (wamid, status) pair is one
 * set-if-absent key, so the current status is the furthest one present: no
 * read-modify-write race between concurrent webhooks, nothing ever moves backwards,
 * and a status that arrives before we recorded the send (or before an earlier status)
 * is kept like any other.
 */
export class MessageStatuses {
  readonly #kv: KeyValueStore;

  constructor(kv: KeyValueStore) {
    this.#kv = kv;
  }

  /** Records a status; true when it is new for this message (false for a redelivery). */
  async record(update: StatusUpdate): Promise<boolean> {
    const value = JSON.stringify({ at: update.at, ...(update.error ? { code: update.error.code } : {}) });
    return this.#kv.setIfAbsent(`status:${update.messageId}:${update.status}`, value, STATUS_TTL_MS);
  }

  /** The furthest status seen for a message. */
  async current(messageId: string): Promise<MessageStatus | null> {
    const present = await Promise.all(
      ORDER.map(async (s) => ((await this.#kv.get(`status:${messageId}:${s}`)) === null ? null : s)),
    );
    return latestStatus(present.filter((s): s is MessageStatus => s !== null));
  }

  async rememberOutbound(messageId: string, record: OutboundRecord): Promise<void> {
    await this.#kv.set(`out:${messageId}`, JSON.stringify(record), STATUS_TTL_MS);
  }

  async outbound(messageId: string): Promise<OutboundRecord | null> {
    const raw = await this.#kv.get(`out:${messageId}`);
    if (!raw) return null;
    try {
      const parsed = JSON.parse(raw) as Partial<OutboundRecord>;
      return typeof parsed.phoneNumberId === 'string' && typeof parsed.customerId === 'string'
        ? { phoneNumberId: parsed.phoneNumberId, customerId: parsed.customerId }
        : null;
    } catch {
      return null;
    }
  }
}
