import type { ConversationRef, Participant } from '../../src/model/conversation-ref.ts';
import type { Attachment, InboundAction, InboundMessage } from '../../src/model/inbound-event.ts';
import { DESK_REPLY_CONTEXT } from '../../src/ports/desk-face.ts';
import {
  CHOICE_ACTION_PREFIX,
  HANDOFF_ACTIONS,
  INTERNAL_NOTE_PREFIX,
  SLACK_FACE,
  SLACK_PLATFORM,
} from './limits.ts';
import type { SlackFile, SlackMessageEvent } from './types.ts';

/**
 * Pure translation of Slack payloads (events, `block_actions`, slash commands) into
 * the message model, and of Slack markup into neutral markdown. No SDK imports, no
 * I/O: everything here is tested with the fixtures.
 */

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/** Slack `ts` (`"1767229000.000200"`, seconds) to epoch milliseconds. */
export function slackTsToMs(ts: string | undefined, fallback: number): number {
  const seconds = Number(ts);
  return Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : fallback;
}

/**
 * The conversation of a tester who DMs the bot. The channel part is the constant `im`
 * rather than the DM channel id, so `/switchboard reset` typed in any channel finds the
 * same conversation; replies go to the DM channel remembered from the last message.
 */
export function dmRef(teamId: string, userId: string): ConversationRef {
  return { platform: SLACK_PLATFORM, workspace: teamId, channel: 'im', threadOrUser: userId };
}

/** What a handoff button carries: the ticket, and the escalation level the clicker saw. */
export interface ButtonValue {
  readonly ticketId: string;
  readonly level: number | null;
}

/** Encodes a handoff button's `value` (JSON; parsed back by `parseButtonValue`). */
export function encodeButtonValue(value: ButtonValue): string {
  return JSON.stringify({ ticket: value.ticketId, level: value.level });
}

/** Decodes a handoff button's `value`; a bare ticket id (older cards) has no level. */
export function parseButtonValue(raw: string): ButtonValue | null {
  const trimmed = raw.trim();
  if (trimmed.length === 0) return null;
  if (!trimmed.startsWith('{')) return { ticketId: trimmed, level: null };
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (!isRecord(parsed)) return null;
    const ticketId = str(parsed.ticket);
    if (!ticketId) return null;
    const level =
      typeof parsed.level === 'number' && Number.isInteger(parsed.level) && parsed.level >= 0
        ? parsed.level
        : null;
    return { ticketId, level };
  } catch {
    return null;
  }
}

export type HandoffActionId = (typeof HANDOFF_ACTIONS)[keyof typeof HANDOFF_ACTIONS];
const HANDOFF_ACTION_IDS: readonly string[] = Object.values(HANDOFF_ACTIONS);

/** A click on one of the handoff card's buttons. */
export interface DeskClick {
  readonly actionId: HandoffActionId;
  readonly ticketId: string;
  readonly fromLevel: number | null;
  readonly user: { readonly id: string; readonly name?: string };
  readonly teamId: string | undefined;
  readonly channel: string;
  readonly messageTs: string;
  readonly actionTs: string;
  readonly responseUrl: string | undefined;
}

/**
 * Reads a `block_actions` payload for a handoff button; null when it is not one or
 * lacks what we need (then the click is acknowledged and logged, nothing else).
 * @see https://docs.slack.dev/reference/interaction-payloads/block_actions-payload
 */
export function parseDeskClick(body: unknown): DeskClick | null {
  if (!isRecord(body) || body.type !== 'block_actions' || !Array.isArray(body.actions)) return null;
  const action: unknown = body.actions[0];
  if (!isRecord(action)) return null;
  const actionId = str(action.action_id);
  if (!actionId || !HANDOFF_ACTION_IDS.includes(actionId)) return null;
  const value = parseButtonValue(str(action.value) ?? '');
  const user = isRecord(body.user) ? body.user : {};
  const userId = str(user.id);
  const container = isRecord(body.container) ? body.container : {};
  const channel = str(container.channel_id) ?? (isRecord(body.channel) ? str(body.channel.id) : undefined);
  const messageTs = str(container.message_ts) ?? (isRecord(body.message) ? str(body.message.ts) : undefined);
  const actionTs = str(action.action_ts);
  if (!value || !userId || !channel || !messageTs || !actionTs) return null;
  const name = str(user.name) ?? str(user.username);
  const teamId = isRecord(body.team) ? str(body.team.id) : str(user.team_id);
  return {
    actionId: actionId as HandoffActionId,
    ticketId: value.ticketId,
    fromLevel: value.level,
    user: name ? { id: userId, name } : { id: userId },
    teamId,
    channel,
    messageTs,
    actionTs,
    responseUrl: str(body.response_url),
  };
}

