import type { ConversationContext } from '../../src/model/context.ts';
import type { InboundMessage } from '../../src/model/inbound-event.ts';
import type { HandoffTicket, Ownership } from '../../src/model/ownership.ts';
import type { Clock } from '../../src/ports/clock.ts';
import type { DeskNotice, DeskRejection, HandoffDesk, HandoffRequest } from '../../src/ports/handoff-desk.ts';
import type { Logger } from '../../src/ports/logger.ts';

/** What the sandbox desk shows staff (testers) about one handoff. */
export interface SandboxDeskCard {
  readonly ticket: HandoffTicket;
  readonly conversation: string;
  readonly reason: string;
  state: Ownership['state'];
  readonly thread: { readonly from: 'customer' | 'desk'; readonly text: string; readonly eventId?: string }[];
}

/**
 * The desk used when Slack is not configured: keeps cards and threads in memory
 * and logs them, so handoffs work end to end in the sandbox and the terminal chat.
 * `requestId` makes `open` idempotent, as a retried turn must not open two cards.
 */
export class SandboxDesk implements HandoffDesk {
  readonly cards = new Map<string, SandboxDeskCard>();
  readonly #logger: Logger;
  readonly #clock: Clock;

  constructor(options: { logger: Logger; clock: Clock }) {
    this.#logger = options.logger;
    this.#clock = options.clock;
  }

  async open(request: HandoffRequest): Promise<HandoffTicket> {
    const existing = this.cards.get(request.ticketId);
    if (existing) return existing.ticket;
    const ticket: HandoffTicket = {
      id: request.ticketId,
      openedAt: this.#clock.now(),
      reason: request.reason,
      escalationLevel: 0,
    };
    this.cards.set(ticket.id, {
      ticket,
      conversation: request.context.key,
      reason: request.reason,
      state: 'waiting_for_human',
      thread: [],
    });
    this.#logger.info(
      { ticket: ticket.id, conversation: request.context.key, reason: request.reason },
      'sandbox desk: handoff opened',
    );
    return ticket;
  }

  async relayCustomerMessage(ticket: HandoffTicket, message: InboundMessage): Promise<void> {
    const card = this.cards.get(ticket.id);
    // A retried turn relays again: keep one copy per message.
    if (!card || card.thread.some((entry) => entry.eventId === message.id)) return;
    card.thread.push({ from: 'customer', text: message.text, eventId: message.id });
  }

  async update(ticket: HandoffTicket, ownership: Ownership): Promise<void> {
    const card = this.cards.get(ticket.id);
    if (card) card.state = ownership.state;
    this.#logger.info({ ticket: ticket.id, state: ownership.state }, 'sandbox desk: handoff updated');
  }

  async reject(rejection: DeskRejection): Promise<void> {
    this.#logger.info({ ticket: rejection.ticketId, action: rejection.action }, rejection.reason);
  }

  async confirmStaffReply(): Promise<void> {}

  async rate(ticket: HandoffTicket, score: number): Promise<void> {
    this.cards.get(ticket.id)?.thread.push({ from: 'desk', text: `Customer rated ${score}/5` });
  }

  async notify(
    ticket: HandoffTicket | null,
    notice: DeskNotice,
    context: ConversationContext | null,
  ): Promise<void> {
    if (ticket) this.cards.get(ticket.id)?.thread.push({ from: 'desk', text: notice.text });
    this.#logger.warn(
      { ticket: ticket?.id, conversation: context?.key, code: notice.code, kind: notice.kind },
      notice.text,
    );
  }
}
