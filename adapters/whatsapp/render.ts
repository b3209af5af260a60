import type { Choice, Citation, OutboundMessage } from '../../src/model/outbound-message.ts';
import { outboundText } from '../../src/model/outbound-message.ts';
import {
  MAX_BUTTON_BODY_LENGTH,
  MAX_BUTTON_ID_LENGTH,
  MAX_BUTTON_TITLE_LENGTH,
  MAX_CAPTION_LENGTH,
  MAX_LIST_BODY_LENGTH,
  MAX_LIST_BUTTON_LENGTH,
  MAX_LIST_ROWS,
  MAX_REPLY_BUTTONS,
  MAX_ROW_DESCRIPTION_LENGTH,
  MAX_ROW_ID_LENGTH,
  MAX_ROW_TITLE_LENGTH,
  MAX_TEXT_LENGTH,
} from './limits.ts';
import type { MessageContent, TemplateContent, WhatsAppTemplate } from './types.ts';

export interface WhatsAppRenderOptions {
  /** Label of a list message's menu button (≤ 20 characters). */
  readonly listButtonLabel?: string;
}

const DEFAULT_LIST_BUTTON = 'Choose';

/**
 * Renders one outbound message as the Graph message bodies to send, in order
 * (without addressing or reply context, which the transport adds). Degrades choices
 * from reply buttons to a list message to numbered text as the platform limits
 * require, converts markdown to WhatsApp markup, numbers citations and splits text
 * longer than one message allows on paragraph, line or sentence boundaries.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/send-messages
 */
export function renderWhatsAppMessage(
  message: OutboundMessage,
  options: WhatsAppRenderOptions = {},
): MessageContent[] {
  switch (message.kind) {
    case 'text':
      return textParts(withSources(toWhatsAppMarkup(message.text), message.citations));
    case 'handoff_notice':
      return textParts(toWhatsAppMarkup(message.text));
    case 'choices':
      return renderChoices(
        withSources(toWhatsAppMarkup(message.text), message.citations),
        message.choices,
        options,
      );
    case 'attachment':
      return renderAttachment(message);
  }
}

/**
 * An approved template for a message that cannot go out free-form (window closed).
 * `{{text}}` in a parameter becomes the message's text; template parameters may not
 * hold newlines, tabs or runs of spaces (error 132018), so whitespace is collapsed.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
 */
export function renderWhatsAppTemplate(template: WhatsAppTemplate, message: OutboundMessage): MessageContent {
  const text = outboundText(message).replace(/\s+/g, ' ').trim();
  const parameters = (template.params ?? []).map((param) => ({
    type: 'text' as const,
    text: truncate(param.replaceAll('{{text}}', text).replace(/\s+/g, ' ').trim() || ' ', MAX_CAPTION_LENGTH),
  }));
  const content: TemplateContent = {
    name: template.name,
    language: { code: template.language },
    ...(parameters.length > 0 ? { components: [{ type: 'body' as const, parameters }] } : {}),
  };
  return { type: 'template', template: content };
}

function textParts(text: string): MessageContent[] {
  return splitText(text, MAX_TEXT_LENGTH).map((body) => ({
    type: 'text',
    text: { body, preview_url: false },
  }));
}

function renderChoices(
  text: string,
  choices: readonly Choice[],
  options: WhatsAppRenderOptions,
): MessageContent[] {
  const labels = new Set(choices.map((c) => c.label));
  const buttons =
    choices.length > 0 &&
    choices.length <= MAX_REPLY_BUTTONS &&
    labels.size === choices.length &&
    choices.every((c) => c.label.length <= MAX_BUTTON_TITLE_LENGTH && c.id.length <= MAX_BUTTON_ID_LENGTH);
  if (buttons) {
    const { head, tail } = splitForBody(text, MAX_BUTTON_BODY_LENGTH);
    return [
      ...head.flatMap(textParts),
      {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: tail },
          action: {
            buttons: choices.map((c) => ({ type: 'reply' as const, reply: { id: c.id, title: c.label } })),
          },
        },
      },
    ];
  }
  const list =
    choices.length > 0 &&
    choices.length <= MAX_LIST_ROWS &&
    choices.every((c) => c.id.length <= MAX_ROW_ID_LENGTH && c.label.trim().length > 0);
  if (list) {
    const { head, tail } = splitForBody(text, MAX_LIST_BODY_LENGTH);
    return [
      ...head.flatMap(textParts),
      {
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: tail },
          action: {
            button: truncate(options.listButtonLabel ?? DEFAULT_LIST_BUTTON, MAX_LIST_BUTTON_LENGTH),
            sections: [{ rows: choices.map(listRow) }],
          },
        },
      },
    ];
  }
  // Beyond a list: numbered lines; the engine matches a typed number to the choice.
  const numbered = choices.map((c, i) => `${i + 1}. ${c.label}`).join('\n');
  return textParts(text ? `${text}\n\n${numbered}` : numbered);
}

function listRow(choice: Choice): { id: string; title: string; description?: string } {
  const label = choice.label.trim();
  if (label.length <= MAX_ROW_TITLE_LENGTH) return { id: choice.id, title: label };
  // The title is cut; the description (≤ 72) carries the full label so nothing is lost.
  return {
    id: choice.id,
    title: truncate(label, MAX_ROW_TITLE_LENGTH),
    description: truncate(label, MAX_ROW_DESCRIPTION_LENGTH),
  };
}

