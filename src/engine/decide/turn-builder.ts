import { createHash } from 'node:crypto';
import type { ConversationContext, HistoryEntry, TurnDebug } from '../../model/context.ts';
import type { InboundEvent } from '../../model/inbound-event.ts';
import type { OutboundMessage, OutboundPurpose } from '../../model/outbound-message.ts';
import { outboundText } from '../../model/outbound-message.ts';
import type { HandoffTicket, Ownership, OwnershipState, OwnershipTransition } from '../../model/ownership.ts';
import { type Decision, type Effect, effectKey } from '../decision.ts';
import { transition } from '../ownership.ts';
import { type TurnChanges, applyTurnChanges } from '../turn-changes.ts';

type Unkeyed<T> = T extends Effect ? Omit<T, 'key'> : never;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Scratchpad of one pure decision: collects effects (each keyed by the event id and
 * its position), history, ownership transitions and context changes, then builds
 * the `Decision`. Ownership moves are validated against the loaded state, so an
 * invalid move throws instead of overwriting it.
 */
export class TurnBuilder {
  readonly event: InboundEvent;
  readonly context: ConversationContext;
  readonly now: number;
  readonly #effects: Effect[] = [];
  readonly #history: HistoryEntry[] = [];
  readonly #transitions: OwnershipTransition[] = [];
  ownership: Ownership;
  changes: Mutable<Omit<TurnChanges, 'history' | 'transitions' | 'ownership'>> = {};
  debug: TurnDebug | null = null;

  constructor(event: InboundEvent, context: ConversationContext, now: number) {
    this.event = event;
    this.context = context;
    this.now = now;
    this.ownership = context.ownership;
  }

  /** Number the next effect would get; used to derive related keys. */
  get nextIndex(): number {
    return this.#effects.length;
  }

  effect(effect: Unkeyed<Effect>): string {
    const key = effectKey(this.event.id, this.#effects.length);
    this.#effects.push({ ...effect, key } as Effect);
    return key;
  }

  /** A message to the customer of this conversation. */
  reply(
    message: OutboundMessage,
    purpose: OutboundPurpose,
    extra: { role?: HistoryEntry['role'] } = {},
  ): string {
    const key = this.effect({
      type: 'send',
      ref: this.event.ref,
      message,
      purpose,
      replyTo: this.event.id,
      ...(this.event.replyContext && this.event.kind === 'message'
        ? { replyContext: this.event.replyContext }
        : {}),
      ...(this.ownership.ticket ? { ticket: this.ownership.ticket } : {}),
    });
    const role = extra.role ?? (message.kind === 'handoff_notice' ? 'system' : 'bot');
    this.#history.push({ role, text: outboundText(message), at: this.now });
    return key;
  }

  remember(entry: HistoryEntry): void {
    this.#history.push(entry);
  }

  move(to: OwnershipState, by: string, reason: string): void {
    const { ownership, record } = transition(this.ownership, { to, by, at: this.now, reason });
    this.ownership = ownership;
    this.#transitions.push(record);
  }

  setTicket(ticket: HandoffTicket): void {
    this.ownership = { ...this.ownership, ticket };
  }

  build(): Decision {
    const changes: TurnChanges = {
      ...this.changes,
      history: this.#history,
      transitions: this.#transitions,
      ownership: this.ownership,
      ...(this.debug ? { lastTurn: this.debug } : {}),
    };
    return {
      context: applyTurnChanges(this.context, changes, this.now),
      effects: this.#effects,
      debug: this.debug,
    };
  }
}

/** A short, stable ticket id for the handoff opened by `eventId` in `conversation`. */
export function ticketIdFor(conversation: string, eventId: string): string {
  return `t-${createHash('sha256').update(`${conversation}\n${eventId}`).digest('hex').slice(0, 12)}`;
}
