import {
  Client,
  type ClientOptions,
  type CloseEvent,
  Events,
  GatewayIntentBits,
  Options,
  Partials,
} from 'discord.js';
import { ConfigError, PlatformApiError } from '../../src/errors.ts';
import { toConversationKey } from '../../src/model/conversation-key.ts';
import type { ConversationRef } from '../../src/model/conversation-ref.ts';
import type { ChannelAdapter, SendReceipt, TurnSummary } from '../../src/ports/channel-adapter.ts';
import type { EventSink } from '../../src/ports/event-sink.ts';
import type { KeyValueSpace } from '../../src/ports/key-value.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { deriveCustomIdKey } from './custom-id.ts';
import { type DiscordDirectory, DiscordInbound } from './inbound.ts';
import {
  CLOSE_DISALLOWED_INTENTS,
  DISCORD_CAPABILITIES,
  DISCORD_PLATFORM,
  TYPING_MAX_MS,
  TYPING_REFRESH_MS,
} from './limits.ts';
import { renderDiscordMessage, targetChannelOf } from './render.ts';
import { DiscordTransport } from './send.ts';
import { DiscordState } from './state.ts';

export { DISCORD_CAPABILITIES } from './limits.ts';

export interface DiscordAdapterConfig {
  readonly token: string;
  /** Guild channels where a message opens a support thread. */
  readonly supportChannelIds: readonly string[];
  /** REST base without version (`https://discord.com/api`); the gateway URL comes from its `/gateway/bot`. */
  readonly apiUrl: string;
  /** Signs button ids; defaults to the bot token (rotating it then invalidates old buttons). */
  readonly buttonSecret?: string | undefined;
  readonly sink: EventSink;
  readonly keyValue: KeyValueSpace;
  readonly logger: Logger;
  /** Builds the discord.js client from our options (tests and sharding add their own). */
  readonly createClient?: (options: ClientOptions) => Client;
  /** Waits between attempts to record an inbound event (default 250 ms, 1 s, 3 s). */
  readonly ingestRetryDelaysMs?: readonly number[];
}

export interface DiscordAdapter extends ChannelAdapter {
  /** Logs in and opens the gateway; rejects with `ConfigError` naming the fix when Discord refuses. */
  start(): Promise<void>;
  /** Stops taking gateway events, lets running handlers finish, and closes the connection. */
  stop(): Promise<void>;
  /** Resolves once every gateway event received so far has been handled (shutdown, tests). */
  idle(): Promise<void>;
  readonly client: Client;
}

/** What to do when Discord closes the gateway with 4014 (Message Content intent not enabled). */
export const MESSAGE_CONTENT_INTENT_HELP =
  'Discord refused the gateway connection (close code 4014): the privileged Message Content intent is not enabled for this bot. ' +
  'Open https://discord.com/developers/applications → your application → Bot → Privileged Gateway Intents, switch on ' +
  '"Message Content Intent" and save (bots in 100 or more servers need Discord’s approval first), then restart.';

/**
 * The discord.js client options the adapter needs: the four intents (Message
 * Content is privileged), `Partials.Channel` so DMs arrive, REST pointed at
 * `apiUrl`, nothing mentionable by default, and no message cache (the adapter reads
 * gateway payloads, so caching every message would only cost memory).
 * @see https://discord.com/developers/docs/events/gateway#gateway-intents
 */
export function discordClientOptions(apiUrl: string): ClientOptions {
  return {
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.DirectMessages,
      GatewayIntentBits.MessageContent,
    ],
    partials: [Partials.Channel],
    rest: { api: apiUrl },
    allowedMentions: { parse: [] },
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
  };
}

/**
 * The Discord channel: a discord.js gateway bot for DMs and support channels.
 * Inbound, it reads the raw MESSAGE_CREATE / INTERACTION_CREATE payloads (so parsing
 * is pure and tested with fixtures; discord.js still owns the connection, heartbeats,
 * resumes, reconnects and the thread cache) and hands events to the engine; outbound,
 * it renders and sends through discord.js's rate-limited REST queue.
 */
