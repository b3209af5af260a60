import type { Capabilities } from '../../src/model/capabilities.ts';

/** Platform id of Slack conversations (customer DMs in a tester workspace). */
export const SLACK_PLATFORM = 'slack';

/** Name of the Slack desk face (key of `ticket.deskRefs`). */
export const SLACK_FACE = 'slack';

/**
 * Longest `text` we send in one message; Slack truncates far later (40,000) but
 * recommends 4,000 and `chat.update` refuses more with `msg_too_long`.
 * @see https://docs.slack.dev/reference/methods/chat.postMessage
 * @see https://docs.slack.dev/reference/methods/chat.update
 */
export const SLACK_TEXT_MAX = 4000;

/**
 * Text of one section block.
 * @see https://docs.slack.dev/reference/block-kit/blocks/section-block
 */
export const SLACK_SECTION_TEXT_MAX = 3000;

/**
 * Items in a section's `fields` and the length of each.
 * @see https://docs.slack.dev/reference/block-kit/blocks/section-block
 */
export const SLACK_SECTION_FIELDS_MAX = 10;
export const SLACK_SECTION_FIELD_TEXT_MAX = 2000;

/**
 * Blocks in one message (100 only in modals and the Home tab).
 * @see https://docs.slack.dev/reference/block-kit/blocks
 */
export const SLACK_BLOCKS_MAX = 50;

/**
 * Elements in one actions block.
 * @see https://docs.slack.dev/reference/block-kit/blocks/actions-block
 */
export const SLACK_ACTIONS_ELEMENTS_MAX = 25;

/**
 * Button label (plain text; Slack may cut it visually around 30) and value.
 * @see https://docs.slack.dev/reference/block-kit/block-elements/button-element
 */
export const SLACK_BUTTON_TEXT_MAX = 75;
export const SLACK_BUTTON_VALUE_MAX = 2000;

/**
 * `action_id` and `block_id` length.
 * @see https://docs.slack.dev/reference/block-kit/block-elements/button-element
 */
export const SLACK_ACTION_ID_MAX = 255;

/**
 * Context block elements.
 * @see https://docs.slack.dev/reference/block-kit/blocks/context-block
 */
export const SLACK_CONTEXT_ELEMENTS_MAX = 10;

/** The path Bolt serves events, interactivity and slash commands on (one Request URL for all three). */
export const SLACK_EVENTS_PATH = '/slack/events';

/** Button action ids of the handoff card (deployments and docs rely on them). */
export const HANDOFF_ACTIONS = {
  claim: 'handoff_claim',
  resolve: 'handoff_resolve',
  escalate: 'handoff_escalate',
} as const;

/** Prefix of the action ids of choice buttons we send to customers in DMs (`choice:<id>`). */
export const CHOICE_ACTION_PREFIX = 'choice:';

/** The one slash command. */
export const SLASH_COMMAND = '/switchboard';

/** A staff reply starting with this is an internal note: kept on the ticket, never sent to the customer. */
export const INTERNAL_NOTE_PREFIX = '//';

/** Reaction added to a staff reply once it reached the customer. */
export const DELIVERED_REACTION = 'white_check_mark';

/** How long user-group membership is cached before `usergroups.users.list` is asked again. */
export const STAFF_GROUP_CACHE_MS = 60_000;

/** How long a user's display name is cached (mentions in staff replies). */
export const USER_NAME_CACHE_MS = 10 * 60_000;

/** How long the Slack face remembers effects it performed (idempotency keys) and DM channels. */
export const DONE_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * Customer-channel capabilities of a Slack DM: text in a section block (3,000; the
 * renderer splits longer answers), choices as buttons in one actions block (25
 * elements), no list picker.
 * @see https://docs.slack.dev/reference/block-kit/blocks/actions-block
 */
export const SLACK_CAPABILITIES = {
  maxTextLength: SLACK_SECTION_TEXT_MAX,
  maxButtons: SLACK_ACTIONS_ELEMENTS_MAX,
  maxListItems: 0,
} as const satisfies Capabilities;

/**
 * Bot scope each Web API method we call needs (`null`: no bot scope, e.g. the manifest
 * methods take an app configuration token). `test/meta/manifest.test.ts` scans the
 * adapter and the `manifest` command for the methods they call and checks that every
 * one is listed here and that `manifest.yml` asks exactly for the scopes in use.
 * @see https://docs.slack.dev/reference/methods
 */
export const SLACK_METHOD_SCOPES = {
  'auth.test': null,
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.getPermalink': null,
  'reactions.add': 'reactions:write',
  'usergroups.users.list': 'usergroups:read',
  'users.info': 'users:read',
  'apps.manifest.validate': null,
  'apps.manifest.create': null,
} as const satisfies Record<string, string | null>;

export type SlackMethod = keyof typeof SLACK_METHOD_SCOPES;

/**
 * Bot scope each subscribed bot event needs.
 * @see https://docs.slack.dev/reference/events/message.channels
 * @see https://docs.slack.dev/reference/events/message.groups
 * @see https://docs.slack.dev/reference/events/message.im
 */
export const SLACK_EVENT_SCOPES = {
  'message.channels': 'channels:history',
  'message.groups': 'groups:history',
  'message.im': 'im:history',
} as const satisfies Record<string, string>;

/** Scope slash commands need. @see https://docs.slack.dev/interactivity/implementing-slash-commands */
export const SLACK_COMMANDS_SCOPE = 'commands';
