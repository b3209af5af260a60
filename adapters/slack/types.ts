import type { TurnDebug } from '../../src/model/context.ts';
import type { ConversationRef, Participant } from '../../src/model/conversation-ref.ts';
import type { Ticket } from '../../src/model/ticket.ts';

/**
 * What the Slack listeners need from the desk core (`src/desk/`): find the ticket a
 * button or a thread belongs to and keep internal notes. Declared here so the adapter
 * depends on a port-shaped interface, not on the desk's implementation; `src/main.ts`
 * passes the desk core, which satisfies it structurally.
 */
export interface SlackDeskLookup {
  get(ticketId: string): Promise<Ticket | null>;
  /** The ticket whose Slack card is the message `ref.ts` in `ref.channel`. */
  findByDeskRef(face: string, ref: Readonly<Record<string, string>>): Promise<Ticket | null>;
  /** Records an internal note on the ticket (never sent to the customer). */
  addNote(ticketId: string, staff: Participant, text: string): Promise<unknown>;
}

/** Whether a Slack user may act on handoffs (Claim, Resolve, Escalate, replies). */
export type StaffCheck = (userId: string) => Promise<boolean>;

/** Reads the engine's debug of a conversation's last turn (for `/switchboard debug`). */
export type LastTurnReader = (ref: ConversationRef) => Promise<TurnDebug | null>;

/** A Slack file as message events carry it (only the fields we read). */
export interface SlackFile {
  readonly id?: string;
  readonly name?: string;
  readonly title?: string;
  readonly mimetype?: string;
  readonly size?: number;
  readonly url_private?: string;
  readonly permalink?: string;
}

/** The `message` event fields we read. @see https://docs.slack.dev/reference/events/message */
export interface SlackMessageEvent {
  readonly type: 'message';
  readonly subtype?: string;
  readonly channel?: string;
  readonly channel_type?: string;
  readonly user?: string;
  readonly bot_id?: string;
  readonly text?: string;
  readonly ts?: string;
  readonly thread_ts?: string;
  readonly hidden?: boolean;
  readonly files?: readonly SlackFile[];
  /** `message_changed`: the new version. */
  readonly message?: SlackMessageEvent;
  /** `message_changed`: the old version. */
  readonly previous_message?: SlackMessageEvent;
}
