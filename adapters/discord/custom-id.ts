import { createHmac, timingSafeEqual } from 'node:crypto';
import { MAX_CUSTOM_ID_LENGTH } from './limits.ts';

/**
 * Signed button `custom_id`s. Anyone can send an INTERACTION_CREATE with any
 * `custom_id` (a modified client, a button copied from another conversation), so
 * each id carries an HMAC binding it to one conversation key and one choice; a click
 * whose id does not verify for the conversation it happened in is refused.
 *
 * Layout (≤ 100 characters, fixed-width prefix so no separator can be confused with
 * a choice id that contains one):
 * - `c1` + 16-char MAC + choice id, when the choice id fits (≤ 82 characters);
 * - `n1` + 16-char MAC + choice index, for longer ids; the click then reaches the
 *   engine as the typed number, which it matches against the offered choices.
 */

const MAC_LENGTH = 16;
const PREFIX_LENGTH = 2;
const HEADER_LENGTH = PREFIX_LENGTH + MAC_LENGTH;

/** Longest choice id that travels inside the `custom_id` itself. */
export const MAX_INLINE_CHOICE_ID_LENGTH = MAX_CUSTOM_ID_LENGTH - HEADER_LENGTH;

/** Domain separation: the key signs nothing but Discord button ids. */
const KEY_CONTEXT = 'switchboard/discord/custom-id/v1';

/** What a verified `custom_id` stands for. */
export type VerifiedChoice =
  | { readonly kind: 'choice'; readonly choiceId: string }
  | { readonly kind: 'index'; readonly index: number };

/**
 * Derives the signing key from a configured secret or, by default, the bot token
 * (so no extra setting is needed; rotating the token then invalidates old buttons).
 */
export function deriveCustomIdKey(secret: string): Buffer {
  return createHmac('sha256', KEY_CONTEXT).update(secret).digest();
}

function mac(key: Buffer, conversationKey: string, kind: string, payload: string): string {
  return createHmac('sha256', key)
    .update(`${conversationKey}\n${kind}\n${payload}`)
    .digest('base64url')
    .slice(0, MAC_LENGTH);
}

/** Builds the `custom_id` of the button for choice `choiceId` (at `index`) in one conversation. */
export function signCustomId(key: Buffer, conversationKey: string, choiceId: string, index: number): string {
  if (choiceId.length > 0 && choiceId.length <= MAX_INLINE_CHOICE_ID_LENGTH) {
    return `c1${mac(key, conversationKey, 'c1', choiceId)}${choiceId}`;
  }
  const payload = String(index);
  return `n1${mac(key, conversationKey, 'n1', payload)}${payload}`;
}

/**
 * Checks a clicked `custom_id` against the conversation the click happened in.
 * Returns null for anything not signed by us for exactly this conversation.
 */
export function verifyCustomId(
  key: Buffer,
  conversationKey: string,
  customId: string,
): VerifiedChoice | null {
  if (customId.length <= HEADER_LENGTH || customId.length > MAX_CUSTOM_ID_LENGTH) return null;
  const kind = customId.slice(0, PREFIX_LENGTH);
  if (kind !== 'c1' && kind !== 'n1') return null;
  const given = Buffer.from(customId.slice(PREFIX_LENGTH, HEADER_LENGTH));
  const payload = customId.slice(HEADER_LENGTH);
  const expected = Buffer.from(mac(key, conversationKey, kind, payload));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  if (kind === 'c1') return { kind: 'choice', choiceId: payload };
  if (!/^\d{1,3}$/.test(payload)) return null;
  return { kind: 'index', index: Number(payload) };
}
