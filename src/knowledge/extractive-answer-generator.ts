import type { KbAnswer, KbHit } from '../model/understanding.ts';
import type { AnswerGenerator, AnswerInput } from '../ports/knowledge-retriever.ts';
import { analyze } from './text-analysis.ts';

/** Chat-sized default: about a phone screen of text. */
export const DEFAULT_ANSWER_MAX_LENGTH = 600;

/** What the bot says when retrieval found nothing to quote. */
export const NO_ANSWER_TEXT =
  "I'm sorry, I don't know the answer to that and I'd rather not guess. Would you like me to connect you with a person from our team?";

/** Options of {@link ExtractiveAnswerGenerator}. */
export interface ExtractiveAnswerOptions {
  /** Used when the input does not give `maxLength`. */
  readonly maxLength?: number;
  /** Reply when there is nothing to quote. */
  readonly noAnswerText?: string;
}

/**
 * Answers by quoting the best-matching knowledge-base section, cleaned of markdown syntax and
 * trimmed at a sentence boundary. No model, so it cannot invent facts: everything it says is in
 * the cited article. Used when no LLM is configured and as the LLM path's fallback.
 */
export class ExtractiveAnswerGenerator implements AnswerGenerator {
  private readonly maxLength: number;
  private readonly noAnswerText: string;

  constructor(options: ExtractiveAnswerOptions = {}) {
    this.maxLength = options.maxLength ?? DEFAULT_ANSWER_MAX_LENGTH;
    this.noAnswerText = options.noAnswerText ?? NO_ANSWER_TEXT;
  }

  async answer(input: AnswerInput): Promise<KbAnswer> {
    const best = input.hits.find((hit) => cleanMarkdown(hit.text).length > 0);
    if (!best) return { text: this.noAnswerText, citations: [], grounded: false, source: 'extractive' };
    const maxLength = Math.max(80, input.maxLength ?? this.maxLength);
    const { text: body, removedContact } = withoutContactSentences(cleanMarkdown(best.text));
    const passage = body.length > 0 ? selectPassage(body, input.question, maxLength) : '';
    if (passage.length === 0) {
      return { text: this.noAnswerText, citations: [], grounded: false, source: 'extractive' };
    }
    return {
      text: passage,
      citations: [citationOf(best)],
      grounded: true,
      source: 'extractive',
      ...(removedContact ? { offerHandoff: true } : {}),
    };
  }
}

/**
 * Sentences that send the customer elsewhere for help ("contact us", "email support@…"). In the
 * chat the customer is already talking to us, so they are left out and the engine offers a person.
 */
const CONTACT_SENTENCE =
  /\b(?:contact (?:us|support|our (?:support )?team|customer (?:service|support)|developer support)|(?:e-?mail|call|phone|write to|message) (?:us|support|our (?:support )?team)|chat with us|get in touch|reach out to (?:us|support)|[\w.+-]*support@[\w.-]+)\b/i;

/** Drops the sentences (and list items) that tell the reader to contact support. */
export function withoutContactSentences(text: string): { text: string; removedContact: boolean } {
  let removedContact = false;
  const lines = text.split('\n').map((line) => {
    if (!CONTACT_SENTENCE.test(line)) return line;
    const kept = splitSentences(line).filter((sentence) => {
      const contact = CONTACT_SENTENCE.test(sentence);
      if (contact) removedContact = true;
      return !contact;
    });
    return kept.join(' ');
  });
  // A list item or paragraph that was only a contact sentence disappears, with its marker.
  const kept = lines.filter((line) => !/^\s*(?:•|\d+\.)\s*$/.test(line));
  return {
    text: kept
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim(),
    removedContact,
  };
}

