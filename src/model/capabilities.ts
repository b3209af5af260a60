/**
 * What a channel can show. Adapters declare these; the engine and flows read them
 * instead of comparing platform names, and each adapter's renderer degrades
 * richer output (buttons → list → numbered text) and converts markdown to its own
 * markup.
 */
export interface Capabilities {
  /** Longest text one message may carry; the engine keeps answers under it, the renderer splits the rest. */
  readonly maxTextLength: number;
  /** Most quick-reply buttons one message may show (0: none, choices become text); the engine sizes choice lists by it. */
  readonly maxButtons: number;
  /** Most rows of a list picker (0: no list messages); the engine offers at most max(buttons, list rows) choices. */
  readonly maxListItems: number;
}

/** Capabilities of a plain text channel, the floor every renderer can reach. */
export const PLAIN_TEXT_CAPABILITIES = {
  maxTextLength: 4000,
  maxButtons: 0,
  maxListItems: 0,
} as const satisfies Capabilities;
