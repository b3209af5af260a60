import type { Capabilities } from '../../model/capabilities.ts';
import type { ConversationContext } from '../../model/context.ts';
import type { DeskAction, InboundAction } from '../../model/inbound-event.ts';
import type { HandoffTicket } from '../../model/ownership.ts';
import type { CopyFor } from '../../ports/copy.ts';
import { ENGINE_CHOICES } from '../choices.ts';
import type { Decision } from '../decision.ts';
import { raisePriority } from '../handoff-policy.ts';
import { newContext } from '../turn-changes.ts';
import { TurnBuilder } from './turn-builder.ts';

export interface DeskActionInput {
  readonly event: InboundAction;
  readonly context: ConversationContext;
  readonly now: number;
  readonly capabilities: Capabilities;
  /** What the bot says, per locale. */
  readonly copy: CopyFor;
}

/** The 1–5 rating choices sent after a resolve. */
export const RATING_CHOICES = [1, 2, 3, 4, 5].map((n) => ({
  id: `${ENGINE_CHOICES.ratingPrefix}${n}`,
  label: String(n),
}));

/**
 * Pure: decides a staff action. Every action is checked against the stored state —
 * the ticket it was made on must be the conversation's current one, and the move
 * must still apply — and one that does not is answered to the staff member who
 * made it, never silently dropped and never applied to another ticket.
 */
export function decideDeskAction(input: DeskActionInput): Decision {
  const { event, context, now } = input;
  const action = event.action;
  const turn = new TurnBuilder(event, context, now);
  turn.debug = { eventId: event.id, intent: null, confidence: null, kb: [], route: `desk_${action.type}` };

  if (action.type === 'reset') {
    const fresh = newContext(context.key, context.ref, context.customerId, now);
    return { context: fresh, effects: [], debug: null };
  }

  const ticket = context.ownership.ticket;
  const state = context.ownership.state;
  const actor = event.actor.name ?? event.actor.id;
  const reject = (reason: string): Decision => {
    turn.effect({
      type: 'desk_reject',
      ticketId: event.ticketId ?? null,
      actor: { id: event.actor.id, ...(event.actor.name ? { name: event.actor.name } : {}) },
      action: action.type,
      reason,
      ...(event.replyContext ? { replyContext: event.replyContext } : {}),
    });
    turn.debug = {
      ...(turn.debug ?? { eventId: event.id, intent: null, confidence: null, kb: [] }),
      route: 'desk_rejected',
    };
    return turn.build();
  };

  if (!ticket || event.ticketId === undefined || event.ticketId !== ticket.id || state === 'bot') {
    return reject(
      ticket && state !== 'bot'
        ? 'This card belongs to an earlier handoff; the conversation has a newer one.'
        : 'This handoff is closed; nothing was changed.',
    );
  }
  if (state === 'resolved') {
    return reject(alreadyResolved(context, action));
  }

  switch (action.type) {
    case 'claim': {
      if (state === 'human') {
        return reject(
          ticket.assignee === event.actor.id
            ? 'You already claimed this handoff.'
            : `Already claimed by ${ticket.assignee ?? 'someone else'}.`,
        );
      }
      claim(turn, ticket, event.actor.id, 'claimed');
      return turn.build();
    }
    case 'staff_reply': {
      if (state === 'waiting_for_human') claim(turn, ticket, event.actor.id, 'first staff reply');
      else if (!ticket.assignee) assign(turn, ticket, event.actor.id);
      const current = turn.ownership.ticket ?? ticket;
      // Whether the customer can still be reached (a closed WhatsApp window, a user who
      // blocked the bot) is the channel's answer: it sends a configured template or
      // throws, and the failure is reported in the ticket's thread.
      const sendKey = turn.reply({ kind: 'text', text: action.text }, 'staff_reply', { role: 'staff' });
      if (event.replyContext) {
        turn.effect({ type: 'desk_confirm', ticket: current, sendKey, replyContext: event.replyContext });
      }
      return turn.build();
    }
    case 'escalate': {
      if (action.fromLevel !== undefined && action.fromLevel !== ticket.escalationLevel) {
        return reject(`Already escalated to level ${ticket.escalationLevel}.`);
      }
      const escalated: HandoffTicket = {
        ...ticket,
        escalationLevel: ticket.escalationLevel + 1,
        priority: raisePriority(ticket.priority),
      };
      turn.setTicket(escalated);
      turn.effect({ type: 'desk_update', ticket: escalated, ownership: turn.ownership, step: 'escalated' });
      return turn.build();
    }
    case 'resolve': {
      if (state === 'waiting_for_human') turn.move('human', event.actor.id, 'resolved without claim');
      turn.move('resolved', event.actor.id, action.note ?? `resolved by ${actor}`);
      const resolved: HandoffTicket = { ...ticket, ...(ticket.assignee ? {} : { assignee: event.actor.id }) };
      turn.setTicket(resolved);
      turn.reply(
        { kind: 'handoff_notice', text: input.copy(context.language).resolved, state: 'resolved' },
        'resolved',
      );
      turn.reply(
        { kind: 'choices', text: input.copy(context.language).ratingRequest, choices: RATING_CHOICES },
        'rating_request',
      );
      turn.changes.awaitingRating = ticket.id;
      turn.changes.pendingChoices = RATING_CHOICES;
      turn.effect({ type: 'desk_update', ticket: resolved, ownership: turn.ownership, step: 'resolved' });
      return turn.build();
    }
  }
}

function claim(turn: TurnBuilder, ticket: HandoffTicket, by: string, reason: string): void {
  turn.move('human', by, reason);
  const claimed: HandoffTicket = { ...ticket, assignee: by };
  turn.setTicket(claimed);
  turn.effect({ type: 'desk_update', ticket: claimed, ownership: turn.ownership, step: 'claimed' });
}

function assign(turn: TurnBuilder, ticket: HandoffTicket, by: string): void {
  const assigned: HandoffTicket = { ...ticket, assignee: by };
  turn.setTicket(assigned);
  turn.effect({ type: 'desk_update', ticket: assigned, ownership: turn.ownership, step: 'assigned' });
}

function alreadyResolved(context: ConversationContext, action: DeskAction): string {
  const by = [...context.transitions].reverse().find((t) => t.to === 'resolved')?.by;
  const who = by ? ` by ${by}` : '';
  return action.type === 'staff_reply'
    ? `This conversation was already resolved${who}; your reply was not sent.`
    : `Already resolved${who}.`;
}
