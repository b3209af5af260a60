import type { ConversationContext } from '../../src/model/context.ts';
import type { InboundMessage, ReplyContext } from '../../src/model/inbound-event.ts';
import type { HandoffTicket, Ownership } from '../../src/model/ownership.ts';
import type { DeskNotice, DeskRejection, HandoffDesk, HandoffRequest } from '../../src/ports/handoff-desk.ts';

export type DeskCall =
  | { readonly type: 'open'; readonly key: string; readonly request: HandoffRequest }
  | {
      readonly type: 'relay';
      readonly key: string;
      readonly ticket: HandoffTicket;
      readonly text: string;
      readonly eventId: string;
      readonly attachments?: InboundMessage['attachments'];
    }
  | {
      readonly type: 'update';
      readonly key: string;
      readonly ticket: HandoffTicket;
      readonly state: Ownership['state'];
    }
  | {
      readonly type: 'notify';
      readonly key: string;
      readonly ticket: HandoffTicket | null;
      readonly notice: DeskNotice;
    }
  | { readonly type: 'reject'; readonly key: string; readonly rejection: DeskRejection }
  | {
      readonly type: 'confirm';
      readonly key: string;
      readonly ticket: HandoffTicket;
      readonly replyContext: ReplyContext;
    }
  | { readonly type: 'rate'; readonly key: string; readonly ticket: HandoffTicket; readonly score: number };

/**
 * A desk that records every call the engine makes (the stub effects are counted at),
 * and can be made to fail: `failNext(n)` fails the next n calls, `down = true` fails
 * every call until set back.
 */
export class RecordingDesk implements HandoffDesk {
  readonly calls: DeskCall[] = [];
  down = false;
  #failures = 0;

  failNext(n = 1): void {
    this.#failures += n;
  }

  of<T extends DeskCall['type']>(type: T): Extract<DeskCall, { type: T }>[] {
    return this.calls.filter((c): c is Extract<DeskCall, { type: T }> => c.type === type);
  }

  #gate(): void {
    if (this.down) throw new Error('desk is down');
    if (this.#failures > 0) {
      this.#failures--;
      throw new Error('desk failed');
    }
  }

  async open(request: HandoffRequest, key: string): Promise<HandoffTicket> {
    this.#gate();
    this.calls.push({ type: 'open', key, request });
    return { id: request.ticketId, openedAt: Date.now(), reason: request.reason, escalationLevel: 0 };
  }

  async relayCustomerMessage(
    ticket: HandoffTicket,
    message: InboundMessage,
    _c: ConversationContext,
    key: string,
  ) {
    this.#gate();
    this.calls.push({
      type: 'relay',
      key,
      ticket,
      text: message.text,
      eventId: message.id,
      ...(message.attachments ? { attachments: message.attachments } : {}),
    });
  }

  async update(ticket: HandoffTicket, ownership: Ownership, _c: ConversationContext, key: string) {
    this.#gate();
    this.calls.push({ type: 'update', key, ticket, state: ownership.state });
  }

  async notify(
    ticket: HandoffTicket | null,
    notice: DeskNotice,
    _c: ConversationContext | null,
    key: string,
  ) {
    this.#gate();
    this.calls.push({ type: 'notify', key, ticket, notice });
  }

  async reject(rejection: DeskRejection, key: string) {
    this.#gate();
    this.calls.push({ type: 'reject', key, rejection });
  }

  async confirmStaffReply(ticket: HandoffTicket, replyContext: ReplyContext, key: string) {
    this.#gate();
    this.calls.push({ type: 'confirm', key, ticket, replyContext });
  }

  async rate(ticket: HandoffTicket, score: number, key: string) {
    this.#gate();
    this.calls.push({ type: 'rate', key, ticket, score });
  }
}
