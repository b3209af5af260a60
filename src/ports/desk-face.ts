import type { Ticket, TicketThreadEntry } from '../model/ticket.ts';
import type { DeskRejection } from './handoff-desk.ts';

/**
 * One face of the desk (the Slack triage channel, the sandbox desk). The desk core
 * (`src/desk/`) owns tickets, routing, timers and who may act; a face only renders
 * them. Every call carries an idempotency key and must be safe to repeat.
 */
export interface DeskFace {
  readonly name: string;
  /** Posts the ticket's card; returns where it lives (stored in `ticket.deskRefs[name]`). */
  postCard(ticket: Ticket, idempotencyKey: string): Promise<Readonly<Record<string, string>>>;
  /** Re-renders the card in place (state, assignee, level, buttons that still apply). */
  updateCard(ticket: Ticket, idempotencyKey: string): Promise<void>;
  /** Posts one entry (customer message, notice, rating, reminder) into the card's thread. */
  postInThread(ticket: Ticket, entry: TicketThreadEntry, idempotencyKey: string): Promise<void>;
  /** Answers a staff member whose action was not done (ephemeral in Slack). */
  tellActor(rejection: DeskRejection, idempotencyKey: string): Promise<void>;
  /** Marks a staff reply as delivered to the customer (a reaction in Slack). */
  confirmStaffReply(
    ticket: Ticket,
    replyContext: Readonly<Record<string, string>>,
    idempotencyKey: string,
  ): Promise<void>;
  /** Announces an escalation in the escalation channel with a link to the thread. */
  postEscalation(ticket: Ticket, idempotencyKey: string): Promise<void>;
}