/** A Slack user acting as staff. */
export function staffParticipant(user: { readonly id: string; readonly name?: string }): Participant {
  return user.name ? { id: user.id, name: user.name, role: 'staff' } : { id: user.id, role: 'staff' };
}

/**
 * The desk action for a click. Its id is stable per click (`action_ts` + user), so a
 * payload delivered twice is one event for the engine's dedupe; Slack itself does not
 * retry interactivity.
 */
export function toDeskAction(
  click: DeskClick,
  ticket: { id: string; ref: ConversationRef },
  at: number,
): InboundAction {
  const action: InboundAction['action'] =
    click.actionId === HANDOFF_ACTIONS.claim
      ? { type: 'claim' }
      : click.actionId === HANDOFF_ACTIONS.resolve
        ? { type: 'resolve' }
        : click.fromLevel === null
          ? { type: 'escalate' }
          : { type: 'escalate', fromLevel: click.fromLevel };
  const replyContext: Record<string, string> = {
    channel: click.channel,
    user: click.user.id,
    ts: click.messageTs,
    [DESK_REPLY_CONTEXT.face]: SLACK_FACE,
    [DESK_REPLY_CONTEXT.actor]: click.user.id,
  };
  if (click.responseUrl) replyContext.response_url = click.responseUrl;
  return {
    kind: 'action',
    id: `slack-action:${click.actionTs}:${click.user.id}`,
    ref: ticket.ref,
    at,
    actor: staffParticipant(click.user),
    action,
    ticketId: ticket.id,
    replyContext,
  };
}

/** How a `message` event is handled. */
export type MessageRoute =
  | { readonly kind: 'ignore'; readonly reason: string }
  /** A tester's DM to the bot: a customer message. */
  | {
      readonly kind: 'dm';
      readonly channel: string;
      readonly user: string;
      readonly text: string;
      readonly ts: string;
      readonly files: readonly SlackFile[];
    }
  /** A human reply inside a thread of a (possibly) handoff card. */
  | {
      readonly kind: 'thread_reply';
      readonly channel: string;
      readonly user: string;
      readonly text: string;
      readonly ts: string;
      readonly threadTs: string;
      /** Starts with `//`: an internal note, never relayed. */
      readonly note: boolean;
      readonly files: readonly SlackFile[];
    }
  /** A human edited a thread reply: edits are not relayed (the editor is told so). */
  | {
      readonly kind: 'edit';
      readonly channel: string;
      readonly user: string;
      readonly threadTs: string;
      readonly ts: string;
    };

/** Subtypes that still carry a human's new message. @see https://docs.slack.dev/reference/events/message */
const HUMAN_SUBTYPES = new Set(['file_share', 'thread_broadcast']);

/** Whether text is an internal note (`// ...`). */
export function isInternalNote(text: string): boolean {
  return text.trimStart().startsWith(INTERNAL_NOTE_PREFIX);
}

/** The note without its `//` marker. */
export function noteText(text: string): string {
  return text.trimStart().slice(INTERNAL_NOTE_PREFIX.length).trim();
}

/**
 * Decides what a `message` event is. Relay-loop and leak rules (platforms.md §1.5):
 * anything with `bot_id` (our own posts included) or `subtype: bot_message` is
 * ignored; edits (`message_changed`) are never relayed as new replies and deletions
 * are ignored, because the customer already has the original; top-level channel
 * messages are not part of any handoff; `channelTypes` lists the channel types we
 * subscribed to (others are ignored).
 * @see https://docs.slack.dev/reference/events/message
 */