function splitSentences(line: string): string[] {
  return line.split(/(?<=[.!?])\s+(?=[A-Z"(])/).filter((part) => part.trim().length > 0);
}

/**
 * The part of a section that answers the question, at most `maxLength` characters: the whole
 * section when it fits; otherwise the block (paragraph or list) sharing the most words with the
 * question, with the sentence that introduces a list, and what follows it while it fits.
 */
export function selectPassage(section: string, question: string, maxLength: number): string {
  if (section.length <= maxLength) return section;
  const blocks = section
    .split(/\n{2,}/)
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  const terms = new Set(analyze(question));
  const score = (block: string): number => analyze(block).filter((t) => terms.has(t)).length;
  let start = 0;
  let bestScore = score(blocks[0] ?? '');
  blocks.forEach((block, i) => {
    const value = score(block);
    if (value > bestScore) {
      bestScore = value;
      start = i;
    }
  });
  // A list reads badly without the sentence that introduces it ("Your options are:").
  const previous = blocks[start - 1];
  if (
    start > 0 &&
    previous !== undefined &&
    /:\s*$/.test(previous) &&
    /^(?:•|\d+\.)\s/.test(blocks[start] ?? '')
  ) {
    start--;
  }
  let passage = '';
  for (const block of blocks.slice(start)) {
    const next = passage.length === 0 ? block : `${passage}\n\n${block}`;
    if (next.length > maxLength) {
      if (passage.length === 0) return trimAtSentence(block, maxLength);
      break;
    }
    passage = next;
  }
  return passage;
}

function citationOf(hit: KbHit): KbAnswer['citations'][number] {
  return { id: hit.id, title: hit.title, ...(hit.url !== undefined ? { url: hit.url } : {}) };
}

/**
 * Turns markdown into plain chat text: drops heading markers, emphasis, code fences and HTML,
 * renders links as "text (url)" and bullets as "•", and keeps numbered steps as they are.
 */
export function cleanMarkdown(markdown: string): string {
  const lines: string[] = [];
  let inFence = false;
  for (const original of markdown.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(original)) {
      inFence = !inFence;
      continue;
    }
    let line = inFence ? original : original.trim();
    if (!inFence) {
      line = line
        .replace(/^#{1,6}\s+(.*?)\s*#*$/, '$1')
        .replace(/^>\s?/, '')
        .replace(/^[-*+]\s+\[[ xX]\]\s+/, '• ')
        .replace(/^[-*+]\s+/, '• ')
        .replace(/^(\d+)[.)]\s+/, '$1. ')
        .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/\[([^\]]+)\]\((\S+?)(?:\s+"[^"]*")?\)/g, (_, text: string, url: string) =>
          text === url ? url : `${text} (${url})`,
        )
        .replace(/<[^>\n]+>/g, '')
        .replace(/(\*\*|__)(.+?)\1/g, '$2')
        .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=[\s).,;:!?]|$)/g, '$1$2')
        .replace(/`([^`]+)`/g, '$1');
      if (/^(-{3,}|\*{3,}|_{3,})$/.test(line)) line = '';
      if (/^\|?\s*:?-{3,}/.test(line)) continue;
    }
    lines.push(line);
  }
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Cuts `text` to at most `maxLength` characters at the last sentence end (or list item end)
 * that keeps at least a third of the budget; otherwise at a word boundary with an ellipsis.
 */
export function trimAtSentence(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const window = text.slice(0, maxLength + 1);
  let cut = -1;
  const boundary = /[.!?](?=["')\]]?(\s|$))|\n/g;
  for (let match = boundary.exec(window); match !== null; match = boundary.exec(window)) {
    const end = match[0] === '\n' ? match.index : match.index + 1;
    const lineStart = window.lastIndexOf('\n', match.index - 1) + 1;
    // Inside a list item only the end of the item counts: "2. Select Forgot password?" must stay whole.
    const inListItem = match[0] !== '\n' && /^\s*(•|\d+\.)\s/.test(window.slice(lineStart, match.index + 1));
    const numberedStep = match[0] === '.' && /^\s*\d+$/.test(window.slice(lineStart, match.index));
    if (end <= maxLength && !inListItem && !numberedStep) cut = end;
  }
  if (cut >= maxLength / 3) return text.slice(0, cut).trim();
  const space = window.lastIndexOf(' ', maxLength - 1);
  const wordCut = space > maxLength / 2 ? space : maxLength - 1;
  return `${text.slice(0, wordCut).trimEnd()}…`;
}
