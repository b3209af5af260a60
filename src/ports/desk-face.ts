import type { Participant } from '../model/conversation-ref.ts';
import type { OwnershipState } from '../model/ownership.ts';
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
  /**
   * Posts a notice that concerns no ticket (a dead letter before any handoff) into
   * `channel`, the routing default. Optional: a face without it skips such notices.
   */
  postInChannel?(channel: string, entry: TicketThreadEntry, idempotencyKey: string): Promise<void>;
}

/**
 * Keys a face may put into a staff action's `replyContext` so the desk core can
 * route the answer back: `face` (the face's `name`; `tellActor` and
 * `confirmStaffReply` then go to that face only, and the other faces get the staff
 * reply as a thread entry), `actor` (staff id) and `text` (the reply text, kept in
 * the ticket's bounded thread). All optional: without `face`, every face is called.
 */
export const DESK_REPLY_CONTEXT = {
  face: 'deskFace',
  actor: 'deskActor',
  text: 'deskText',
} as const;

/** A staff member acting through one face (a Slack user, a sandbox tester). */
export interface DeskActor {
  /** The face's `name` (`slack`, `sandbox`). */
  readonly face: string;
  readonly id: string;
  readonly name?: string;
}

/**
 * Who may act through one face. An actor may act when its id is in `users`, or
 * `anyNamed` is set and its id is not blank (the sandbox), or `isMember` says yes
 * (e.g. a Slack user-group lookup the Slack face injects). A face without a rule
 * lets nobody act.
 */
export interface StaffRule {
  readonly users?: readonly string[];
  readonly anyNamed?: boolean;
  readonly isMember?: (actorId: string) => Promise<boolean>;
}

export interface TicketFilter {
  /** One state or several; default: the open ones (`waiting_for_human`, `human`). */
  readonly state?: OwnershipState | readonly OwnershipState[];
  readonly limit?: number;
}

/**
 * What a desk face (and the sandbox desk API) may ask the desk core: read tickets,
 * find the ticket behind a card, add internal notes, check who may act. Staff
 * actions themselves (claim, reply, resolve, escalate) go through the `EventSink`
 * as `InboundAction`s, so they are ordered with the customer's messages.
 */
export interface DeskCore {
  get(ticketId: string): Promise<Ticket | null>;
  /**
   * The ticket whose card a face posted at `ref`. Matches the record `postCard`
   * returned exactly (same keys and values, in any order), so a face must return only
   * the fields that identify the card (Slack: `{ channel, ts }`).
   */
  findByDeskRef(face: string, ref: Readonly<Record<string, string>>): Promise<Ticket | null>;
  /** Tickets, most urgent first, then oldest first. Open tickets by default. */
  list(filter?: TicketFilter): Promise<readonly Ticket[]>;
  /**
   * Adds an internal note to the ticket's thread: never relayed to the customer,
   * posted into the thread of every face except `options.face` (where it was written).
   * Returns the updated ticket, or null when the ticket is unknown.
   */
  addNote(
    ticketId: string,
    staff: Participant,
    text: string,
    options?: { readonly face?: string; readonly idempotencyKey?: string },
  ): Promise<Ticket | null>;
  /** Whether this staff member may act on tickets (the face's `StaffRule`). */
  mayAct(actor: DeskActor): Promise<boolean>;
}
