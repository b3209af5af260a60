import type { InboundAction, InboundMessage } from '../../src/model/inbound-event.ts';

let counter = 0;

/** A fresh event id and the fake platform's reference for `conversation`. */
function base(kind: string, conversation: string) {
  counter++;
  return {
    id: `${kind}-${process.pid}-${Date.now()}-${counter}`,
    ref: { platform: 'fake', workspace: 'w1', channel: 'c1', threadOrUser: conversation },
    at: Date.now(),
  };
}

/** A customer message on the fake platform. */
export function customerMessage(
  conversation: string,
  text: string,
  overrides: Partial<InboundMessage> = {},
): InboundMessage {
  return {
    kind: 'message',
    ...base('msg', conversation),
    from: { id: `cust-${conversation}`, role: 'customer', name: 'Ada' },
    text,
    ...overrides,
  };
}

/** A staff action on the fake platform's conversation, made on the card of `ticketId`. */
export function deskAction(
  conversation: string,
  action: InboundAction['action'],
  ticketId: string | undefined,
  by = 'U07STAFF001',
  extra: Partial<InboundAction> = {},
): InboundAction {
  return {
    kind: 'action',
    ...base('act', conversation),
    actor: { id: by, role: 'staff' },
    action,
    ...(ticketId ? { ticketId } : {}),
    ...extra,
  };
}

/** The reference of `conversation` on the fake platform. */
export function fakeRef(conversation: string) {
  return { platform: 'fake', workspace: 'w1', channel: 'c1', threadOrUser: conversation };
}
