import type { TurnDebug } from '../../src/model/context.ts';
import type { OutboundMessage } from '../../src/model/outbound-message.ts';
import type { Ticket, TicketThreadEntry } from '../../src/model/ticket.ts';
import {
  CHOICE_ACTION_PREFIX,
  HANDOFF_ACTIONS,
  INTERNAL_NOTE_PREFIX,
  SLACK_ACTIONS_ELEMENTS_MAX,
  SLACK_ACTION_ID_MAX,
  SLACK_BLOCKS_MAX,
  SLACK_BUTTON_TEXT_MAX,
  SLACK_BUTTON_VALUE_MAX,
  SLACK_CONTEXT_ELEMENTS_MAX,
  SLACK_SECTION_FIELDS_MAX,
  SLACK_SECTION_FIELD_TEXT_MAX,
  SLACK_SECTION_TEXT_MAX,
  SLACK_TEXT_MAX,
} from './limits.ts';
import { encodeButtonValue } from './parse.ts';

/**
 * Pure rendering of tickets and outbound messages to Slack messages (`text` +
 * Block Kit). Customer-provided text is always escaped (`escapeSlackText`) so a
 * customer cannot ping `@channel` or forge links; `text` is always set, as the
 * notification and screen-reader fallback.
 */

/** A Block Kit block (plain JSON; the transport sends it as is). */
export type SlackBlock = Readonly<Record<string, unknown>>;

/** One Slack message: `text` always, `blocks` when it has structure. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks?: readonly SlackBlock[];
}

/** Cuts text to `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * Escapes untrusted text for mrkdwn and `text`: `&`, `<`, `>` become entities, so
 * `<!channel>` or `<https://evil|bank>` written by a customer shows literally, and a
 * plain `@here`/`@channel`/`@everyone` gets a zero-width space so no client links it.
 * @see https://docs.slack.dev/messaging/formatting-message-text#escaping
 */
export function escapeSlackText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(here|channel|everyone)\b/gi, '@\u200B$1');
}

/**
 * Neutral markdown (engine answers, KB text) to Slack mrkdwn: `**b**` → `*b*`,
 * `*i*`/`_i_` → `_i_`, `~~s~~` → `~s~`, `[label](url)` → `<url|label>`, `# Heading` →
 * `*Heading*`; everything else escaped. Code spans and blocks are kept (escaped).
 * @see https://docs.slack.dev/messaging/formatting-message-text
 */
