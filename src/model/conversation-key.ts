import { InvalidConversationKeyError } from '../errors.ts';
import type { ConversationRef } from './conversation-ref.ts';

/**
 * One string per conversation: `platform:workspace:channel:thread-or-user`.
 * Deduplication, locks, queues and storage all use it, so it must round-trip.
 * Components are percent-encoded so a `:` inside an id cannot shift the fields.
 */
export type ConversationKey = string & { readonly __brand: 'ConversationKey' };

const encodePart = (part: string): string => part.replace(/%/g, '%25').replace(/:/g, '%3A');
const decodePart = (part: string): string => part.replace(/%3A/gi, ':').replace(/%25/g, '%');

/** Builds the conversation key for a reference. */
export function toConversationKey(ref: ConversationRef): ConversationKey {
  for (const [field, value] of Object.entries(ref)) {
    if (typeof value !== 'string' || value.length === 0) {
      throw new InvalidConversationKeyError(`conversation ref field "${field}" must be a non-empty string`);
    }
  }
  return [ref.platform, ref.workspace, ref.channel, ref.threadOrUser]
    .map(encodePart)
    .join(':') as ConversationKey;
}

/** Parses a conversation key back into its reference; throws on a malformed key. */
export function parseConversationKey(key: string): ConversationRef {
  const parts = key.split(':');
  if (parts.length !== 4 || parts.some((p) => p.length === 0)) {
    throw new InvalidConversationKeyError(`conversation key "${key}" must have 4 non-empty parts`);
  }
  const [platform, workspace, channel, threadOrUser] = parts.map(decodePart) as [
    string,
    string,
    string,
    string,
  ];
  return { platform, workspace, channel, threadOrUser };
}
