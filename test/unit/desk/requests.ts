import type { ConversationContext, CustomerProfile } from '../../../src/model/context.ts';
import { toConversationKey } from '../../../src/model/conversation-key.ts';
import type { ConversationRef } from '../../../src/model/conversation-ref.ts';
import type { HandoffRequest } from '../../../src/ports/handoff-desk.ts';

/** A conversation context as the engine stores it, on `platform` for customer `userId`. */
export function contextFor(
  userId: string,
  options: { platform?: string; history?: string[]; at?: number } = {},
): ConversationContext {
  const ref: ConversationRef = {
    platform: options.platform ?? 'whatsapp',
    workspace: 'PN1',
    channel: 'dm',
    threadOrUser: userId,
  };
  const at = options.at ?? 1_700_000_000_000;
  return {
    schema: 1,
    key: toConversationKey(ref),
    ref,
    customerId: `${ref.platform}:${userId}`,
    ownership: { state: 'bot', since: at },
    transitions: [],
    history: [
      { role: 'customer', text: 'hi', at },
      { role: 'bot', text: 'Hi! How can I help?', at },
      ...(options.history ?? ['where is my order?', 'it has been two weeks', 'I want a person']).map(
        (text, i) => ({
          role: 'customer' as const,
          text,
          at: at + i + 1,
        }),
      ),
    ],
    flow: null,
    slots: {},
    pendingChoices: [],
    failedTurns: 0,
    lastInboundAt: at,
    lastTurn: null,
    createdAt: at,
    updatedAt: at,
  };
}

export function profileFor(
  context: ConversationContext,
  overrides: Partial<CustomerProfile> = {},
): CustomerProfile {
  const userId = context.customerId.slice(context.customerId.indexOf(':') + 1);
  return {
    schema: 1,
    id: context.customerId,
    platformIds: { [context.ref.platform]: userId },
    displayName: 'Ada Lovelace',
    firstSeen: 0,
    lastSeen: 0,
    messageCount: 3,
    tier: 'standard',
    ...overrides,
  };
}

/** A handoff request for `context`, as the engine makes it. */
export function handoffRequest(
  context: ConversationContext,
  overrides: Partial<HandoffRequest> = {},
): HandoffRequest {
  return {
    ticketId: `hf_${context.customerId}`,
    context,
    profile: profileFor(context),
    reason: 'customer asked for a person',
    priority: 'normal',
    understanding: {
      intent: 'order_status',
      confidence: 0.8234,
      signals: { sentiment: 'negative', urgency: 'normal', humanRequested: true, language: 'es' },
      source: 'local',
    },
    kbTried: [
      { id: 'track-order', title: 'Track your order', score: 0.41 },
      { id: 'delivery-times', title: 'Delivery times', score: 0.55 },
      { id: 'track-order', title: 'Track your order', score: 0.47 },
    ],
    slots: { order_id: 'A1234' },
    ...overrides,
  };
}
