import { type ConversationKey, toConversationKey } from '../model/conversation-key.ts';
import type { InboundEvent } from '../model/inbound-event.ts';

/** Serialises an event for durable storage. `raw` is kept: the adapter may need it later. */
export function encodeEvent(event: InboundEvent): string {
  return JSON.stringify(event);
}

export function decodeEvent(json: string): InboundEvent {
  return JSON.parse(json) as InboundEvent;
}

export function eventKey(event: InboundEvent): ConversationKey {
  return toConversationKey(event.ref);
}
