import type { Capabilities } from '../model/capabilities.ts';
import type { TurnDebug } from '../model/context.ts';
import type { ConversationRef } from '../model/conversation-ref.ts';
import type { OutboundEnvelope } from '../model/outbound-message.ts';
import type { OwnershipState } from '../model/ownership.ts';

export interface SendReceipt {
  /** Platform id of the sent message (wamid, Slack ts, Discord message id), when there is one. */
  readonly platformMessageId?: string;
}

/** What the engine tells an adapter when a turn is finished. */
export interface TurnSummary {
  readonly ref: ConversationRef;
  readonly eventId: string;
  readonly state: OwnershipState;
  readonly debug: TurnDebug | null;
}

/**
 * One customer-facing platform. The engine looks adapters up by `platform`
 * and reads `capabilities`; it never compares platform names.
 */
export interface ChannelAdapter {
  readonly platform: string;
  readonly capabilities: Capabilities;
  /** Sends one message; throws typed errors (`PlatformApiError`, `ReplyWindowClosedError`, ...). */
  send(envelope: OutboundEnvelope): Promise<SendReceipt>;
  /** Shows a typing indicator while the bot works, where the platform has one. */
  startTyping?(ref: ConversationRef): Promise<void>;
  /** Called once per processed event, after replies were sent and state persisted. */
  endTurn?(summary: TurnSummary): Promise<void>;
}
