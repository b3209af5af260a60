import { toConversationKey } from '../../src/model/conversation-key.ts';
import type { ConversationRef, Participant } from '../../src/model/conversation-ref.ts';
import type {
  Attachment,
  InboundEvent,
  InboundMessage,
  ReplyContext,
} from '../../src/model/inbound-event.ts';
import { verifyCustomId } from './custom-id.ts';
import {
  COMPONENT_TYPE_BUTTON,
  DISCORD_PLATFORM,
  DM_WORKSPACE,
  INTERACTION_TYPE_COMPONENT,
  USER_MESSAGE_TYPES,
} from './limits.ts';
import {
  type DiscordInteractionPayload,
  type DiscordMessagePayload,
  type DiscordUser,
  interactionSchema,
  messageSchema,
} from './types.ts';

/**
 * Pure mapping of Discord gateway payloads (the `d` of MESSAGE_CREATE and
 * INTERACTION_CREATE frames) to the engine's model. Decides where a conversation
 * lives: DMs (`workspace: '@me'`, channel = DM channel, threadOrUser = user id) and
 * support channels, where each top-level message opens its own thread (thread id =
 * message id, so the ref is known before the thread exists) and messages in that
 * thread continue it (workspace = guild, channel = support channel, threadOrUser = thread).
 */

/** What the caller knows beyond the payload (resolved from the client cache or adapter state). */
export interface ParseContext {
  /** The bot's own user id (from READY). */
  readonly botUserId: string;
  readonly supportChannelIds: ReadonlySet<string>;
  /** Parent channel of the message's channel when that channel is a thread, if known. */
  readonly threadParentId?: string | undefined;
  /** Role and channel names for `<@&id>` / `<#id>` mentions, when the cache has them. */
  readonly roleNames?: ReadonlyMap<string, string>;
  readonly channelNames?: ReadonlyMap<string, string>;
}

export type IgnoreReason =
  | 'own_message'
  | 'bot_author'
  | 'system_message'
  | 'outside_support_channels'
  | 'unsupported_interaction';

export type ParsedMessage =
  | { readonly action: 'ignore'; readonly reason: IgnoreReason }
  | {
      readonly action: 'ingest';
      readonly event: InboundEvent;
      /** Set when the message starts a conversation in a support channel: open this thread first. */
      readonly startThread?: {
        readonly channelId: string;
        readonly messageId: string;
        readonly authorName: string;
        readonly text: string;
      };
    };

/** Validates a MESSAGE_CREATE payload; throws a zod error naming the bad field. */
export function readMessagePayload(data: unknown): DiscordMessagePayload {
  return messageSchema.parse(data);
}

/** Validates an INTERACTION_CREATE payload; throws a zod error naming the bad field. */
export function readInteractionPayload(data: unknown): DiscordInteractionPayload {
  return interactionSchema.parse(data);
}

/** Best display name: guild nickname, then global display name, then username. */
export function displayNameOf(user: DiscordUser, nick?: string | null): string {
  return nick || user.global_name || user.username;
}

/** Epoch milliseconds encoded in a snowflake. @see https://discord.com/developers/docs/reference#snowflakes */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + 1420070400000n);
}

/** Where a guild message is, if it belongs to us; pure so the routing rule is tested on its own. */
export function locateMessage(
  message: Pick<DiscordMessagePayload, 'id' | 'channel_id' | 'guild_id' | 'author'>,
  context: ParseContext,
): { readonly ref: ConversationRef; readonly startsThread: boolean } | null {
  if (message.guild_id === undefined) {
    return {
      ref: {
        platform: DISCORD_PLATFORM,
        workspace: DM_WORKSPACE,
        channel: message.channel_id,
        threadOrUser: message.author.id,
      },
      startsThread: false,
    };
  }
  if (context.supportChannelIds.has(message.channel_id)) {
    return {
      ref: {
        platform: DISCORD_PLATFORM,
        workspace: message.guild_id,
        channel: message.channel_id,
        threadOrUser: message.id,
      },
      startsThread: true,
    };
  }
  const parent = context.threadParentId;
  if (parent !== undefined && context.supportChannelIds.has(parent)) {
    return {
      ref: {
        platform: DISCORD_PLATFORM,
        workspace: message.guild_id,
        channel: parent,
        threadOrUser: message.channel_id,
      },
      startsThread: false,
    };
  }
  return null;
}

