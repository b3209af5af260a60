import type { Capabilities } from '../model/capabilities.ts';
import type { TurnDebug } from '../model/context.ts';
import type { ConversationRef } from '../model/conversation-ref.ts';
import type { ReplyContext } from '../model/inbound-event.ts';
import type { OutboundEnvelope } from '../model/outbound-message.ts';
import type { OwnershipState } from '../model/ownership.ts';

export interface SendReceipt {
  /** Platform id of the sent message (wamid, Slack ts, Discord message id), when there is one. */
  readonly platformMessageId?: string;
}

/** Bytes of a platform-hosted file (WhatsApp media), fetched on demand. */
export interface MediaContent {
  readonly data: Uint8Array;
  readonly mimeType?: string;
}

/** What the engine tells an adapter when a turn is finished. */
export interface TurnSummary {
  readonly ref: ConversationRef;
  readonly eventId: string;
  readonly state: OwnershipState;
  readonly debug: TurnDebug | null;
  readonly replyContext?: ReplyContext;
}

/**
 * One customer-facing platform. The engine looks adapters up by `platform`
 * and reads `capabilities`; it never compares platform names.
 *
 * Contract every adapter keeps:
 * - inbound: build `InboundEvent`s with the platform's own event id (redeliveries
 *   carry the same id) and acknowledge the platform only after `EventSink.ingest`
 *   resolved; answer 5xx (or do not ack) when it rejects, so the platform retries;
 * - outbound: `send` honours `envelope.idempotencyKey` (pass it to the platform
 *   when it has idempotency, e.g. a Discord nonce) and translates failures into
 *   typed errors: `ReplyWindowClosedError`, `UndeliverableError` (permanent: the
 *   engine reports them to staff and does not retry), `RateLimitedError` and
 *   `PlatformApiError` (transient: the engine retries the effect);
 * - `start`/`stop` own long-lived connections (Socket Mode, the Discord gateway).
 */
export interface ChannelAdapter {
  readonly platform: string;
  readonly capabilities: Capabilities;
  /** Opens long-lived connections; called once by the runtime before traffic flows. */
  start?(): Promise<void>;
  /** Closes them; called on shutdown after the queue stopped taking work. */
  stop?(): Promise<void>;
  /** Sends one message; throws typed errors (see above). */
  send(envelope: OutboundEnvelope): Promise<SendReceipt>;
  /** Shows a typing indicator (and read receipt) while the bot works, where the platform has one. Best effort. */
  startTyping?(ref: ConversationRef, replyContext?: ReplyContext): Promise<void>;
  /**
   * Downloads an inbound attachment known only by its platform media id (the URL
   * needs the platform token and expires in minutes), with a size cap. The engine
   * gives staff a signed link to it (`/media`) when it relays the message.
   */
  fetchMedia?(mediaId: string): Promise<MediaContent>;
  /** Called once per processed event, after its effects were performed. Best effort. */
  endTurn?(summary: TurnSummary): Promise<void>;
}
