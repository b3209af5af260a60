import { z } from 'zod';

/**
 * The parts of Discord's gateway payloads the adapter reads, validated with zod so a
 * malformed frame is logged and skipped instead of crashing a handler. Field names
 * follow the API (snake_case); unknown fields pass through untouched.
 * @see https://discord.com/developers/docs/events/gateway-events#message-create
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object
 */

const snowflake = z.string().regex(/^\d{1,20}$/, 'must be a snowflake');

export const userSchema = z.looseObject({
  id: snowflake,
  username: z.string(),
  global_name: z.string().nullish(),
  bot: z.boolean().optional(),
  system: z.boolean().optional(),
});
export type DiscordUser = z.infer<typeof userSchema>;

const memberSchema = z.looseObject({ nick: z.string().nullish() });

export const attachmentSchema = z.looseObject({
  id: snowflake,
  filename: z.string(),
  size: z.number().int().nonnegative(),
  url: z.string(),
  content_type: z.string().optional(),
});

export const buttonSchema = z.looseObject({
  type: z.number(),
  style: z.number().optional(),
  label: z.string().optional(),
  custom_id: z.string().optional(),
  url: z.string().optional(),
  disabled: z.boolean().optional(),
});

export const actionRowSchema = z.looseObject({
  type: z.number(),
  components: z.array(buttonSchema).default([]),
});

export const messageSchema = z.looseObject({
  id: snowflake,
  channel_id: snowflake,
  guild_id: snowflake.optional(),
  /** Present on gateway MESSAGE_CREATE since 2025; discord.js ≥ 14.26.4 needs it for DMs. */
  channel_type: z.number().optional(),
  author: userSchema,
  member: memberSchema.optional(),
  content: z.string().default(''),
  timestamp: z.string(),
  type: z.number().default(0),
  webhook_id: snowflake.optional(),
  mentions: z.array(userSchema.extend({ member: memberSchema.optional() })).default([]),
  attachments: z.array(attachmentSchema).default([]),
  sticker_items: z.array(z.looseObject({ id: snowflake, name: z.string() })).optional(),
  message_reference: z
    .looseObject({ message_id: snowflake.optional(), channel_id: snowflake.optional() })
    .optional(),
  components: z.array(actionRowSchema).default([]),
});
export type DiscordMessagePayload = z.infer<typeof messageSchema>;

export const interactionSchema = z.looseObject({
  id: snowflake,
  application_id: snowflake,
  type: z.number(),
  token: z.string().min(1),
  guild_id: snowflake.optional(),
  channel_id: snowflake.optional(),
  channel: z.looseObject({ id: snowflake, type: z.number(), parent_id: snowflake.nullish() }).optional(),
  /** Guild interactions carry `member.user`; DM interactions carry `user`. */
  member: z.looseObject({ user: userSchema, nick: z.string().nullish() }).optional(),
  user: userSchema.optional(),
  data: z.looseObject({ custom_id: z.string().optional(), component_type: z.number().optional() }).optional(),
  message: z
    .looseObject({
      id: snowflake,
      channel_id: snowflake,
      components: z.array(actionRowSchema).default([]),
    })
    .optional(),
});
export type DiscordInteractionPayload = z.infer<typeof interactionSchema>;

/** Button styles. @see https://discord.com/developers/docs/components/reference#button-button-styles */
export const ButtonStyle = { primary: 1, secondary: 2, success: 3, link: 5 } as const;

export interface DiscordButton {
  readonly type: 2;
  readonly style: number;
  readonly label: string;
  readonly custom_id?: string;
  readonly url?: string;
  readonly disabled?: boolean;
}

export interface DiscordActionRow {
  readonly type: 1;
  readonly components: readonly DiscordButton[];
}

export interface DiscordEmbed {
  readonly title?: string;
  readonly description?: string;
}

/** `allowed_mentions` with nothing parsed: no `@everyone`, role or user ping from our text. */
export interface NoMentions {
  readonly parse: readonly [];
}

/**
 * Body of `POST /channels/{id}/messages` (and of webhook follow-ups and edits, which
 * ignore `nonce`). Every body the renderer builds carries `allowed_mentions: {parse: []}`.
 */
export interface DiscordMessageBody {
  readonly content?: string;
  readonly components?: readonly DiscordActionRow[];
  readonly embeds?: readonly DiscordEmbed[];
  readonly allowed_mentions: NoMentions;
  readonly nonce?: string;
  readonly enforce_nonce?: boolean;
  readonly flags?: number;
}
