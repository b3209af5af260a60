import type { InboundAction, InboundMessage } from '../../src/model/inbound-event.ts';

let counter = 0;

/** A customer message on the fake platform. */
export function customerMessage(
  conversation: string,
  text: string,
  overrides: Partial<InboundMessage> = {},
): InboundMessage {
  counter++;
  return {
    kind: 'message',
    id: `msg-${process.pid}-${Date.now()}-${counter}`,
    ref: { platform: 'fake', workspace: 'w1', channel: 'c1', threadOrUser: conversation },
    at: Date.now(),
    from: { id: `cust-${conversation}`, role: 'customer', name: 'Ada' },
    text,
    ...overrides,
  };
}

export function deskAction(
  conversation: string,
  action: InboundAction['action'],
  by = 'U07STAFF001',
): InboundAction {
  counter++;
  return {
    kind: 'action',
    id: `act-${process.pid}-${Date.now()}-${counter}`,
    ref: { platform: 'fake', workspace: 'w1', channel: 'c1', threadOrUser: conversation },
    at: Date.now(),
    actor: { id: by, role: 'staff' },
    action,
  };
}