export function createDiscordAdapter(config: DiscordAdapterConfig): DiscordAdapter {
  const logger = config.logger;
  const client = (config.createClient ?? ((options: ClientOptions) => new Client(options)))(
    discordClientOptions(config.apiUrl),
  );
  const transport = new DiscordTransport(client.rest);
  const state = new DiscordState(config.keyValue.namespace(DISCORD_PLATFORM));
  const customIdKey = deriveCustomIdKey(config.buttonSecret ?? config.token);
  const directory: DiscordDirectory = {
    botUserId: () => client.user?.id,
    async threadParent(channelId) {
      const cached = client.channels.cache.get(channelId);
      if (cached && !cached.isThread()) return undefined;
      if (cached?.isThread() && cached.parentId) return cached.parentId;
      // Not cached, or only the partial thread discord.js builds from a message's
      // `channel_type` (no parent): ask Discord once; the answer is cached.
      const fetched = await client.channels.fetch(channelId, { force: true }).catch(() => null);
      return fetched?.isThread() ? (fetched.parentId ?? undefined) : undefined;
    },
    roleName: (guildId, roleId) => client.guilds.cache.get(guildId)?.roles.cache.get(roleId)?.name,
    channelName(channelId) {
      const channel = client.channels.cache.get(channelId);
      return channel && 'name' in channel && typeof channel.name === 'string' ? channel.name : undefined;
    },
  };
  const inbound = new DiscordInbound({
    sink: config.sink,
    state,
    transport,
    directory,
    logger,
    supportChannelIds: new Set(config.supportChannelIds),
    customIdKey,
    ingestRetryDelaysMs: config.ingestRetryDelaysMs ?? [250, 1_000, 3_000],
  });

  const inflight = new Set<Promise<void>>();
  const typing = new Map<string, NodeJS.Timeout>();
  let accepting = false;
  let lastCloseCode: number | undefined;

  const chains = new Map<string, Promise<void>>();
  /**
   * Runs a handler, after the previous one for the same channel when `channel` is
   * given: handlers await state and the store, so two quick messages could otherwise
   * reach the engine's queue in the wrong order.
   */
  const track = (channel: string | undefined, work: () => Promise<void>): void => {
    const previous = channel === undefined ? undefined : chains.get(channel);
    const tracked: Promise<void> = (previous ? previous.then(work) : work())
      .catch((error: unknown) => logger.error({ err: error }, 'discord gateway event failed'))
      .finally(() => {
        inflight.delete(tracked);
        if (channel !== undefined && chains.get(channel) === tracked) chains.delete(channel);
      });
    inflight.add(tracked);
    if (channel !== undefined) chains.set(channel, tracked);
  };
  const onRaw = (packet: unknown): void => {
    if (!accepting || typeof packet !== 'object' || packet === null) return;
    const { t, d } = packet as { t?: unknown; d?: unknown };
    if (t === 'MESSAGE_CREATE') {
      const channel = (d as { channel_id?: unknown } | undefined)?.channel_id;
      track(typeof channel === 'string' ? channel : undefined, () => inbound.handleMessage(d));
    } else if (t === 'INTERACTION_CREATE') {
      // Not queued behind messages: the click must be acknowledged within 3 s.
      track(undefined, () => inbound.handleInteraction(d));
    }
  };
  const idle = async (): Promise<void> => {
    while (inflight.size > 0) await Promise.allSettled([...inflight]);
  };
  const onDisconnect = (event: CloseEvent, shardId: number): void => {
    lastCloseCode = event.code;
    if (event.code === CLOSE_DISALLOWED_INTENTS) logger.error({ shardId }, MESSAGE_CONTENT_INTENT_HELP);
    else logger.error({ shardId, code: event.code }, 'discord gateway closed and will not reconnect');
  };
  const onError = (error: Error): void => logger.error({ err: error }, 'discord client error');

  const stopTyping = (key: string): void => {
    const timer = typing.get(key);
    if (timer) clearInterval(timer);
    typing.delete(key);
  };

  /** Follow-up of a deferred click: disable the clicked message's buttons. Idempotent, best effort. */
  const finishInteraction = async (interactionId: string): Promise<void> => {
    try {
      const deferred = await state.takeDeferred(interactionId);
      if (deferred) {
        await transport.editOriginal(deferred.applicationId, deferred.token, {
          components: deferred.components,
        });
      }
    } catch (error) {
      logger.debug({ err: error, eventId: interactionId }, 'could not update the clicked message');
    }
  };

  return {
    platform: DISCORD_PLATFORM,
    capabilities: DISCORD_CAPABILITIES,
    client,
    idle,

    async start() {
      client.on(Events.Raw, onRaw);
      client.on(Events.ShardDisconnect, onDisconnect);
      client.on(Events.Error, onError);
      accepting = true;
      try {
        await client.login(config.token);
      } catch (error) {
        accepting = false;
        await client.destroy().catch(() => undefined);
        throw explainLoginFailure(error, lastCloseCode);
      }
      logger.info({ user: client.user?.id, shards: client.ws.shards.size }, 'discord gateway connected');
    },

    async stop() {
      accepting = false;
      client.off(Events.Raw, onRaw);
      await idle();
      for (const key of [...typing.keys()]) stopTyping(key);
      await client.destroy();
      client.off(Events.ShardDisconnect, onDisconnect);
      client.off(Events.Error, onError);
    },

    async send(envelope): Promise<SendReceipt> {
      const key = toConversationKey(envelope.ref);
      stopTyping(key);
      const interactionId = envelope.replyContext?.interactionId ?? envelope.replyTo;
      if (interactionId) await finishInteraction(interactionId);
      const bodies = renderDiscordMessage(envelope.message, {
        customIdKey,
        conversationKey: key,
        idempotencyKey: envelope.idempotencyKey,
      });
      const channel = targetChannelOf(envelope.ref);
      let last: string | undefined;
      for (const body of bodies) last = (await transport.createMessage(channel, body)) ?? last;
      return last ? { platformMessageId: last } : {};
    },

    async startTyping(ref: ConversationRef) {
      const key = toConversationKey(ref);
      const channel = targetChannelOf(ref);
      stopTyping(key);
      let ticks = 0;
      const timer = setInterval(() => {
        ticks += 1;
        if (ticks * TYPING_REFRESH_MS >= TYPING_MAX_MS) {
          stopTyping(key);
          return;
        }
        transport
          .triggerTyping(channel)
          .catch((error: unknown) => logger.debug({ err: error }, 'typing indicator failed'));
      }, TYPING_REFRESH_MS);
      timer.unref();
      typing.set(key, timer);
      await transport.triggerTyping(channel);
    },

    async endTurn(summary: TurnSummary) {
      stopTyping(toConversationKey(summary.ref));
      await finishInteraction(summary.eventId);
    },
  };
}

function explainLoginFailure(error: unknown, closeCode: number | undefined): Error {
  if (closeCode === CLOSE_DISALLOWED_INTENTS) {
    return new ConfigError([{ variable: 'DISCORD_TOKEN', problem: MESSAGE_CONTENT_INTENT_HELP }]);
  }
  // discord.js errors carry a stable `code`; 'TokenInvalid' means /gateway/bot answered 401.
  if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'TokenInvalid') {
    return new ConfigError([{ variable: 'DISCORD_TOKEN', problem: 'Discord rejected the bot token (401)' }]);
  }
  return new PlatformApiError('could not connect to the Discord gateway', { cause: error });
}
