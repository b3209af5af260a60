import type { IncomingMessage } from 'node:http';
import type { OutboundPurpose } from '../../src/model/outbound-message.ts';
import type { ChannelAdapter } from '../../src/ports/channel-adapter.ts';
import type { Clock } from '../../src/ports/clock.ts';
import type { EventSink } from '../../src/ports/event-sink.ts';
import type { HttpRoute } from '../../src/ports/http-route.ts';
import type { KeyValueStore } from '../../src/ports/key-value.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { type GraphClient, createGraphClient } from './api.ts';
import { MAX_MEDIA_BYTES, WHATSAPP_CAPABILITIES, WHATSAPP_PLATFORM } from './limits.ts';
import { type MediaFile, fetchWhatsAppMedia } from './media.ts';
import { createWhatsAppOutbound } from './outbound.ts';
import { type SendRetryOptions, WhatsAppSender } from './send.ts';
import { MessageStatuses } from './statuses.ts';
import type { WhatsAppTemplate } from './types.ts';
import { createWhatsAppWebhookRoutes } from './webhook/routes.ts';
import { ReplyWindows } from './window.ts';

export { WHATSAPP_CAPABILITIES, WHATSAPP_PLATFORM } from './limits.ts';
export { signWhatsAppBody } from './webhook/verify.ts';
export type { WhatsAppTemplate } from './types.ts';

export { WHATSAPP_WEBHOOK_PATH } from './webhook/routes.ts';

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

/**
 * Wires the WhatsApp Cloud API adapter: the `/webhooks/whatsapp` routes (GET
 * verification, signed POST → window, statuses, `EventSink`), and the
 * `ChannelAdapter` that renders envelopes, respects the 24-hour window and
 * idempotency keys, and sends through the retrying transport.
 */
export function createWhatsAppAdapter(config: WhatsAppAdapterConfig): WhatsAppAdapter {
  const graph =
    config.graph ??
    createGraphClient({
      apiUrl: config.apiUrl,
      apiVersion: config.apiVersion,
      accessToken: config.accessToken,
      phoneNumberId: config.phoneNumberId,
    });
  const windows = new ReplyWindows(config.kv);
  const statuses = new MessageStatuses(config.kv);
  const sender = new WhatsAppSender({
    graph,
    logger: config.logger,
    ...(config.retry ? { retry: config.retry } : {}),
  });
  const outbound = createWhatsAppOutbound({
    graph,
    sender,
    windows,
    statuses,
    kv: config.kv,
    templates: config.templates,
    clock: config.clock,
    logger: config.logger,
    ...(config.listButtonLabel ? { listButtonLabel: config.listButtonLabel } : {}),
  });
  const routes = createWhatsAppWebhookRoutes({
    appSecret: config.appSecret,
    verifyToken: config.verifyToken,
    sink: config.sink,
    windows,
    statuses,
    clock: config.clock,
    logger: config.logger,
    readRawBody: config.readRawBody,
    ...(config.bodyLimitBytes !== undefined ? { bodyLimitBytes: config.bodyLimitBytes } : {}),
  });
  const adapter: WhatsAppChannelAdapter = {
    platform: WHATSAPP_PLATFORM,
    capabilities: WHATSAPP_CAPABILITIES,
    send: outbound.send,
    startTyping: outbound.startTyping,
    fetchMedia: (mediaId) => fetchWhatsAppMedia(graph, mediaId, config.maxMediaBytes ?? MAX_MEDIA_BYTES),
  };
  return { adapter, routes };
}
