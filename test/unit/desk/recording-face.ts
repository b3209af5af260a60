import type { Ticket, TicketThreadEntry } from '../../../src/model/ticket.ts';
import type { DeskFace } from '../../../src/ports/desk-face.ts';
import type { DeskRejection } from '../../../src/ports/handoff-desk.ts';

export interface FaceCall {
  readonly op:
    | 'postCard'
    | 'updateCard'
    | 'postInThread'
    | 'tellActor'
    | 'confirmStaffReply'
    | 'postEscalation'
    | 'postInChannel';
  readonly key: string;
  readonly ticketId: string | null;
  readonly entry?: TicketThreadEntry;
  readonly ticket?: Ticket;
  readonly reason?: string;
}

/**
 * A desk face that records every call (effects are counted here, at the stub) and
 * can be told to fail: `failNext(op, n)` fails the next n calls of that operation.
 */
export class RecordingFace implements DeskFace {
  readonly name: string;
  readonly calls: FaceCall[] = [];
  readonly #failures = new Map<FaceCall['op'], number>();
  #cards = 0;

  constructor(name = 'test') {
    this.name = name;
  }

  failNext(op: FaceCall['op'], times = 1): void {
    this.#failures.set(op, times);
  }

  count(op: FaceCall['op'], ticketId?: string): number {
    return this.calls.filter((c) => c.op === op && (ticketId === undefined || c.ticketId === ticketId))
      .length;
  }

  entries(ticketId?: string): TicketThreadEntry[] {
    return this.calls
      .filter((c) => c.op === 'postInThread' && (ticketId === undefined || c.ticketId === ticketId))
      .flatMap((c) => (c.entry ? [c.entry] : []));
  }

  #record(call: FaceCall): void {
    const left = this.#failures.get(call.op) ?? 0;
    if (left > 0) {
      this.#failures.set(call.op, left - 1);
      throw new Error(`${this.name}: ${call.op} failed on purpose`);
    }
    this.calls.push(call);
  }

  async postCard(ticket: Ticket, key: string) {
    this.#record({ op: 'postCard', key, ticketId: ticket.id, ticket });
    this.#cards++;
    return { channel: ticket.channel, ts: `${this.#cards}.000100` };
  }

  async updateCard(ticket: Ticket, key: string) {
    this.#record({ op: 'updateCard', key, ticketId: ticket.id, ticket });
  }

  async postInThread(ticket: Ticket, entry: TicketThreadEntry, key: string) {
    this.#record({ op: 'postInThread', key, ticketId: ticket.id, entry });
  }

  async tellActor(rejection: DeskRejection, key: string) {
    this.#record({ op: 'tellActor', key, ticketId: rejection.ticketId, reason: rejection.reason });
  }

  async confirmStaffReply(ticket: Ticket, _replyContext: Readonly<Record<string, string>>, key: string) {
    this.#record({ op: 'confirmStaffReply', key, ticketId: ticket.id });
  }

  async postEscalation(ticket: Ticket, key: string) {
    this.#record({ op: 'postEscalation', key, ticketId: ticket.id, ticket });
  }

  async postInChannel(channel: string, entry: TicketThreadEntry, key: string) {
    this.#record({ op: 'postInChannel', key, ticketId: null, entry, reason: channel });
  }
}
