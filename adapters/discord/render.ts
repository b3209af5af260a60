import { createHash } from 'node:crypto';
import type { ConversationRef } from '../../src/model/conversation-ref.ts';
import type { Choice, Citation, OutboundMessage } from '../../src/model/outbound-message.ts';
import { DISCORD_COPY } from './copy.ts';
import { signCustomId } from './custom-id.ts';
import {
  DM_WORKSPACE,
  FLAG_EPHEMERAL,
  MAX_ACTION_ROWS,
  MAX_BUTTONS_PER_ROW,
  MAX_BUTTON_LABEL_LENGTH,
  MAX_CHOICE_ROWS,
  MAX_CONTENT_LENGTH,
  MAX_EMBED_DESCRIPTION_LENGTH,
  MAX_EMBED_TITLE_LENGTH,
  MAX_NONCE_LENGTH,
  MAX_THREAD_NAME_LENGTH,
} from './limits.ts';
import {
  ButtonStyle,
  type DiscordActionRow,
  type DiscordButton,
  type DiscordEmbed,
  type DiscordMessageBody,
  type NoMentions,
} from './types.ts';

/**
 * Pure rendering of the engine's outbound messages into Discord message bodies.
 * Every body carries `allowed_mentions: {parse: []}` (relayed staff text can never
 * ping `@everyone`, a role or a user) and a `nonce` derived from the envelope's
 * idempotency key with `enforce_nonce`, so a resent envelope is not posted twice.
 */

/** Nothing in our text is parsed as a mention. */
export const NO_MENTIONS: NoMentions = { parse: [] };

export interface RenderOptions {
  /** Key that signs button ids (see `custom-id.ts`). */
  readonly customIdKey: Buffer;
  /** Conversation the buttons belong to. */
  readonly conversationKey: string;
  /** The envelope's idempotency key; each part's nonce derives from it. */
  readonly idempotencyKey: string;
}

/**
 * Renders one outbound message as one or more message bodies, in order: text longer
 * than 2,000 characters is split, and buttons and the sources embed go on the last part.
 */
export function renderDiscordMessage(message: OutboundMessage, options: RenderOptions): DiscordMessageBody[] {
  let text: string;
  let choices: readonly Choice[] = [];
  let citations: readonly Citation[] = [];
  switch (message.kind) {
    case 'text':
      text = message.text;
      citations = message.citations ?? [];
      break;
    case 'choices':
      text = message.text;
      choices = message.choices;
      citations = message.citations ?? [];
      break;
    case 'attachment':
      text = [message.text, message.name ? `${message.name}: ${message.url}` : message.url]
        .filter(Boolean)
        .join('\n');
      break;
    case 'handoff_notice':
      text = message.text;
      break;
  }

  const buttonSlots = MAX_CHOICE_ROWS * MAX_BUTTONS_PER_ROW;
  const unique = choices.filter((c, i) => choices.findIndex((d) => d.id === c.id) === i);
  const asButtons = unique.slice(0, buttonSlots);
  const overflow = unique.slice(buttonSlots);
  if (overflow.length > 0) {
    // More choices than buttons: the rest are numbered, and the engine matches a typed number.
    text = `${text}\n\n${overflow.map((c, i) => `${buttonSlots + i + 1}. ${c.label}`).join('\n')}`;
  }
  const rows = renderChoiceRows(asButtons, options);
  const links = citations.filter((c) => c.url !== undefined && isWebUrl(c.url));
  const linkRow = rows.length < MAX_ACTION_ROWS ? renderLinkRow(links.slice(0, MAX_BUTTONS_PER_ROW)) : null;
  const linked = new Set(linkRow ? linkRow.components.map((b) => b.url) : []);
  const embed = renderSourcesEmbed(citations.filter((c) => c.url === undefined || !linked.has(c.url)));
  const components = linkRow ? [...rows, linkRow] : rows;

  const parts = splitContent(text);
  if (parts.length === 0 && (components.length > 0 || embed)) parts.push('');
  return parts.map((content, index) => {
    const last = index === parts.length - 1;
    return {
      ...(content !== '' ? { content } : {}),
      ...(last && components.length > 0 ? { components } : {}),
      ...(last && embed ? { embeds: [embed] } : {}),
      allowed_mentions: NO_MENTIONS,
      nonce: nonceFor(options.idempotencyKey, index),
      enforce_nonce: true,
    };
  });
}

function renderChoiceRows(choices: readonly Choice[], options: RenderOptions): DiscordActionRow[] {
  const rows: DiscordActionRow[] = [];
  for (let start = 0; start < choices.length; start += MAX_BUTTONS_PER_ROW) {
    rows.push({
      type: 1,
      components: choices.slice(start, start + MAX_BUTTONS_PER_ROW).map((choice, offset) => ({
        type: 2,
        style: ButtonStyle.primary,
        label: clip(choice.label, MAX_BUTTON_LABEL_LENGTH),
        custom_id: signCustomId(options.customIdKey, options.conversationKey, choice.id, start + offset),
      })),
    });
  }
  return rows;
}

function renderLinkRow(citations: readonly Citation[]): DiscordActionRow | null {
  const buttons: DiscordButton[] = [];
  for (const c of citations) {
    if (c.url === undefined || buttons.some((b) => b.url === c.url)) continue;
    buttons.push({
      type: 2,
      style: ButtonStyle.link,
      label: clip(c.title, MAX_BUTTON_LABEL_LENGTH),
      url: c.url,
    });
  }
  return buttons.length > 0 ? { type: 1, components: buttons } : null;
}

