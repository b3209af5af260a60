import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, ReplyWindowClosedError } from '../../src/errors.ts';
import { toConversationKey } from '../../src/model/conversation-key.ts';
import type { ConversationRef } from '../../src/model/conversation-ref.ts';
import type { InboundEvent, ReplyContext } from '../../src/model/inbound-event.ts';
import type { OutboundEnvelope, OutboundPurpose } from '../../src/model/outbound-message.ts';
import type { ChannelAdapter, SendReceipt } from '../../src/ports/channel-adapter.ts';
import type { Clock } from '../../src/ports/clock.ts';
import type { EventSink } from '../../src/ports/event-sink.ts';
import type { HttpRoute } from '../../src/ports/http-route.ts';
import type { KeyValueStore } from '../../src/ports/key-value.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { type GraphClient, type SendBody, createGraphClient } from './api.ts';
import {
  IDEMPOTENCY_TTL_MS,
  MAX_MEDIA_BYTES,
  MAX_WEBHOOK_BYTES,
  WHATSAPP_CAPABILITIES,
  WHATSAPP_PLATFORM,
} from './limits.ts';
import { type MediaFile, fetchWhatsAppMedia } from './media.ts';
import { renderWhatsAppMessage, renderWhatsAppTemplate } from './render.ts';
import { type SendRetryOptions, WhatsAppSender } from './send.ts';
import { MessageStatuses } from './statuses.ts';
import type { MessageContent, Recipient, WhatsAppTemplate, WindowTouch } from './types.ts';
import { parseWhatsAppWebhook, toDeliveryFailedEvent, whatsAppRef } from './webhook/parse.ts';
import { verifyWhatsAppSignature, verifyWhatsAppSubscription } from './webhook/verify.ts';
import { ReplyWindows, windowState } from './window.ts';

export { WHATSAPP_CAPABILITIES, WHATSAPP_PLATFORM } from './limits.ts';
export { signWhatsAppBody } from './webhook/verify.ts';
export type { WhatsAppTemplate } from './types.ts';

/** The webhook path Meta is pointed at (fixed: deployments and docs rely on it). */
export const WHATSAPP_WEBHOOK_PATH = '/webhooks/whatsapp';

export interface WhatsAppAdapterConfig {
  readonly accessToken: string;
  readonly phoneNumberId: string;
  readonly appSecret: string;
  readonly verifyToken: string;
  readonly apiUrl: string;
  readonly apiVersion: string;
  /** Approved templates per outbound purpose, sent when the reply window is closed. */
  readonly templates: Readonly<Partial<Record<OutboundPurpose, WhatsAppTemplate>>>;
  readonly sink: EventSink;
  /** The adapter's key-value namespace (windows, statuses, idempotency keys). */
  readonly kv: KeyValueStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Reads the raw request body with the shared server's limit handling (signatures need the exact bytes). */
  readonly readRawBody: (req: IncomingMessage, limitBytes: number) => Promise<Buffer>;
  readonly bodyLimitBytes?: number;
  readonly maxMediaBytes?: number;
  readonly retry?: Partial<SendRetryOptions>;
  readonly listButtonLabel?: string;
  /** Injected Graph client (tests, custom HTTP); built from the config otherwise. */
  readonly graph?: GraphClient;
}

/** The WhatsApp channel adapter, plus inbound media download for relaying files to staff. */
export interface WhatsAppChannelAdapter extends ChannelAdapter {
  fetchMedia(mediaId: string): Promise<MediaFile>;
}

export interface WhatsAppAdapter {
  readonly adapter: WhatsAppChannelAdapter;
  readonly routes: readonly HttpRoute[];
}

const BSUID = /^[A-Z]{2}\.[A-Za-z0-9]{1,128}$/;

/**
 * Wires the WhatsApp Cloud API adapter: the `/webhooks/whatsapp` routes (GET
 * verification, signed POST → window, statuses, `EventSink`), and the
 * `ChannelAdapter` that renders envelopes, respects the 24-hour window and
 * idempotency keys, and sends through the retrying transport.
 */
