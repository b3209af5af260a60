import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** `../shared/fixtures` beside the repository. */
const SHARED = resolve(import.meta.dirname, '../../../../shared/fixtures');

type Json = Record<string, unknown>;

/** A gateway frame `{op, t, s, d}` as stored in `../shared/fixtures/discord-*.json`. */
export interface GatewayFrame {
  readonly op: number;
  readonly t: string;
  readonly s: number;
  readonly d: Json;
}

/** A fresh copy of a shared Discord fixture frame (`discord-message-create-dm.json`, ...). */
export function discordFixture(name: string): GatewayFrame {
  return JSON.parse(readFileSync(resolve(SHARED, name), 'utf8')) as GatewayFrame;
}

/** The ids the shared fixtures use (see `../shared/fixtures/README.md`). */
export const IDS = {
  bot: '1456123000000000001',
  application: '1456123000000000001',
  guild: '1456123200000000010',
  supportChannel: '1456123200000000011',
  /** A guild text channel that is not a support channel. */
  otherChannel: '1456123200000000012',
  dmChannel: '1456123400000000020',
  customer: '1456123300000000030',
  everyoneRole: '1456123200000000010',
  staffRole: '1456123000000000500',
} as const;

export const BOT_USER = {
  id: IDS.bot,
  username: 'acme-support',
  global_name: null,
  discriminator: '0',
  bot: true,
  avatar: null,
  public_flags: 0,
  flags: 0,
} as const;

/** A second customer, for "another conversation" checks. */
export const OTHER_CUSTOMER = {
  id: '1456123300000000031',
  username: 'plum.tree',
  global_name: 'Plum',
  discriminator: '0',
  avatar: null,
  public_flags: 0,
} as const;
export const OTHER_DM_CHANNEL = '1456123400000000021';

/** Customer of the fixtures (the author of the DM and guild messages). */
export function customerUser(): Json {
  return discordFixture('discord-message-create-dm.json').d.author as Json;
}

/** A DM MESSAGE_CREATE payload built from the DM fixture. */
export function dmMessage(overrides: { id: string; content: string } & Json): Json {
  return { ...discordFixture('discord-message-create-dm.json').d, ...overrides };
}

/** A guild MESSAGE_CREATE payload (support channel by default) built from the guild fixture. */
export function guildMessage(overrides: { id: string; content: string } & Json): Json {
  return { ...discordFixture('discord-message-create-guild.json').d, ...overrides };
}

/** A MESSAGE_CREATE inside a thread (`channel_id` = thread id, `channel_type` 11). */
export function threadMessage(overrides: { id: string; content: string; channel_id: string } & Json): Json {
  return {
    ...discordFixture('discord-message-create-guild.json').d,
    mentions: [],
    channel_type: 11,
    ...overrides,
  };
}

/**
 * A button click built from the interaction fixture: `message` is the clicked
 * message (with its components, as Discord sends it back), `customId` the button's.
 */
export function buttonClick(options: {
  readonly id: string;
  readonly customId: string;
  readonly message: Json;
  readonly channelId?: string;
  readonly user?: Json;
  readonly token?: string;
  /** For clicks in a guild thread. */
  readonly guild?: { readonly guildId: string; readonly parentId: string };
}): Json {
  const base = discordFixture('discord-interaction-button.json').d;
  const channelId = options.channelId ?? IDS.dmChannel;
  const user = options.user ?? (base.user as Json);
  const click: Json = {
    ...base,
    id: options.id,
    token: options.token ?? `token-${options.id}`,
    channel_id: channelId,
    data: { custom_id: options.customId, component_type: 2, id: 2 },
    message: options.message,
  };
  if (options.guild) {
    const { user: _dmUser, ...rest } = click;
    return {
      ...rest,
      guild_id: options.guild.guildId,
      context: 0,
      authorizing_integration_owners: { '0': options.guild.guildId },
      member: { user, nick: null, roles: [], joined_at: '2025-12-20T18:42:11.000000+00:00' },
      channel: {
        id: channelId,
        type: 11,
        parent_id: options.guild.parentId,
        guild_id: options.guild.guildId,
      },
    };
  }
  return { ...click, user, channel: { id: channelId, type: 1, flags: 0 } };
}

/** GUILD_CREATE for the fixture guild: a support channel and one other text channel. */
export function guildCreate(): Json {
  const now = new Date().toISOString();
  const textChannel = (id: string, name: string, position: number) => ({
    id,
    type: 0,
    name,
    position,
    permission_overwrites: [],
    parent_id: null,
    guild_id: IDS.guild,
  });
  return {
    id: IDS.guild,
    name: 'Acme',
    icon: null,
    owner_id: IDS.customer,
    roles: [
      {
        id: IDS.everyoneRole,
        name: '@everyone',
        permissions: '0',
        position: 0,
        color: 0,
        hoist: false,
        managed: false,
        mentionable: false,
        flags: 0,
      },
      {
        id: IDS.staffRole,
        name: 'staff',
        permissions: '0',
        position: 1,
        color: 0,
        hoist: false,
        managed: false,
        mentionable: true,
        flags: 0,
      },
    ],
    emojis: [],
    features: [],
    member_count: 3,
    large: false,
    unavailable: false,
    joined_at: now,
    channels: [textChannel(IDS.supportChannel, 'help', 0), textChannel(IDS.otherChannel, 'general', 1)],
    threads: [],
    members: [],
    voice_states: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    system_channel_flags: 0,
    premium_tier: 0,
    preferred_locale: 'en-US',
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
  };
}
