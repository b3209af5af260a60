import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError } from '../../../src/errors.ts';
import { toConversationKey } from '../../../src/model/conversation-key.ts';
import type { InboundEvent } from '../../../src/model/inbound-event.ts';
import type { Clock } from '../../../src/ports/clock.ts';
import type { EventSink } from '../../../src/ports/event-sink.ts';
import type { HttpRoute } from '../../../src/ports/http-route.ts';
import type { Logger } from '../../../src/ports/logger.ts';
import { MAX_WEBHOOK_BYTES } from '../limits.ts';
import type { MessageStatuses } from '../statuses.ts';
import type { WindowTouch } from '../types.ts';
import type { ReplyWindows } from '../window.ts';
import { parseWhatsAppWebhook, toDeliveryFailedEvent, whatsAppRef } from './parse.ts';
import { verifyWhatsAppSignature, verifyWhatsAppSubscription } from './verify.ts';

/** The webhook path Meta is pointed at (fixed: deployments and docs rely on it). */
export const WHATSAPP_WEBHOOK_PATH = '/webhooks/whatsapp';

export interface WhatsAppWebhookConfig {
  readonly appSecret: string;
  readonly verifyToken: string;
  readonly sink: EventSink;
  readonly windows: ReplyWindows;
  readonly statuses: MessageStatuses;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly readRawBody: (req: IncomingMessage, limitBytes: number) => Promise<Buffer>;
  readonly bodyLimitBytes?: number;
}

/**
 * The inbound half of the transport: `GET /webhooks/whatsapp` (Meta's verification)
 * and `POST /webhooks/whatsapp`. A POST is checked over its raw bytes before anything
 * else happens, then every message restarts its customer's window, every status is
 * recorded (failures become `delivery_failed` events) and every event is ingested;
 * only then is it answered 200. Anything that could not be recorded throws, the shared
 * server answers 5xx, and Meta redelivers the whole batch (recorded parts are then
 * dropped as duplicates).
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/create-webhook-endpoint
 */
export function createWhatsAppWebhookRoutes(config: WhatsAppWebhookConfig): HttpRoute[] {
  const log = config.logger;
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
    await Promise.all(latestTouches(parsed.touches).map((touch) => config.windows.touch(touch)));
    const failures = await Promise.all(
      parsed.statuses.map(async (status): Promise<InboundEvent | null> => {
        await config.statuses.record(status);
        if (status.status !== 'failed') return null;
        const sent = await config.statuses.outbound(status.messageId);
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
  return [verifyRoute, { method: 'POST', path: WHATSAPP_WEBHOOK_PATH, handle: receive }];
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
