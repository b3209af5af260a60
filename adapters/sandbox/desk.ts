import type { OwnershipState } from '../../src/model/ownership.ts';
import type { Ticket, TicketThreadEntry } from '../../src/model/ticket.ts';
import type { DeskFace } from '../../src/ports/desk-face.ts';
import type { DeskRejection } from '../../src/ports/handoff-desk.ts';
import type { Mailbox } from '../../src/ports/mailbox.ts';

/** Name of the sandbox face (its key in `ticket.deskRefs`, and `DeskActor.face`). */
export const SANDBOX_DESK_FACE = 'sandbox';

/**
 * Event ids of staff actions made through the sandbox desk start with this. Not
 * `sbx_`: replies to those go back to the request that sent them, while a staff
 * reply must reach the customer's conversation box.
 */
export const SANDBOX_DESK_EVENT_PREFIX = 'desk_';

/** Mailbox box where the outcome of one sandbox desk action arrives. */
export function deskActionBox(eventId: string): string {
  return `sandbox:desk-action:${eventId}`;
}

/** What the HTTP request (or terminal) that made a sandbox desk action waits for. */
export type DeskActionSignal =
  | {
      readonly type: 'effect';
      readonly effect: 'updateCard' | 'postInThread' | 'confirmStaffReply' | 'postEscalation';
    }
  | { readonly type: 'rejected'; readonly reason: string }
  | { readonly type: 'end'; readonly state: OwnershipState };

/**
 * The sandbox face of the desk. The desk core keeps tickets and threads, and the
 * sandbox desk API (`desk-routes.ts`) reads them from there, so this face renders
 * nothing: its job is to tell a waiting sandbox action what the engine did with it.
 * Effects whose idempotency key starts with a sandbox action's event id are pushed
 * to that action's mailbox box, whichever process ran the turn.
 */
export function createSandboxDeskFace(config: { readonly mailbox: Mailbox }): DeskFace {
  async function signal(key: string, item: DeskActionSignal): Promise<void> {
    if (!key.startsWith(SANDBOX_DESK_EVENT_PREFIX)) return;
    const end = key.indexOf(':');
    await config.mailbox.push(deskActionBox(end < 0 ? key : key.slice(0, end)), item);
  }

  return {
    name: SANDBOX_DESK_FACE,
    async postCard(ticket: Ticket) {
      return { ticket: ticket.id };
    },
    async updateCard(_ticket: Ticket, key: string) {
      await signal(key, { type: 'effect', effect: 'updateCard' });
    },
    async postInThread(_ticket: Ticket, _entry: TicketThreadEntry, key: string) {
      await signal(key, { type: 'effect', effect: 'postInThread' });
    },
    async tellActor(rejection: DeskRejection, key: string) {
      await signal(key, { type: 'rejected', reason: rejection.reason });
    },
    async confirmStaffReply(_ticket: Ticket, _replyContext: Readonly<Record<string, string>>, key: string) {
      await signal(key, { type: 'effect', effect: 'confirmStaffReply' });
    },
    async postEscalation(_ticket: Ticket, key: string) {
      await signal(key, { type: 'effect', effect: 'postEscalation' });
    },
  };
}
