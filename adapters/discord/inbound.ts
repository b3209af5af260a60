import { setTimeout as sleep } from 'node:timers/promises';
import type { InboundEvent } from '../../src/model/inbound-event.ts';
import type { EventSink } from '../../src/ports/event-sink.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { DISCORD_COPY } from './copy.ts';
import {
  type ParseContext,
  parseDiscordInteraction,
  parseDiscordMessage,
  readInteractionPayload,
  readMessagePayload,
} from './parse.ts';
import {
  renderAnsweredComponents,
  renderEphemeral,
  renderNotice,
  renderThreadName,
  targetChannelOf,
} from './render.ts';
import type { DiscordTransport } from './send.ts';
import type { DiscordState } from './state.ts';

/** What the gateway handlers read from the discord.js cache (kept behind functions so parse stays pure). */
export interface DiscordDirectory {
  /** The bot's user id once READY arrived. */
  botUserId(): string | undefined;
  /**
   * Parent channel when `channelId` is a thread: from the cache, or fetched once when
   * the channel is not cached (guild text channels always are, so a miss is a thread
   * the client has not seen since it started, e.g. an archived one).
   */
  threadParent(channelId: string): Promise<string | undefined>;
  roleName(guildId: string, roleId: string): string | undefined;
  channelName(channelId: string): string | undefined;
}

export interface DiscordInboundDeps {
  readonly sink: EventSink;
  readonly state: DiscordState;
  readonly transport: DiscordTransport;
  readonly directory: DiscordDirectory;
  readonly logger: Logger;
  readonly supportChannelIds: ReadonlySet<string>;
  readonly customIdKey: Buffer;
  /** Waits between ingest attempts when the store is briefly unavailable. */
  readonly ingestRetryDelaysMs: readonly number[];
}

/**
 * Handles gateway dispatches: MESSAGE_CREATE (DMs, support channels and their
 * threads) and INTERACTION_CREATE (button clicks). Discord does not redeliver a
 * gateway event we failed to take, so ingest is retried briefly and, when it still
 * fails, the customer is asked to send again instead of losing the message silently.
 */
export class DiscordInbound {
  readonly #deps: DiscordInboundDeps;
  constructor(deps: DiscordInboundDeps) {
    this.#deps = deps;
  }