/**
 * Maps a MESSAGE_CREATE payload to an inbound event, or says why it is ignored:
 * the bot's own messages, other bots and webhooks, system messages, and channels
 * that are neither a support channel nor one of its threads.
 */
export function parseDiscordMessage(message: DiscordMessagePayload, context: ParseContext): ParsedMessage {
  if (message.author.id === context.botUserId) return { action: 'ignore', reason: 'own_message' };
  if (message.author.bot || message.author.system || message.webhook_id !== undefined) {
    return { action: 'ignore', reason: 'bot_author' };
  }
  if (!USER_MESSAGE_TYPES.includes(message.type)) return { action: 'ignore', reason: 'system_message' };
  const where = locateMessage(message, context);
  if (!where) return { action: 'ignore', reason: 'outside_support_channels' };

  const text = resolveMentions(message.content, message, context);
  const attachments = toAttachments(message);
  const from: Participant = {
    id: message.author.id,
    name: displayNameOf(message.author, message.member?.nick),
    role: 'customer',
  };
  const replyContext: ReplyContext = {
    messageId: message.id,
    channelId: message.channel_id,
    ...(message.message_reference?.message_id ? { inReplyTo: message.message_reference.message_id } : {}),
  };
  const at = Date.parse(message.timestamp);
  const base = {
    id: message.id,
    ref: where.ref,
    at: Number.isNaN(at) ? snowflakeTime(message.id) : at,
    raw: message,
    replyContext,
  };
  const event: InboundEvent =
    text === '' && attachments.length === 0
      ? {
          ...base,
          kind: 'system',
          type: 'unsupported_content',
          detail: message.sticker_items?.length ? 'sticker' : 'message without text or files',
        }
      : ({
          ...base,
          kind: 'message',
          from,
          text,
          ...(attachments.length > 0 ? { attachments } : {}),
        } satisfies InboundMessage);
  return where.startsThread
    ? {
        action: 'ingest',
        event,
        startThread: {
          channelId: message.channel_id,
          messageId: message.id,
          authorName: from.name ?? message.author.username,
          text,
        },
      }
    : { action: 'ingest', event };
}

/**
 * Replaces Discord's mention markup with readable names: `<@id>` → `@Name` (the bot's
 * own mention, which only addresses it, is dropped), `<@&id>` → `@role`, `<#id>` →
 * `#channel`, custom emoji → `:name:`, timestamps → ISO dates.
 * @see https://discord.com/developers/docs/reference#message-formatting
 */
