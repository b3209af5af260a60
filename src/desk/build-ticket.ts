import type { Ticket, TicketThreadEntry } from '../model/ticket.ts';
import type { HandoffRequest } from '../ports/handoff-desk.ts';
import { DESK_LIMITS } from './limits.ts';

/**
 * Builds the ticket the card shows from the engine's handoff request. Pure: the
 * caller supplies the time, the routed channel and whether the customer is a VIP.
 */
export function buildTicket(
  request: HandoffRequest,
  at: { readonly now: number; readonly channel: string; readonly vip: boolean },
): Ticket {
  const { context, profile, understanding } = request;
  const platform = context.ref.platform;
  const userId =
    profile?.platformIds[platform] ?? context.customerId.slice(context.customerId.indexOf(':') + 1);
  const language = understanding?.signals.language;
  const kb = new Map<string, { id: string; title: string; score: number }>();
  for (const hit of request.kbTried) {
    const seen = kb.get(hit.id);
    if (!seen || seen.score < hit.score)
      kb.set(hit.id, { id: hit.id, title: hit.title, score: round(hit.score) });
  }
  return {
    id: request.ticketId,
    conversationKey: context.key,
    ref: context.ref,
    state: 'waiting_for_human',
    priority: request.priority,
    escalationLevel: 0,
    reason: request.reason,
    customer: {
      displayName: profile?.displayName ?? context.customerName ?? 'Customer',
      platform,
      handle: maskHandle(userId),
      vip: at.vip || profile?.tier === 'vip',
    },
    intent: understanding?.intent ?? null,
    confidence: understanding ? round(understanding.confidence) : null,
    sentiment: understanding?.signals.sentiment ?? null,
    language: language && language !== 'und' ? language : null,
    summary: request.summary ?? summarize(request),
    kbTried: [...kb.values()].sort((a, b) => b.score - a.score).slice(0, DESK_LIMITS.kbTried),
    slots: { ...request.slots },
    channel: at.channel,
    deskRefs: {},
    openedAt: at.now,
    thread: [{ from: 'system', text: `Handed off: ${request.reason}`, at: at.now }],
  };
}

/** The last customer messages, newest last, within the summary budget. */
function summarize(request: HandoffRequest): string {
  const messages = request.context.history
    .filter((h) => h.role === 'customer' && h.text.trim() !== '')
    .slice(-DESK_LIMITS.summaryMessages)
    .map((h) => h.text.trim().replace(/\s+/g, ' '));
  if (messages.length === 0) return request.reason;
  return clip(messages.join('\n'), DESK_LIMITS.summaryChars);
}

const PHONE_LIKE = /^\+?[\d\s().-]+$/;

/**
 * Masks a handle that is a phone number (WhatsApp ids are): keeps the first two
 * digits (about the country code) and the last two, `+34 •••• ••12`. Other handles
 * (Slack ids, Discord snowflakes of 17+ digits, names) are returned as they are.
 */
export function maskHandle(handle: string): string {
  const digits = handle.replace(/\D/g, '');
  if (!PHONE_LIKE.test(handle) || digits.length < 7 || digits.length > 15) return handle;
  return `+${digits.slice(0, 2)} •••• ••${digits.slice(-2)}`;
}

/** Caps one thread entry's text (the platform thread keeps the full text). */
function boundEntry(entry: TicketThreadEntry): TicketThreadEntry {
  return entry.text.length > DESK_LIMITS.entryChars
    ? { ...entry, text: clip(entry.text, DESK_LIMITS.entryChars) }
    : entry;
}

/** Appends entries, keeping the thread within its bound (oldest dropped). */
export function appendThread(
  thread: readonly TicketThreadEntry[],
  ...entries: TicketThreadEntry[]
): TicketThreadEntry[] {
  return [...thread, ...entries.map(boundEntry)].slice(-DESK_LIMITS.threadEntries);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