  async handleMessage(data: unknown): Promise<void> {
    const { logger, directory, state, transport } = this.#deps;
    const botUserId = directory.botUserId();
    if (botUserId === undefined) return;
    let payload: ReturnType<typeof readMessagePayload>;
    try {
      payload = readMessagePayload(data);
    } catch (error) {
      logger.warn({ err: error }, 'malformed MESSAGE_CREATE skipped');
      return;
    }
    const isSupportChannel = this.#deps.supportChannelIds.has(payload.channel_id);
    const threadParentId =
      payload.guild_id !== undefined && !isSupportChannel
        ? ((await state.thread(payload.channel_id))?.channelId ??
          (await directory.threadParent(payload.channel_id)))
        : undefined;
    const context: ParseContext = {
      botUserId,
      supportChannelIds: this.#deps.supportChannelIds,
      threadParentId,
      ...this.#names(payload.content, payload.guild_id),
    };
    const parsed = parseDiscordMessage(payload, context);
    if (parsed.action === 'ignore') {
      logger.debug({ messageId: payload.id, reason: parsed.reason }, 'message ignored');
      return;
    }
    const log = logger.child({ eventId: parsed.event.id });
    if (parsed.startThread) {
      const { channelId, messageId, authorName, text } = parsed.startThread;
      const guildId = payload.guild_id ?? '';
      const claimed = await state.claimThread(messageId, {
        guildId,
        channelId,
        customerId: payload.author.id,
      });
      if (claimed) {
        try {
          const result = await transport.startThread(
            channelId,
            messageId,
            renderThreadName(authorName, text),
          );
          log.info({ thread: messageId, result }, 'support thread opened');
        } catch (error) {
          await state.releaseThread(messageId);
          log.error(
            { err: error, channel: channelId },
            'could not open a support thread; the bot needs View Channel, Send Messages, Create Public Threads and Send Messages in Threads there',
          );
          return;
        }
      }
    }
    await this.#ingest(parsed.event, log, async () => {
      await transport.createMessage(
        targetChannelOf(parsed.event.ref),
        renderNotice(DISCORD_COPY.notTaken, `${parsed.event.id}:not-taken`),
      );
    });
  }

  async handleInteraction(data: unknown): Promise<void> {
    const { logger, directory, state, transport } = this.#deps;
    let payload: ReturnType<typeof readInteractionPayload>;
    try {
      payload = readInteractionPayload(data);
    } catch (error) {
      logger.warn({ err: error }, 'malformed INTERACTION_CREATE skipped');
      return;
    }
    const channelId = payload.channel_id ?? payload.channel?.id;
    const threadParentId =
      payload.guild_id !== undefined && channelId !== undefined && !payload.channel?.parent_id
        ? ((await state.thread(channelId))?.channelId ?? (await directory.threadParent(channelId)))
        : undefined;
    const parsed = parseDiscordInteraction(payload, {
      supportChannelIds: this.#deps.supportChannelIds,
      threadParentId,
      customIdKey: this.#deps.customIdKey,
    });
    const log = logger.child({ eventId: payload.id });
    if (parsed.action === 'ignore') {
      log.debug({ reason: parsed.reason }, 'interaction ignored');
      return;
    }
    if (parsed.action === 'refuse') {
      log.warn({ reason: parsed.reason }, 'button click refused');
      const text =
        parsed.reason === 'invalid_custom_id' ? DISCORD_COPY.buttonRefused : DISCORD_COPY.outsideSupport;
      await transport
        .replyEphemeral(payload.id, payload.token, renderEphemeral(text))
        .catch((error: unknown) => log.warn({ err: error }, 'could not answer a refused click'));
      return;
    }
    const { event, clicker } = parsed;
    if (event.ref.workspace !== '@me') {
      const thread = await state.thread(event.ref.threadOrUser);
      if (thread && thread.customerId !== clicker.id) {
        log.warn({ reason: 'not_the_customer' }, 'button click refused');
        await transport
          .replyEphemeral(payload.id, payload.token, renderEphemeral(DISCORD_COPY.buttonNotYours))
          .catch((error: unknown) => log.warn({ err: error }, 'could not answer a refused click'));
        return;
      }
    }
    if (!(await state.markInteractionSeen(payload.id))) {
      log.debug({}, 'interaction already handled (replayed dispatch)');
      return;
    }
    // Discord invalidates the token 3 s after the click: acknowledge before anything slow.
    try {
      await transport.deferUpdate(payload.id, payload.token);
    } catch (error) {
      log.warn({ err: error }, 'button click could not be acknowledged in time; processing it anyway');
    }
    const customId = payload.data?.custom_id ?? '';
    await state.saveDeferred(payload.id, {
      applicationId: payload.application_id,
      token: payload.token,
      components: renderAnsweredComponents(payload.message?.components ?? [], customId),
    });
    await this.#ingest(event, log, () =>
      transport.followUp(payload.application_id, payload.token, renderEphemeral(DISCORD_COPY.notTaken)),
    );
  }

  /** Hands the event to the engine, retrying briefly; when that fails, tells the customer. */
  async #ingest(event: InboundEvent, log: Logger, tellCustomer: () => Promise<void>): Promise<void> {
    const delays = this.#deps.ingestRetryDelaysMs;
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await this.#deps.sink.ingest(event);
        log.debug({ result }, 'event ingested');
        return;
      } catch (error) {
        const delay = delays[attempt];
        if (delay === undefined) {
          log.error({ err: error }, 'event could not be recorded; asking the customer to send it again');
          await tellCustomer().catch((notice: unknown) =>
            log.warn({ err: notice }, 'could not tell the customer either'),
          );
          return;
        }
        log.warn({ err: error, attempt }, 'ingest failed; retrying');
        await sleep(delay);
      }
    }
  }

  #names(content: string, guildId: string | undefined): Pick<ParseContext, 'roleNames' | 'channelNames'> {
    const roleNames = new Map<string, string>();
    const channelNames = new Map<string, string>();
    const { directory } = this.#deps;
    for (const [, id] of content.matchAll(/<@&(\d+)>/g)) {
      const name = id && guildId ? directory.roleName(guildId, id) : undefined;
      if (id && name) roleNames.set(id, name);
    }
    for (const [, id] of content.matchAll(/<#(\d+)>/g)) {
      const name = id ? directory.channelName(id) : undefined;
      if (id && name) channelNames.set(id, name);
    }
    return { roleNames, channelNames };
  }
}