export function routeMessageEvent(event: SlackMessageEvent, channelTypes: readonly string[]): MessageRoute {
  const channelType = event.channel_type ?? '';
  if (!channelTypes.includes(channelType)) return { kind: 'ignore', reason: 'channel_type' };
  if (event.bot_id || event.subtype === 'bot_message') return { kind: 'ignore', reason: 'bot' };
  if (event.subtype === 'message_changed') {
    const next = event.message;
    const before = event.previous_message;
    if (
      channelType !== 'im' &&
      next &&
      event.channel &&
      next.user &&
      !next.bot_id &&
      next.ts &&
      next.thread_ts &&
      next.thread_ts !== next.ts &&
      (next.text ?? '') !== (before?.text ?? '') &&
      !isInternalNote(before?.text ?? next.text ?? '')
    ) {
      return { kind: 'edit', channel: event.channel, user: next.user, threadTs: next.thread_ts, ts: next.ts };
    }
    return { kind: 'ignore', reason: 'edit' };
  }
  if (event.subtype === 'message_deleted') return { kind: 'ignore', reason: 'deletion' };
  if (event.subtype && !HUMAN_SUBTYPES.has(event.subtype)) return { kind: 'ignore', reason: 'subtype' };
  if (!event.channel || !event.user || !event.ts) return { kind: 'ignore', reason: 'incomplete' };
  const text = event.text ?? '';
  const files = event.files ?? [];
  if (channelType === 'im') {
    return { kind: 'dm', channel: event.channel, user: event.user, text, ts: event.ts, files };
  }
  if (!event.thread_ts || event.thread_ts === event.ts) return { kind: 'ignore', reason: 'top_level' };
  return {
    kind: 'thread_reply',
    channel: event.channel,
    user: event.user,
    text,
    ts: event.ts,
    threadTs: event.thread_ts,
    note: isInternalNote(text),
    files,
  };
}

/** Attachment kind from a MIME type. */
function attachmentKind(mime: string | undefined): Attachment['kind'] {
  if (!mime) return 'other';
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('application/') || mime.startsWith('text/')) return 'document';
  return 'other';
}

/** Files of a message as attachments (Slack URLs need the bot token to download). */
export function toAttachments(files: readonly SlackFile[]): Attachment[] {
  return files.map((file) => {
    const attachment: { -readonly [K in keyof Attachment]: Attachment[K] } = {
      kind: attachmentKind(file.mimetype),
    };
    const url = file.url_private ?? file.permalink;
    if (url) attachment.url = url;
    if (file.id) attachment.mediaId = file.id;
    const name = file.name ?? file.title;
    if (name) attachment.name = name;
    if (file.mimetype) attachment.mimeType = file.mimetype;
    if (typeof file.size === 'number') attachment.sizeBytes = file.size;
    return attachment;
  });
}

/**
 * A tester's DM as a customer message. The id is the envelope's `event_id`, which
 * Slack keeps on retries, so the engine's dedupe drops redeliveries.
 */
export function toCustomerMessage(args: {
  readonly eventId: string;
  readonly teamId: string;
  readonly route: Extract<MessageRoute, { kind: 'dm' }>;
  /** The text already decoded from Slack markup. */
  readonly text: string;
  readonly userName?: string;
  readonly now: number;
}): InboundMessage {
  const { route } = args;
  const attachments = toAttachments(route.files);
  return {
    kind: 'message',
    id: args.eventId,
    ref: dmRef(args.teamId, route.user),
    at: slackTsToMs(route.ts, args.now),
    from: args.userName
      ? { id: route.user, name: args.userName, role: 'customer' }
      : { id: route.user, role: 'customer' },
    text: args.text,
    ...(attachments.length > 0 ? { attachments } : {}),
    replyContext: { channel: route.channel, ts: route.ts },
  };
}

/**
 * A staff reply in a handoff thread as a desk action (text only). Its `replyContext` locates the
 * staff message so the ✅ reaction lands on it once the customer got it.
 */
