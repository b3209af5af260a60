import type { Capabilities } from '../../src/model/capabilities.ts';

/** Platform id of Discord conversations. */
export const DISCORD_PLATFORM = 'discord';

/** `ConversationRef.workspace` of DM conversations (Discord's own name for the DM "guild"). */
export const DM_WORKSPACE = '@me';

/**
 * Longest `content` of one message.
 * @see https://discord.com/developers/docs/resources/message#create-message-jsonform-params
 */
export const MAX_CONTENT_LENGTH = 2000;

/**
 * Buttons per action row and action rows per (non Components V2) message.
 * @see https://discord.com/developers/docs/components/reference#action-row
 */
export const MAX_BUTTONS_PER_ROW = 5;
export const MAX_ACTION_ROWS = 5;

/**
 * Rows the renderer gives to choices; one row stays free for citation link buttons.
 */
export const MAX_CHOICE_ROWS = MAX_ACTION_ROWS - 1;

/**
 * `custom_id` length (1–100) and button `label` length (≤ 80).
 * @see https://discord.com/developers/docs/components/reference#button
 */
export const MAX_CUSTOM_ID_LENGTH = 100;
export const MAX_BUTTON_LABEL_LENGTH = 80;

/**
 * Embed limits used by the sources embed.
 * @see https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 */
export const MAX_EMBED_TITLE_LENGTH = 256;
export const MAX_EMBED_DESCRIPTION_LENGTH = 4096;

/**
 * `nonce` is at most 25 characters; with `enforce_nonce` Discord returns the earlier
 * message instead of posting a second one within its dedupe window (a few minutes).
 * @see https://discord.com/developers/docs/resources/message#create-message-jsonform-params
 */
export const MAX_NONCE_LENGTH = 25;

/**
 * Thread `name` (1–100) and the auto-archive duration we ask for (one day; allowed:
 * 60, 1440, 4320, 10080 minutes).
 * @see https://discord.com/developers/docs/resources/channel#start-thread-from-message
 */
export const MAX_THREAD_NAME_LENGTH = 100;
export const THREAD_AUTO_ARCHIVE_MINUTES = 1440;

/**
 * A typing indicator lasts 10 s; it is repeated this often while a turn runs, and
 * never longer than `TYPING_MAX_MS` (a turn that long has failed or is retrying).
 * @see https://discord.com/developers/docs/resources/channel#trigger-typing-indicator
 */
export const TYPING_REFRESH_MS = 8_000;
export const TYPING_MAX_MS = 60_000;

/**
 * Interaction tokens stay valid 15 minutes for follow-ups; our deferred-interaction
 * record expires a little earlier so we never use a dead token.
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#followup-messages
 */
export const INTERACTION_TOKEN_TTL_MS = 14 * 60_000;

/** How long the adapter remembers a thread it opened (thread → conversation, customer). */
export const THREAD_STATE_TTL_MS = 30 * 24 * 3600_000;

/** How long an interaction id is remembered, so a replayed INTERACTION_CREATE is not acknowledged twice. */
export const INTERACTION_SEEN_TTL_MS = 60 * 60_000;

/**
 * Message types that carry something a person wrote: DEFAULT (0) and REPLY (19).
 * Everything else (thread created, pins, joins, ...) is a system message.
 * @see https://discord.com/developers/docs/resources/message#message-object-message-types
 */
export const USER_MESSAGE_TYPES: readonly number[] = [0, 19];

/** Channel types: DM (1), public thread (11), private thread (12). */
export const CHANNEL_TYPE_DM = 1;
export const THREAD_CHANNEL_TYPES: readonly number[] = [11, 12];

/**
 * Interaction and component types we handle: MESSAGE_COMPONENT (3), BUTTON (2).
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object-interaction-type
 */
export const INTERACTION_TYPE_COMPONENT = 3;
export const COMPONENT_TYPE_BUTTON = 2;

/**
 * Interaction callback types.
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-interaction-callback-type
 */
export const CALLBACK_CHANNEL_MESSAGE = 4;
export const CALLBACK_DEFERRED_UPDATE_MESSAGE = 6;

/** Message flag EPHEMERAL (1 << 6): only the clicking user sees the message. */
export const FLAG_EPHEMERAL = 1 << 6;

/**
 * JSON error codes the transport translates.
 * @see https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes
 */
export const DISCORD_ERROR = {
  unknownChannel: 10003,
  unknownMessage: 10008,
  unknownWebhook: 10015,
  unknownInteraction: 10062,
  missingAccess: 50001,
  cannotDmUser: 50007,
  missingPermissions: 50013,
  alreadyAcknowledged: 40060,
  threadAlreadyCreated: 160004,
  threadLocked: 160005,
} as const;

/**
 * Gateway close code when a privileged intent (Message Content) is not enabled.
 * @see https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-close-event-codes
 */
export const CLOSE_DISALLOWED_INTENTS = 4014;

/**
 * What a Discord channel shows: 2,000-character messages (longer text is split),
 * up to 20 buttons (4 rows of 5, the fifth row holds citation links), no list
 * picker (string selects are not used), no reply window.
 */
export const DISCORD_CAPABILITIES = {
  maxTextLength: MAX_CONTENT_LENGTH,
  maxButtons: MAX_CHOICE_ROWS * MAX_BUTTONS_PER_ROW,
  maxListItems: 0,
} as const satisfies Capabilities;