function renderSourcesEmbed(citations: readonly Citation[]): DiscordEmbed | null {
  if (citations.length === 0) return null;
  const lines = citations.map((c) =>
    c.url !== undefined && isWebUrl(c.url) ? `• [${escapeLinkText(c.title)}](${c.url})` : `• ${c.title}`,
  );
  return {
    title: clip('Sources', MAX_EMBED_TITLE_LENGTH),
    description: clip(lines.join('\n'), MAX_EMBED_DESCRIPTION_LENGTH),
  };
}

/**
 * The clicked message's buttons after the click: all disabled, the chosen one green,
 * link buttons untouched. Sent as the follow-up edit of a deferred button interaction.
 */
export function renderAnsweredComponents(
  rows: readonly {
    readonly components: readonly {
      readonly type: number;
      readonly style?: number | undefined;
      readonly label?: string | undefined;
      readonly custom_id?: string | undefined;
      readonly url?: string | undefined;
    }[];
  }[],
  clickedCustomId: string,
): DiscordActionRow[] {
  return rows.map((row) => ({
    type: 1,
    components: row.components
      .filter((c) => c.type === 2)
      .map((c): DiscordButton => {
        if (c.url !== undefined) {
          return { type: 2, style: ButtonStyle.link, label: c.label ?? c.url, url: c.url };
        }
        return {
          type: 2,
          style: c.custom_id === clickedCustomId ? ButtonStyle.success : ButtonStyle.secondary,
          label: c.label ?? '…',
          ...(c.custom_id !== undefined ? { custom_id: c.custom_id } : {}),
          disabled: true,
        };
      }),
  }));
}

/** An ephemeral interaction reply (only the clicking user sees it). */
export function renderEphemeral(text: string): DiscordMessageBody {
  return { content: clip(text, MAX_CONTENT_LENGTH), flags: FLAG_EPHEMERAL, allowed_mentions: NO_MENTIONS };
}

/** Plain text body with a nonce, for notices the adapter posts on its own. */
export function renderNotice(text: string, idempotencyKey: string): DiscordMessageBody {
  return {
    content: clip(text, MAX_CONTENT_LENGTH),
    allowed_mentions: NO_MENTIONS,
    nonce: nonceFor(idempotencyKey, 0),
    enforce_nonce: true,
  };
}

/** The channel a conversation's messages go to: the DM channel, or the support thread. */
export function targetChannelOf(ref: ConversationRef): string {
  return ref.workspace === DM_WORKSPACE ? ref.channel : ref.threadOrUser;
}

/** Name of the thread a support-channel message opens: who, and the start of their question. */
export function renderThreadName(authorName: string, text: string): string {
  const topic = text.replace(/\s+/g, ' ').trim() || DISCORD_COPY.threadFallbackTopic;
  return clip(`${authorName.trim() || 'customer'} · ${topic}`, MAX_THREAD_NAME_LENGTH);
}

/**
 * A ≤ 25-character nonce from an idempotency key and the part index: a retried
 * send of the same envelope produces the same nonces, so Discord (with
 * `enforce_nonce`) answers with the message it already created.
 */
export function nonceFor(idempotencyKey: string, part: number): string {
  return createHash('sha256')
    .update(`${idempotencyKey}#${part}`)
    .digest('base64url')
    .slice(0, MAX_NONCE_LENGTH);
}

/**
 * Splits text into pieces of at most `max` characters, preferring paragraph, then
 * line, then word boundaries; never splits a surrogate pair; closes an open code
 * fence at the end of a piece and reopens it (same language) in the next.
 */
export function splitContent(text: string, max = MAX_CONTENT_LENGTH): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  let reopen = '';
  while (rest.length > 0) {
    if (reopen.length + rest.length <= max) {
      parts.push(reopen + rest);
      break;
    }
    const budget = max - reopen.length - FENCE_CLOSE.length;
    const { end, next } = findCut(rest, budget);
    let piece = reopen + rest.slice(0, end).trimEnd();
    rest = rest.slice(next);
    const language = openFenceLanguage(piece);
    if (language !== null) {
      piece += FENCE_CLOSE;
      reopen = `\`\`\`${language}\n`;
    } else {
      reopen = '';
    }
    if (piece.trim() !== '') parts.push(piece);
  }
  return parts;
}

const FENCE_CLOSE = '\n```';

function findCut(text: string, budget: number): { end: number; next: number } {
  const window = text.slice(0, budget + 1);
  const paragraph = window.lastIndexOf('\n\n');
  if (paragraph > budget * 0.5) return { end: paragraph, next: skipNewlines(text, paragraph) };
  const line = window.lastIndexOf('\n');
  if (line > budget * 0.3) return { end: line, next: line + 1 };
  const space = window.lastIndexOf(' ');
  if (space > budget * 0.3) return { end: space, next: space + 1 };
  const code = text.charCodeAt(budget - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? budget - 1 : budget;
  return { end, next: end };
}

function skipNewlines(text: string, from: number): number {
  let i = from;
  while (text[i] === '\n') i++;
  return i;
}

/** Language of the code fence left open at the end of `text` ('' for a bare fence), or null. */
function openFenceLanguage(text: string): string | null {
  let open: string | null = null;
  for (const line of text.split('\n')) {
    const match = /^\s*```(\S*)/.exec(line);
    if (!match) continue;
    open = open === null ? (match[1] ?? '') : null;
  }
  return open;
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

function isWebUrl(url: string): boolean {
  return /^https?:\/\/\S+$/.test(url);
}

function escapeLinkText(text: string): string {
  return text.replace(/[[\]]/g, '\\$&');
}