export function toStaffReply(args: {
  readonly eventId: string;
  readonly ticket: { readonly id: string; readonly ref: ConversationRef };
  readonly route: Extract<MessageRoute, { kind: 'thread_reply' }>;
  readonly text: string;
  readonly userName?: string;
  readonly now: number;
}): InboundAction {
  return {
    kind: 'action',
    id: args.eventId,
    ref: args.ticket.ref,
    at: slackTsToMs(args.route.ts, args.now),
    actor: staffParticipant(
      args.userName ? { id: args.route.user, name: args.userName } : { id: args.route.user },
    ),
    // Files shared in Slack live behind the workspace's login: the customer could not open
    // them, so only the text is relayed (the listener tells the author).
    action: { type: 'staff_reply', text: args.text },
    ticketId: args.ticket.id,
    replyContext: {
      channel: args.route.channel,
      ts: args.route.ts,
      user: args.route.user,
      thread_ts: args.route.threadTs,
      [DESK_REPLY_CONTEXT.face]: SLACK_FACE,
      [DESK_REPLY_CONTEXT.actor]: args.route.user,
      [DESK_REPLY_CONTEXT.text]: args.text,
    },
  };
}

/** A click on a choice button we sent in a DM. */
export interface ChoiceClick {
  readonly choiceId: string;
  readonly label: string;
  readonly user: string;
  readonly userName: string | undefined;
  readonly teamId: string;
  readonly channel: string;
  readonly actionTs: string;
}

/** Reads a `block_actions` payload for a `choice:<id>` button; null otherwise. */
export function parseChoiceClick(body: unknown): ChoiceClick | null {
  if (!isRecord(body) || body.type !== 'block_actions' || !Array.isArray(body.actions)) return null;
  const action: unknown = body.actions[0];
  if (!isRecord(action)) return null;
  const actionId = str(action.action_id);
  if (!actionId?.startsWith(CHOICE_ACTION_PREFIX)) return null;
  const choiceId = str(action.value) ?? actionId.slice(CHOICE_ACTION_PREFIX.length);
  const label = isRecord(action.text) ? (str(action.text.text) ?? choiceId) : choiceId;
  const user = isRecord(body.user) ? body.user : {};
  const userId = str(user.id);
  const teamId = (isRecord(body.team) ? str(body.team.id) : undefined) ?? str(user.team_id);
  const container = isRecord(body.container) ? body.container : {};
  const channel = str(container.channel_id) ?? (isRecord(body.channel) ? str(body.channel.id) : undefined);
  const actionTs = str(action.action_ts);
  if (!choiceId || !userId || !teamId || !channel || !actionTs) return null;
  return {
    choiceId,
    label,
    user: userId,
    userName: str(user.name) ?? str(user.username),
    teamId,
    channel,
    actionTs,
  };
}

/** The customer message for a choice click (text is the label, `choiceId` the choice). */
export function toChoiceMessage(click: ChoiceClick, now: number): InboundMessage {
  return {
    kind: 'message',
    id: `slack-choice:${click.actionTs}:${click.user}`,
    ref: dmRef(click.teamId, click.user),
    at: now,
    from: click.userName
      ? { id: click.user, name: click.userName, role: 'customer' }
      : { id: click.user, role: 'customer' },
    text: click.label,
    choiceId: click.choiceId,
    replyContext: { channel: click.channel },
  };
}

/** `/switchboard <sub>`. */
export interface SlashCommand {
  readonly sub: 'reset' | 'debug' | 'help';
  readonly teamId: string;
  readonly userId: string;
  readonly userName: string | undefined;
  readonly channelId: string | undefined;
  readonly triggerId: string | undefined;
}

/**
 * Reads a slash-command payload; unknown sub-commands become `help`.
 * @see https://docs.slack.dev/interactivity/implementing-slash-commands
 */
export function parseSlashCommand(body: unknown): SlashCommand | null {
  if (!isRecord(body)) return null;
  const teamId = str(body.team_id);
  const userId = str(body.user_id);
  if (!teamId || !userId) return null;
  const word = (str(body.text) ?? '').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  const sub = word === 'reset' || word === 'debug' ? word : 'help';
  return {
    sub,
    teamId,
    userId,
    userName: str(body.user_name),
    channelId: str(body.channel_id),
    triggerId: str(body.trigger_id),
  };
}

