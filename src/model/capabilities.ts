/**
 * What a channel can show. Adapters declare these; the engine and flows read them
 * instead of comparing platform names, and each adapter's renderer degrades
 * richer output (buttons → list → numbered text) to fit.
 */
export interface Capabilities {
  /** Longest text one message may carry; longer replies are split by the renderer. */
  readonly maxTextLength: number;
  /** Most quick-reply buttons one message may show (0: none, choices become text). */
  readonly maxButtons: number;
  /** Most rows of a list picker (0: no list messages). */
  readonly maxListItems: number;
  readonly threads: boolean;
  readonly edits: boolean;
  readonly typing: boolean;
  /** Markup dialect the channel renders. */
  readonly markup: 'plain' | 'markdown' | 'slack-mrkdwn' | 'whatsapp';
  /** Free-form replies allowed only this long after the customer's last message (null: no window). */
  readonly replyWindowMs: number | null;
}

/** Capabilities of a plain text channel, the floor every renderer can reach. */
export const PLAIN_TEXT_CAPABILITIES = {
  maxTextLength: 4000,
  maxButtons: 0,
  maxListItems: 0,
  threads: false,
  edits: false,
  typing: false,
  markup: 'plain',
  replyWindowMs: null,
} as const satisfies Capabilities;