export function markdownToMrkdwn(markdown: string): string {
  const parts = markdown.split(/(```[\s\S]*?```|`[^`\n]+`)/g);
  return parts
    .map((part, index) => {
      if (index % 2 === 1) return escapeSlackText(part);
      const links: string[] = [];
      const withLinks = part.replace(
        /\[([^\]\n]+)\]\((https?:\/\/[^\s)|>]+)\)/g,
        (_m, label: string, url) => {
          links.push(`<${url}|${escapeSlackText(label).replace(/\|/g, '¦')}>`);
          return `\uE000${links.length - 1}\uE000`;
        },
      );
      return escapeSlackText(withLinks)
        .replace(/^#{1,6}\s+(.+)$/gm, '\uE001$1\uE001')
        .replace(/\*\*(?=\S)([^*\n]*?\S)\*\*/g, '\uE001$1\uE001')
        .replace(/__(?=\S)([^_\n]*?\S)__/g, '\uE001$1\uE001')
        .replace(/(^|[^*\w])\*(?=\S)([^*\n]*?\S)\*(?![*\w])/g, '$1_$2_')
        .replace(/~~(?=\S)([^~\n]*?\S)~~/g, '~$1~')
        .replace(/\uE001/g, '*')
        .replace(/\uE000(\d+)\uE000/g, (_m, i: string) => links[Number(i)] ?? '');
    })
    .join('');
}

/** Splits text into chunks of at most `max` characters, at paragraph, line or word boundaries. */
export function splitText(text: string, max: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const cut = Math.max(window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), window.lastIndexOf(' '));
    const at = cut > max / 2 ? cut : max;
    chunks.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest.length > 0 || chunks.length === 0) chunks.push(rest);
  return chunks;
}

/** A Slack user id is shown as a mention; anyone else (sandbox staff) by escaped name. */
export function staffLabel(id: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(id) ? `<@${id}>` : escapeSlackText(id);
}

/** `12 min`, `1 h 5 min`, `2 d 3 h`. */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

const PLATFORM_NAMES: Readonly<Record<string, string>> = {
  whatsapp: 'WhatsApp',
  discord: 'Discord',
  slack: 'Slack',
  sandbox: 'Sandbox',
  botframework: 'Bot Framework',
};
const platformName = (platform: string): string => PLATFORM_NAMES[platform] ?? platform;

const PRIORITY_ICONS: Readonly<Record<Ticket['priority'], string>> = {
  normal: ':large_blue_circle:',
  high: ':large_orange_circle:',
  urgent: ':red_circle:',
};

/** One line saying where the ticket stands. */
export function ticketStatus(ticket: Ticket): string {
  switch (ticket.state) {
    case 'waiting_for_human':
      return ':hourglass_flowing_sand: Waiting for staff';
    case 'human':
      return ticket.assignee
        ? `:raising_hand: Claimed by ${staffLabel(ticket.assignee)}`
        : ':speech_balloon: Staff are on it';
    case 'resolved':
    case 'bot': {
      const by = ticket.resolvedBy ? ` by ${staffLabel(ticket.resolvedBy)}` : '';
      const after =
        ticket.resolvedAt !== undefined
          ? ` after ${formatDuration(ticket.resolvedAt - ticket.openedAt)}`
          : '';
      const rating = ticket.rating !== undefined ? ` · rated ${ticket.rating}/5` : '';
      return `:white_check_mark: Resolved${by}${after}${rating}`;
    }
  }
}

/** The buttons that still apply in the ticket's state (none once resolved). */
export function cardButtons(ticket: Ticket): SlackBlock[] {
  const value = truncate(
    encodeButtonValue({ ticketId: ticket.id, level: ticket.escalationLevel }),
    SLACK_BUTTON_VALUE_MAX,
  );
  const button = (actionId: string, label: string, style?: 'primary' | 'danger'): SlackBlock => ({
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: truncate(label, SLACK_BUTTON_TEXT_MAX), emoji: true },
    value,
    ...(style ? { style } : {}),
  });
  switch (ticket.state) {
    case 'waiting_for_human':
      return [
        button(HANDOFF_ACTIONS.claim, 'Claim', 'primary'),
        button(HANDOFF_ACTIONS.resolve, 'Resolve'),
        button(HANDOFF_ACTIONS.escalate, 'Escalate', 'danger'),
      ];
    case 'human':
      return [
        button(HANDOFF_ACTIONS.resolve, 'Resolve', 'primary'),
        button(HANDOFF_ACTIONS.escalate, 'Escalate', 'danger'),
      ];
    default:
      return [];
  }
}

const field = (label: string, value: string): SlackBlock => ({
  type: 'mrkdwn',
  text: truncate(`*${label}*\n${value}`, SLACK_SECTION_FIELD_TEXT_MAX),
});

const section = (text: string, blockId?: string): SlackBlock => ({
  type: 'section',
  ...(blockId ? { block_id: truncate(blockId, SLACK_ACTION_ID_MAX) } : {}),
  text: { type: 'mrkdwn', text: truncate(text, SLACK_SECTION_TEXT_MAX) },
});

const percent = (value: number | null): string => (value === null ? '–' : `${Math.round(value * 100)}%`);

/** The customer line: name, VIP mark, platform, masked handle (all escaped). */
function customerLine(ticket: Ticket): string {
  const vip = ticket.customer.vip ? ' :star: VIP' : '';
  return `*${escapeSlackText(ticket.customer.displayName)}*${vip} · ${escapeSlackText(
    platformName(ticket.customer.platform),
  )} · ${escapeSlackText(ticket.customer.handle)}`;
}

/** The notification text of a card (also what screen readers read). */
export function cardFallbackText(ticket: Ticket): string {
  const status = ticket.state === 'waiting_for_human' ? 'waiting for staff' : ticket.state;
  return truncate(
    `Handoff ${ticket.id} from ${platformName(ticket.customer.platform)}: ${escapeSlackText(
      ticket.customer.displayName,
    )} (${ticket.priority}, ${status})`,
    SLACK_TEXT_MAX,
  );
}

/**
 * The handoff card: who, from where, what the bot understood and tried, the summary,
 * the collected slots, where it stands, and the buttons that still apply.
 */
export function renderCard(ticket: Ticket): SlackMessage {
  const blocks: SlackBlock[] = [
    section(
      `${PRIORITY_ICONS[ticket.priority]} *Handoff* \`${escapeSlackText(ticket.id)}\` · ${customerLine(ticket)}`,
      `handoff:${ticket.id}:header`,
    ),
  ];
  const intent =
    ticket.intent === null ? 'unknown' : `${escapeSlackText(ticket.intent)} (${percent(ticket.confidence)})`;
  const level = ticket.escalationLevel > 0 ? `level ${ticket.escalationLevel}` : 'not escalated';
  blocks.push({
    type: 'section',
    block_id: truncate(`handoff:${ticket.id}:facts`, SLACK_ACTION_ID_MAX),
    fields: [
      field('Intent', intent),
      field('Sentiment', escapeSlackText(ticket.sentiment ?? 'unknown')),
      field('Priority', `${ticket.priority} · ${level}`),
      field('Language', escapeSlackText(ticket.language ?? 'unknown')),
      field('Reason', escapeSlackText(ticket.reason)),
      field('Status', ticketStatus(ticket)),
    ].slice(0, SLACK_SECTION_FIELDS_MAX),
  });
  if (ticket.summary.trim().length > 0) {
    const quoted = escapeSlackText(ticket.summary.trim())
      .split('\n')
      .map((line) => `>${line}`)
      .join('\n');
    blocks.push(section(`*Summary*\n${quoted}`, `handoff:${ticket.id}:summary`));
  }
  if (ticket.kbTried.length > 0) {
    const lines = ticket.kbTried.map((hit) => `• ${escapeSlackText(hit.title)} (${hit.score.toFixed(2)})`);
    blocks.push(section(`*Articles the bot tried*\n${lines.join('\n')}`, `handoff:${ticket.id}:kb`));
  }
  const slots = Object.entries(ticket.slots);
  if (slots.length > 0) {
    const lines = slots.map(([key, value]) => `• ${escapeSlackText(key)}: ${escapeSlackText(value)}`);
    blocks.push(section(`*Collected*\n${lines.join('\n')}`, `handoff:${ticket.id}:slots`));
  }
  const buttons = cardButtons(ticket);
  if (buttons.length > 0) {
    blocks.push({
      type: 'actions',
      block_id: truncate(`handoff:${ticket.id}:actions`, SLACK_ACTION_ID_MAX),
      elements: buttons.slice(0, SLACK_ACTIONS_ELEMENTS_MAX),
    });
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `Reply in this thread to answer the customer · start with \`${INTERNAL_NOTE_PREFIX}\` for an internal note`,
      },
    ].slice(0, SLACK_CONTEXT_ELEMENTS_MAX),
  });
  return { text: cardFallbackText(ticket), blocks: blocks.slice(0, SLACK_BLOCKS_MAX) };
}