export function createWhatsAppAdapter(config: WhatsAppAdapterConfig): WhatsAppAdapter {
  const log = config.logger;
  const graph =
    config.graph ??
    createGraphClient({
      apiUrl: config.apiUrl,
      apiVersion: config.apiVersion,
      accessToken: config.accessToken,
      phoneNumberId: config.phoneNumberId,
    });
  const sender = new WhatsAppSender({ graph, logger: log, ...(config.retry ? { retry: config.retry } : {}) });
  const windows = new ReplyWindows(config.kv);
  const statuses = new MessageStatuses(config.kv);
  const bodyLimit = Math.max(config.bodyLimitBytes ?? 0, MAX_WEBHOOK_BYTES);

  async function receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await config.readRawBody(req, bodyLimit);
    // Nothing is parsed, stored or queued before the signature holds.
    verifyWhatsAppSignature(raw, req.headers['x-hub-signature-256'], config.appSecret);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      throw new BadRequestError('WhatsApp webhook body is not valid JSON', { cause: error });
    }
    const parsed = parseWhatsAppWebhook(body, config.clock.now());
    for (const reason of parsed.skipped) log.info({ reason }, 'whatsapp webhook item skipped');
    // Windows first: the turn answering a message must find its customer's window open.
    // One write per customer (their latest message), customers in parallel: batches reach 1,000.
    await Promise.all(latestTouches(parsed.touches).map((touch) => windows.touch(touch)));
    const failures = await Promise.all(
      parsed.statuses.map(async (status): Promise<InboundEvent | null> => {
        await statuses.record(status);
        if (status.status !== 'failed') return null;
        const sent = await statuses.outbound(status.messageId);
        const customerId = sent?.customerId ?? status.recipientUserId ?? status.recipientId;
        if (!customerId) {
          log.warn({ code: status.error?.code }, 'failed status for an unknown recipient');
          return null;
        }
        return toDeliveryFailedEvent(status, whatsAppRef(status.phoneNumberId, customerId));
      }),
    );
    const events = [...parsed.events, ...failures.filter((e): e is InboundEvent => e !== null)];
    await ingestInOrder(events);
    log.debug(
      { events: events.length, statuses: parsed.statuses.length, skipped: parsed.skipped.length },
      'whatsapp webhook accepted',
    );
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('EVENT_RECEIVED');
  }

  /** One conversation's events in payload order; different conversations in parallel (batches reach 1,000). */
  async function ingestInOrder(events: readonly InboundEvent[]): Promise<void> {
    const byConversation = new Map<string, InboundEvent[]>();
    for (const event of events) {
      const key = toConversationKey(event.ref);
      byConversation.set(key, [...(byConversation.get(key) ?? []), event]);
    }
    const results = await Promise.allSettled(
      [...byConversation.values()].map(async (list) => {
        for (const event of list) await config.sink.ingest(event);
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    // Anything not recorded makes the whole POST fail, so Meta redelivers it; the
    // recorded rest is dropped as duplicates then.
    if (failed) throw failed.reason;
  }

  const verifyRoute: HttpRoute = {
    method: 'GET',
    path: WHATSAPP_WEBHOOK_PATH,
    async handle(req, res) {
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      const challenge = verifyWhatsAppSubscription(query, config.verifyToken);
      if (challenge === null) log.warn({}, 'whatsapp webhook verification refused');
      res.writeHead(challenge === null ? 403 : 200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(challenge ?? 'forbidden');
    },
  };
  const receiveRoute: HttpRoute = { method: 'POST', path: WHATSAPP_WEBHOOK_PATH, handle: receive };

  async function send(envelope: OutboundEnvelope): Promise<SendReceipt> {
    const { ref } = envelope;
    const record = await windows.get(ref.channel, ref.threadOrUser);
    const recipient = recipientOf(ref.threadOrUser, envelope.replyContext?.waId ?? record?.waId);
    const template = config.templates[envelope.purpose];
    const state = windowState(record, envelope.replyContext, config.clock.now());
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
      const done = await config.kv.get(partKey);
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
        await config.kv.set(partKey, messageId, IDEMPOTENCY_TTL_MS);
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

  const adapter: WhatsAppChannelAdapter = {
    platform: WHATSAPP_PLATFORM,
    capabilities: WHATSAPP_CAPABILITIES,
    send,
    startTyping,
    fetchMedia: (mediaId) => fetchWhatsAppMedia(graph, mediaId, config.maxMediaBytes ?? MAX_MEDIA_BYTES),
  };
  return { adapter, routes: [verifyRoute, receiveRoute] };
}

/** Each customer's latest message, carrying a phone number if any of their messages had one. */
function latestTouches(touches: readonly WindowTouch[]): WindowTouch[] {
  const latest = new Map<string, WindowTouch>();
  for (const touch of touches) {
    const key = `${touch.phoneNumberId}:${touch.customerId}`;
    const current = latest.get(key);
    const newer = !current || touch.at >= current.at ? touch : current;
    const waId = newer.waId ?? touch.waId ?? current?.waId;
    latest.set(key, { ...newer, ...(waId ? { waId } : {}) });
  }
  return [...latest.values()];
}

/** Phone number when known (`to`, with `+` so Meta never prepends our country code), else the BSUID (`recipient`). */
function recipientOf(customerId: string, waId: string | undefined): Recipient {
  if (waId) return { to: `+${waId.replace(/^\+/, '')}` };
  if (BSUID.test(customerId)) return { recipient: customerId };
  return { to: `+${customerId.replace(/^\+/, '')}` };
}
