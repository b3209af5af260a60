import { ReplyWindowClosedError } from '../../src/errors.ts';
import type { ConversationRef } from '../../src/model/conversation-ref.ts';
import type { ReplyContext } from '../../src/model/inbound-event.ts';
import type { OutboundEnvelope, OutboundPurpose } from '../../src/model/outbound-message.ts';
import type { SendReceipt } from '../../src/ports/channel-adapter.ts';
import type { Clock } from '../../src/ports/clock.ts';
import type { KeyValueStore } from '../../src/ports/key-value.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { GraphClient, SendBody } from './api.ts';
import { IDEMPOTENCY_TTL_MS } from './limits.ts';
import { renderWhatsAppMessage, renderWhatsAppTemplate } from './render.ts';
import type { WhatsAppSender } from './send.ts';
import type { MessageStatuses } from './statuses.ts';
import type { MessageContent, Recipient, WhatsAppTemplate } from './types.ts';
import { type ReplyWindows, windowState } from './window.ts';

export interface WhatsAppOutboundConfig {
  readonly graph: GraphClient;
  readonly sender: WhatsAppSender;
  readonly windows: ReplyWindows;
  readonly statuses: MessageStatuses;
  readonly kv: KeyValueStore;
  readonly templates: Readonly<Partial<Record<OutboundPurpose, WhatsAppTemplate>>>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly listButtonLabel?: string;
}

export interface WhatsAppOutbound {
  send(envelope: OutboundEnvelope): Promise<SendReceipt>;
  startTyping(ref: ConversationRef, replyContext?: ReplyContext): Promise<void>;
}

const BSUID = /^[A-Z]{2}\.[A-Za-z0-9]{1,128}$/;

/**
 * The `ChannelAdapter` side: checks the customer's 24-hour window (sending the
 * purpose's template, or refusing with `ReplyWindowClosedError`, once it closed),
 * renders the envelope, and sends its parts through the retrying transport, each
 * part at most once per idempotency key.
 */
export function createWhatsAppOutbound(config: WhatsAppOutboundConfig): WhatsAppOutbound {
  const { graph, sender, windows, statuses, kv, clock } = config;
  const log = config.logger;

  async function send(envelope: OutboundEnvelope): Promise<SendReceipt> {
    const { ref } = envelope;
    const record = await windows.get(ref.channel, ref.threadOrUser);
    const recipient = recipientOf(ref.threadOrUser, envelope.replyContext?.waId ?? record?.waId);
    const template = config.templates[envelope.purpose];
    const state = windowState(record, envelope.replyContext, clock.now());
    if (state === 'closed') {
      if (!template) {
        throw new ReplyWindowClosedError(
          `the customer last wrote over 24 hours ago; no template is configured for "${envelope.purpose}"`,
        );
      }
      log.info(
        { purpose: envelope.purpose, template: template.name },
        'reply window closed: sending template',
      );
      return deliver(ref, recipient, `${envelope.idempotencyKey}:template`, [
        renderWhatsAppTemplate(template, envelope.message),
      ]);
    }
    // Quote the answered message only when the customer wrote again since: then it
    // shows which question this answers; otherwise the quote is noise.
    const answered = envelope.replyContext?.messageId;
    const quote = answered && record && record.lastMessageId !== answered ? answered : undefined;
    const parts = renderWhatsAppMessage(
      envelope.message,
      config.listButtonLabel ? { listButtonLabel: config.listButtonLabel } : {},
    );
    try {
      return await deliver(ref, recipient, envelope.idempotencyKey, parts, quote);
    } catch (error) {
      // Meta knows the window better than our record (e.g. the record was lost).
      if (!(error instanceof ReplyWindowClosedError) || !template) throw error;
      log.info(
        { purpose: envelope.purpose, template: template.name },
        'Meta reports the window closed: sending template',
      );
      return deliver(ref, recipient, `${envelope.idempotencyKey}:template`, [
        renderWhatsAppTemplate(template, envelope.message),
      ]);
    }
  }

  /**
   * Sends the parts in order. Each part's key (`<idempotencyKey>#<n>`) is remembered
   * with its wamid once Meta accepted it, so a retried or resumed turn sends only the
   * parts that did not go out.
   */
  async function deliver(
    ref: ConversationRef,
    recipient: Recipient,
    idempotencyKey: string,
    parts: readonly MessageContent[],
    quote?: string,
  ): Promise<SendReceipt> {
    let lastId: string | undefined;
    for (const [index, content] of parts.entries()) {
      const partKey = `idem:${idempotencyKey}#${index}`;
      const done = await kv.get(partKey);
      if (done) {
        lastId = done;
        continue;
      }
      const body = {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        ...recipient,
        ...(index === 0 && quote ? { context: { message_id: quote } } : {}),
        ...content,
      } as SendBody;
      const { messageId } = await sender.send(`${ref.channel}:${ref.threadOrUser}`, body);
      lastId = messageId;
      try {
        await kv.set(partKey, messageId, IDEMPOTENCY_TTL_MS);
        await statuses.rememberOutbound(messageId, {
          phoneNumberId: ref.channel,
          customerId: ref.threadOrUser,
        });
      } catch (error) {
        // The message is out; failing now would make the engine send it again.
        log.error({ err: error }, 'whatsapp message sent but its record could not be stored');
      }
    }
    return lastId ? { platformMessageId: lastId } : {};
  }

  async function startTyping(ref: ConversationRef, replyContext?: ReplyContext): Promise<void> {
    try {
      const messageId =
        replyContext?.messageId ?? (await windows.get(ref.channel, ref.threadOrUser))?.lastMessageId;
      if (messageId) await graph.markRead(messageId, true);
    } catch (error) {
      log.debug({ err: error }, 'whatsapp read receipt / typing indicator failed');
    }
  }

  return { send, startTyping };
}

/** Phone number when known (`to`, with `+` so Meta never prepends our country code), else the BSUID (`recipient`). */
function recipientOf(customerId: string, waId: string | undefined): Recipient {
  if (waId) return { to: `+${waId.replace(/^\+/, '')}` };
  if (BSUID.test(customerId)) return { recipient: customerId };
  return { to: `+${customerId.replace(/^\+/, '')}` };
}