/** One thread entry (customer message, staff reply from another desk, note, notice). */
export function renderThreadEntry(ticket: Ticket, entry: TicketThreadEntry): SlackMessage {
  const text = escapeSlackText(entry.text);
  switch (entry.from) {
    case 'customer': {
      const name = escapeSlackText(ticket.customer.displayName);
      return {
        text: truncate(`*${name}* (${platformName(ticket.customer.platform)}): ${text}`, SLACK_TEXT_MAX),
      };
    }
    case 'staff':
      return {
        text: truncate(
          `*${entry.by ? staffLabel(entry.by) : 'Staff'}* (to the customer): ${text}`,
          SLACK_TEXT_MAX,
        ),
      };
    case 'note':
      return {
        text: truncate(
          `:lock: Internal note${entry.by ? ` by ${staffLabel(entry.by)}` : ''}: ${text}`,
          SLACK_TEXT_MAX,
        ),
      };
    case 'system':
      return { text: truncate(`:information_source: ${text}`, SLACK_TEXT_MAX) };
  }
}

/** A desk notice about no ticket (e.g. a conversation that failed before any handoff). */
export function renderNotice(entry: TicketThreadEntry): string {
  return truncate(`:warning: ${escapeSlackText(entry.text)}`, SLACK_TEXT_MAX);
}

/** The escalation announcement, with a link to the thread when we have one. */
export function renderEscalation(ticket: Ticket, permalink: string | null): SlackMessage {
  const link = permalink ? ` · <${permalink}|Open the thread>` : '';
  const intent = ticket.intent ? ` · ${escapeSlackText(ticket.intent)}` : '';
  const text = `:rotating_light: Handoff \`${escapeSlackText(ticket.id)}\` escalated to level ${
    ticket.escalationLevel
  } (${ticket.priority}) · ${customerLine(ticket)}${intent}${link}`;
  return {
    text: truncate(
      `Handoff ${ticket.id} escalated to level ${ticket.escalationLevel}${permalink ? `: ${permalink}` : ''}`,
      SLACK_TEXT_MAX,
    ),
    blocks: [section(text)],
  };
}