function renderAttachment(message: Extract<OutboundMessage, { kind: 'attachment' }>): MessageContent[] {
  const kind = mediaKind(message.mimeType, message.url);
  const text = message.text ? toWhatsAppMarkup(message.text) : '';
  // Audio has no caption, and a caption is capped: longer text goes first as its own message.
  const captioned = kind !== 'audio' && text.length <= MAX_CAPTION_LENGTH;
  const media = {
    link: message.url,
    ...(captioned && text ? { caption: text } : {}),
    ...(kind === 'document' && message.name ? { filename: message.name } : {}),
  };
  const content: MessageContent = { type: kind, [kind]: media };
  return captioned || !text ? [content] : [...textParts(text), content];
}

function mediaKind(mimeType: string | undefined, url: string): 'image' | 'video' | 'audio' | 'document' {
  const type = mimeType?.toLowerCase() ?? '';
  const path = url.toLowerCase().split(/[?#]/)[0] ?? '';
  // Cloud API images are JPEG or PNG only; anything else goes as a document.
  if (/^image\/(jpeg|png)$/.test(type) || (!type && /\.(jpe?g|png)$/.test(path))) return 'image';
  if (/^video\/(mp4|3gpp)$/.test(type) || (!type && /\.(mp4|3gp)$/.test(path))) return 'video';
  if (/^audio\//.test(type) || (!type && /\.(mp3|ogg|aac|amr|m4a|opus)$/.test(path))) return 'audio';
  return 'document';
}

function withSources(text: string, citations: readonly Citation[] | undefined): string {
  if (!citations || citations.length === 0) return text;
  const lines = citations.map((c, i) => `[${i + 1}] ${c.title}${c.url ? `: ${c.url}` : ''}`);
  return `${text}\n\nSources:\n${lines.join('\n')}`;
}

/**
 * Converts common markdown to WhatsApp markup: `**bold**`/`__bold__`/headings → `*bold*`,
 * `*italic*` → `_italic_`, `~~strike~~` → `~strike~`, `[label](url)` → `label (url)`,
 * `*`/`+` bullets → `-`. Code spans and fences are kept verbatim (WhatsApp shows both).
 * @see https://faq.whatsapp.com/539178204879377 (WhatsApp text formatting)
 */
export function toWhatsAppMarkup(markdown: string): string {
  const code: string[] = [];
  const keep = (segment: string): string => {
    code.push(segment);
    return `\uE000${code.length - 1}\uE000`;
  };
  // Private-use characters stand in for code and bold while the other markers are rewritten.
  const BOLD = '\uE001';
  let text = markdown
    .replace(/```[\s\S]*?```/g, keep)
    .replace(/`[^`\n]+`/g, keep)
    .replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (_m, _alt: string, url: string) => url)
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, label: string, url: string) =>
      label === url ? url : `${label} (${url})`,
    )
    .replace(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm, `${BOLD}$1${BOLD}`)
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, `${BOLD}$1${BOLD}`)
    .replace(/__(?=\S)([\s\S]*?\S)__/g, `${BOLD}$1${BOLD}`)
    .replace(/^([ \t]*)[*+][ \t]+/gm, '$1- ')
    .replace(/(^|[^*\w])\*(?=\S)([^*\n]*?\S)\*(?![*\w])/gm, '$1_$2_')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '~$1~');
  text = text.replaceAll(BOLD, '*');
  return text.replace(/\uE000(\d+)\uE000/g, (_m, i: string) => code[Number(i)] ?? '');
}

/**
 * Splits text into parts of at most `max` UTF-16 units, cutting at the last paragraph
 * break, else line break, else sentence end, else space in the second half of the
 * window; a hard cut never separates a surrogate pair.
 */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const cut = findCut(rest, max);
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

/**
 * Text before an interactive body, and the body itself: the longest ending of the text
 * that fits and starts at a paragraph break (else line break, sentence end, space), so
 * the question sits with its buttons.
 */
function splitForBody(text: string, max: number): { head: string[]; tail: string } {
  const trimmed = text.trim() || '…';
  if (trimmed.length <= max) return { head: [], tail: trimmed };
  const min = trimmed.length - max;
  const boundaries = [/\n\n/g, /\n/g, /[.!?…。！？]["'’”)\]]*\s/g, /\s/g];
  let start = -1;
  for (const boundary of boundaries) {
    for (const match of trimmed.matchAll(boundary)) {
      const after = match.index + match[0].length;
      if (after >= min) {
        start = after;
        break;
      }
    }
    if (start >= 0) break;
  }
  if (start < 0) {
    const code = trimmed.charCodeAt(min);
    start = code >= 0xdc00 && code <= 0xdfff ? min + 1 : min;
  }
  const head = trimmed.slice(0, start).trimEnd();
  return { head: head ? [head] : [], tail: trimmed.slice(start).trim() };
}

function findCut(text: string, max: number): number {
  const window = text.slice(0, max);
  const min = Math.floor(max / 2);
  const candidates = [
    window.lastIndexOf('\n\n'),
    window.lastIndexOf('\n'),
    lastSentenceEnd(window),
    window.lastIndexOf(' '),
  ];
  for (const cut of candidates) if (cut >= min) return cut;
  for (const cut of candidates) if (cut > 0) return cut;
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}

function lastSentenceEnd(window: string): number {
  let last = -1;
  for (const match of window.matchAll(/[.!?…。！？]["'’”)\]]*(?=\s)/g)) last = match.index + match[0].length;
  return last;
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${text.slice(0, cut).trimEnd()}…`;
}