export function resolveMentions(
  content: string,
  message: Pick<DiscordMessagePayload, 'mentions'>,
  context: Pick<ParseContext, 'botUserId' | 'roleNames' | 'channelNames'>,
): string {
  const users = new Map(message.mentions.map((m) => [m.id, displayNameOf(m, m.member?.nick)]));
  return content
    .replace(/<@!?(\d+)>/g, (_, id: string) =>
      id === context.botUserId ? '' : `@${users.get(id) ?? 'unknown-user'}`,
    )
    .replace(/<@&(\d+)>/g, (_, id: string) => `@${context.roleNames?.get(id) ?? 'role'}`)
    .replace(/<#(\d+)>/g, (_, id: string) => `#${context.channelNames?.get(id) ?? 'channel'}`)
    .replace(/<a?:(\w{2,32}):\d+>/g, ':$1:')
    .replace(/<t:(-?\d{1,13})(?::[tTdDfFR])?>/g, (match, seconds: string) => {
      const date = new Date(Number(seconds) * 1000);
      return Number.isNaN(date.getTime()) ? match : date.toISOString();
    })
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

function toAttachments(message: DiscordMessagePayload): Attachment[] {
  return message.attachments.map((a) => ({
    kind: attachmentKind(a.content_type),
    url: a.url,
    name: a.filename,
    sizeBytes: a.size,
    ...(a.content_type ? { mimeType: a.content_type } : {}),
  }));
}

function attachmentKind(contentType: string | undefined): Attachment['kind'] {
  const major = contentType?.split('/')[0];
  if (major === 'image' || major === 'audio' || major === 'video') return major;
  return 'document';
}

export type ParsedInteraction =
  | { readonly action: 'ignore'; readonly reason: IgnoreReason }
  /** Not ours to act on: answered with an ephemeral refusal, never given to the engine. */
  | {
      readonly action: 'refuse';
      readonly reason: 'invalid_custom_id' | 'outside_support_channels';
    }
  | {
      readonly action: 'ingest';
      readonly event: InboundMessage;
      readonly clicker: Participant;
    };

/**
 * Maps a button click to the choice it stands for. The click's conversation comes
 * from where it happened (DM channel and user, or support thread); its `custom_id`
 * must verify for that conversation (see `custom-id.ts`), so a crafted id or a
 * button copied from another conversation is refused.
 */
export function parseDiscordInteraction(
  interaction: DiscordInteractionPayload,
  context: Pick<ParseContext, 'supportChannelIds' | 'threadParentId'> & { readonly customIdKey: Buffer },
): ParsedInteraction {
  const customId = interaction.data?.custom_id;
  if (
    interaction.type !== INTERACTION_TYPE_COMPONENT ||
    interaction.data?.component_type !== COMPONENT_TYPE_BUTTON ||
    customId === undefined
  ) {
    return { action: 'ignore', reason: 'unsupported_interaction' };
  }
  const user = interaction.member?.user ?? interaction.user;
  const channelId = interaction.channel_id ?? interaction.channel?.id;
  if (!user || !channelId) return { action: 'ignore', reason: 'unsupported_interaction' };
  if (user.bot) return { action: 'ignore', reason: 'bot_author' };

  let ref: ConversationRef;
  if (interaction.guild_id === undefined) {
    ref = { platform: DISCORD_PLATFORM, workspace: DM_WORKSPACE, channel: channelId, threadOrUser: user.id };
  } else {
    const parent = interaction.channel?.parent_id ?? context.threadParentId;
    if (!parent || !context.supportChannelIds.has(parent)) {
      return { action: 'refuse', reason: 'outside_support_channels' };
    }
    ref = {
      platform: DISCORD_PLATFORM,
      workspace: interaction.guild_id,
      channel: parent,
      threadOrUser: channelId,
    };
  }
  const choice = verifyCustomId(context.customIdKey, toConversationKey(ref), customId);
  if (!choice) return { action: 'refuse', reason: 'invalid_custom_id' };

  const clicker: Participant = {
    id: user.id,
    name: displayNameOf(user, interaction.member?.nick),
    role: 'customer',
  };
  const label = interaction.message?.components
    .flatMap((row) => row.components)
    .find((c) => c.custom_id === customId)?.label;
  const replyContext: ReplyContext = {
    channelId,
    interactionId: interaction.id,
    interactionToken: interaction.token,
    applicationId: interaction.application_id,
    ...(interaction.message ? { messageId: interaction.message.id } : {}),
  };
  const event: InboundMessage = {
    kind: 'message',
    id: interaction.id,
    ref,
    at: snowflakeTime(interaction.id),
    from: clicker,
    // The engine matches a typed number against the offered choices when the id did not fit.
    text: choice.kind === 'index' ? String(choice.index + 1) : (label ?? choice.choiceId),
    ...(choice.kind === 'choice' ? { choiceId: choice.choiceId } : {}),
    replyContext,
    raw: interaction,
  };
  return { action: 'ingest', event, clicker };
}
