import { toConversationKey } from '../../src/model/conversation-key.ts';
import type { Ticket } from '../../src/model/ticket.ts';

const ref = {
  platform: 'whatsapp',
  workspace: '105555555555555',
  channel: 'dm',
  threadOrUser: '447700900123',
};

/** A desk ticket shaped like the shared fixtures (handoff `hf_8f3k2`, customer Maria Lopez on WhatsApp). */
export function slackTicket(overrides: Partial<Ticket> = {}): Ticket {
  return {
    id: 'hf_8f3k2',
    conversationKey: toConversationKey(ref),
    ref,
    state: 'waiting_for_human',
    priority: 'high',
    escalationLevel: 0,
    reason: 'customer asked for a person',
    customer: { displayName: 'Maria Lopez', platform: 'whatsapp', handle: '+44 •••• ••0123', vip: false },
    intent: 'refund_status',
    confidence: 0.82,
    sentiment: 'negative',
    language: 'en',
    summary: 'my refund never arrived',
    kbTried: [{ id: 'refunds', title: 'Refund timing', score: 0.41 }],
    slots: { order_id: 'BC-1042' },
    channel: 'C07TRIAGE01',
    deskRefs: {},
    openedAt: 1767229000000,
    thread: [],
    ...overrides,
  };
}