/** A customer-facing message in a tester's DM. Long text is split; choices become buttons. */
export function renderOutbound(message: OutboundMessage): SlackMessage[] {
  switch (message.kind) {
    case 'text':
    case 'handoff_notice':
    case 'choices': {
      let body = markdownToMrkdwn(message.text);
      if (message.kind !== 'handoff_notice' && message.citations && message.citations.length > 0) {
        const sources = message.citations
          .map((c) => (c.url ? `<${c.url}|${escapeSlackText(c.title)}>` : escapeSlackText(c.title)))
          .join(' · ');
        body = `${body}\n\n_Sources: ${sources}_`;
      }
      const chunks = splitText(body, SLACK_SECTION_TEXT_MAX);
      const messages: SlackMessage[] = chunks.map((chunk) => ({
        text: chunk,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: chunk } }],
      }));
      if (message.kind === 'choices' && message.choices.length > 0) {
        const last = messages[messages.length - 1];
        const elements = message.choices.slice(0, SLACK_ACTIONS_ELEMENTS_MAX).map((choice) => ({
          type: 'button',
          action_id: truncate(`${CHOICE_ACTION_PREFIX}${choice.id}`, SLACK_ACTION_ID_MAX),
          text: { type: 'plain_text', text: truncate(choice.label, SLACK_BUTTON_TEXT_MAX), emoji: true },
          value: truncate(choice.id, SLACK_BUTTON_VALUE_MAX),
        }));
        if (last) {
          messages[messages.length - 1] = {
            text: last.text,
            blocks: [...(last.blocks ?? []), { type: 'actions', elements }],
          };
        }
      }
      return messages;
    }
    case 'attachment': {
      const caption = message.text ? `${markdownToMrkdwn(message.text)}\n` : '';
      const label = escapeSlackText(message.name ?? 'attachment').replace(/\|/g, '¦');
      return [{ text: truncate(`${caption}<${message.url}|${label}>`, SLACK_TEXT_MAX) }];
    }
  }
}

/** `/switchboard debug`: what the bot understood on the caller's last turn. */
export function renderDebug(debug: TurnDebug | null): string {
  if (!debug) return 'No turn recorded yet: send the bot a DM first.';
  const intent = debug.intent === null ? 'none (out of scope)' : escapeSlackText(debug.intent);
  const confidence = debug.confidence === null ? '–' : debug.confidence.toFixed(2);
  const kb =
    debug.kb.length === 0
      ? 'none'
      : debug.kb.map((hit) => `${escapeSlackText(hit.title)} (${hit.score.toFixed(2)})`).join(', ');
  return truncate(
    [
      `*Last turn* \`${escapeSlackText(debug.eventId)}\``,
      `• Intent: ${intent} (confidence ${confidence})`,
      `• Knowledge base: ${kb}`,
      `• Route: ${escapeSlackText(debug.route)}`,
      `• Flow: ${debug.flow ? escapeSlackText(debug.flow) : 'none'}`,
    ].join('\n'),
    SLACK_TEXT_MAX,
  );
}

/** What the staff-only rule answers to anyone else. */
export const NOT_STAFF_TEXT =
  'Only support staff can act on handoffs. Ask an admin to add you to the support staff if you should.';

/** What a non-staff member who replied in a handoff thread is told. */
export const NOT_STAFF_REPLY_TEXT = `Your reply was not sent to the customer: only support staff can answer. Start a message with \`${INTERNAL_NOTE_PREFIX}\` to leave an internal note.`;

/** What a staff member who edited a relayed reply is told. */
export const EDIT_NOT_RELAYED_TEXT =
  'Edits are not relayed: the customer already has your original reply. Send a new reply to correct it.';

/** What a staff member who shared a file in a handoff thread is told. */
export const FILES_NOT_RELAYED_TEXT =
  'Files shared in Slack are not sent to the customer (they could not open them): paste a public link instead. Text in the same message is still sent.';

/** A button on a card whose ticket the desk no longer knows. */
export const UNKNOWN_TICKET_TEXT = 'This handoff no longer exists, so nothing was changed.';

/** `/switchboard` help. */
export const COMMAND_HELP_TEXT = [
  '*/switchboard* — tools for testers talking to the bot in a DM:',
  '• `/switchboard reset` — forget my conversation and start over',
  '• `/switchboard debug` — intent, confidence, knowledge-base hits and flow state of my last message',
].join('\n');

/** `/switchboard reset` confirmation. */
export const RESET_TEXT = 'Your conversation with the bot was reset. Send a DM to start over.';
