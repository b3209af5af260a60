import type { ConversationContext } from '../../model/context.ts';
import type { InboundSystemEvent } from '../../model/inbound-event.ts';
import type { HandoffTicket } from '../../model/ownership.ts';
import type { CopyFor } from '../../ports/copy.ts';
import type { Decision } from '../decision.ts';
import { raisePriority } from '../handoff-policy.ts';
import { isHumanOwned } from '../ownership.ts';
import { RATING_CHOICES } from './desk-action.ts';
import { TurnBuilder } from './turn-builder.ts';

export interface SystemEventInput {
  readonly event: InboundSystemEvent;
  readonly context: ConversationContext;
  readonly now: number;
  /** What the bot says, per locale. */
  readonly copy: CopyFor;
}

/** Desk timers the engine acts on (scheduled by the desk core, `src/desk/timers.ts`). */
export const DESK_TIMERS = [
  'unclaimed_reminder',
  'auto_escalate',
  'waiting_reminder',
  'idle_resolve',
] as const;

/**
 * Pure: decides a platform or runtime notice. Unsupported content gets a polite note
 * from the bot — unless staff own the conversation, when the bot stays silent and
 * the desk is told instead. Timers act only on the ticket they were set for, in the
 * state they were set for.
 */
export function decideSystemEvent(input: SystemEventInput): Decision {
  const { event, context, now } = input;
  const turn = new TurnBuilder(event, context, now);
  turn.debug = { eventId: event.id, intent: null, confidence: null, kb: [], route: `system_${event.type}` };
  const ticket = context.ownership.ticket;
  const state = context.ownership.state;

  switch (event.type) {
    case 'unsupported_content':
      if (isHumanOwned(state)) {
        if (ticket) {
          turn.effect({
            type: 'desk_relay',
            ticket,
            message: {
              eventId: event.id,
              text: `[the customer sent content the bot cannot show: ${event.detail}]`,
              at: event.at,
              from: { id: context.customerId },
            },
          });
        }
      } else {
        turn.reply({ kind: 'text', text: input.copy(context.language).unsupported }, 'notice');
      }
      return turn.build();
    case 'delivery_failed':
      turn.effect({
        type: 'desk_notify',
        ticket: ticket && isHumanOwned(state) ? ticket : null,
        notice: { kind: 'delivery_failed', text: event.detail, ...(event.code ? { code: event.code } : {}) },
      });
      return turn.build();
    case 'timer':
      if (!ticket || event.ticketId !== ticket.id) return turn.build();
      timer(turn, event, ticket, state, input.copy);
      return turn.build();
  }
}

function timer(
  turn: TurnBuilder,
  event: InboundSystemEvent,
  ticket: HandoffTicket,
  state: string,
  copy: CopyFor,
): void {
  switch (event.timer) {
    case 'unclaimed_reminder':
      if (state !== 'waiting_for_human') return;
      turn.effect({ type: 'desk_notify', ticket, notice: { kind: 'reminder', text: event.detail } });
      return;
    case 'auto_escalate': {
      if (state !== 'waiting_for_human') return;
      const escalated: HandoffTicket = {
        ...ticket,
        escalationLevel: ticket.escalationLevel + 1,
        priority: raisePriority(ticket.priority),
      };
      turn.setTicket(escalated);
      turn.effect({ type: 'desk_update', ticket: escalated, ownership: turn.ownership, step: 'escalated' });
      turn.effect({
        type: 'desk_notify',
        ticket: escalated,
        notice: { kind: 'reminder', text: event.detail },
      });
      return;
    }
    case 'waiting_reminder':
      if (state !== 'human') return;
      turn.effect({ type: 'desk_notify', ticket, notice: { kind: 'reminder', text: event.detail } });
      return;
    case 'idle_resolve':
      if (state !== 'human') return;
      turn.move('resolved', 'desk', event.detail || 'customer silent after a staff reply');
      turn.reply(
        { kind: 'handoff_notice', text: copy(turn.context.language).resolved, state: 'resolved' },
        'resolved',
      );
      turn.reply(
        { kind: 'choices', text: copy(turn.context.language).ratingRequest, choices: RATING_CHOICES },
        'rating_request',
      );
      turn.changes.awaitingRating = ticket.id;
      turn.changes.pendingChoices = RATING_CHOICES;
      turn.effect({ type: 'desk_update', ticket, ownership: turn.ownership, step: 'resolved' });
      turn.effect({ type: 'desk_notify', ticket, notice: { kind: 'info', text: event.detail } });
      return;
    default:
      return;
  }
}