/** The reset action for `/switchboard reset`. */
export function toResetAction(command: SlashCommand, now: number): InboundAction {
  return {
    kind: 'action',
    id: `slack-command:${command.triggerId ?? `${command.userId}:${now}`}`,
    ref: dmRef(command.teamId, command.userId),
    at: now,
    actor: command.userName
      ? { id: command.userId, name: command.userName, role: 'customer' }
      : { id: command.userId, role: 'customer' },
    action: { type: 'reset' },
    // Only a DM may receive the engine's answer; a command typed in a channel must not post there.
    ...(command.channelId?.startsWith('D') ? { replyContext: { channel: command.channelId } } : {}),
  };
}

/** User ids mentioned as `<@U…>` (resolved to names before decoding). */
export function mentionedUserIds(text: string): string[] {
  const ids = new Set<string>();
  for (const match of text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)) if (match[1]) ids.add(match[1]);
  return [...ids];
}

const decodeEntities = (text: string): string =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** One `<…>` token of Slack markup as plain or markdown text. */
function decodeToken(inner: string, users: ReadonlyMap<string, string>): string {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : decodeEntities(inner.slice(bar + 1));
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return `@${label ?? users.get(id) ?? id}`;
  }
  if (target.startsWith('#')) return `#${label ?? 'channel'}`;
  if (target.startsWith('!')) {
    const special = target.slice(1);
    if (special === 'here' || special === 'channel' || special === 'everyone') return `@${special}`;
    if (special.startsWith('subteam^'))
      return label ? (label.startsWith('@') ? label : `@${label}`) : '@team';
    return label ?? '';
  }
  const url = decodeEntities(target);
  if (url.startsWith('mailto:')) return label ?? url.slice('mailto:'.length);
  if (!label || label === url || `http://${label}` === url || `https://${label}` === url) return url;
  return `[${label}](${url})`;
}

/** Slack's `*bold*`, `_italic_`, `~strike~` as markdown, outside code. */
function decodeEmphasis(text: string): string {
  const open = String.raw`(^|[\s([{"'>])`;
  const close = String.raw`(?=$|[\s)\]}.,;:!?"'<])`;
  return text
    .replace(new RegExp(`${open}\\*(?=\\S)([^*\\n]*?\\S)\\*${close}`, 'g'), '$1**$2**')
    .replace(new RegExp(`${open}~(?=\\S)([^~\\n]*?\\S)~${close}`, 'g'), '$1~~$2~~');
}

/**
 * Slack message markup to neutral markdown (what the engine hands every renderer):
 * `<@U…>` → `@name` (names from `users`, else the id), `<#C…|name>` → `#name`,
 * `<url|label>` → `[label](url)`, `<!here>` → `@here`, `&amp;`/`&lt;`/`&gt;` → `&`/`<`/`>`,
 * `*bold*` → `**bold**`, `_italic_` stays, `~strike~` → `~~strike~~`. Code spans and
 * blocks keep their content (only entities are decoded).
 * @see https://docs.slack.dev/messaging/formatting-message-text
 */
export function decodeSlackMarkup(text: string, users: ReadonlyMap<string, string> = new Map()): string {
  const parts = text.split(/(```[\s\S]*?```|`[^`\n]+`)/g);
  return parts
    .map((part, index) => {
      if (index % 2 === 1) return decodeEntities(part);
      const withTokens = part.replace(
        /<([^<>]+)>/g,
        (_match, inner: string) =>
          // Markers keep decoded text out of the emphasis pass, so `<url|*x*>` is not re-formatted.
          `\uE000${encodeURIComponent(decodeToken(inner, users))}\uE000`,
      );
      const emphasised = decodeEmphasis(withTokens);
      return decodeEntities(emphasised).replace(/\uE000([^\uE000]*)\uE000/g, (_m, encoded: string) =>
        decodeURIComponent(encoded),
      );
    })
    .join('');
}
