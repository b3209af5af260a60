/**
 * Every sentence the bot itself says to a customer, in one locale. A company changes its voice by
 * editing the copy files (`kb/copy/<locale>.yml`), never `src/`. Templates hold `{placeholder}`s
 * that {@link fillCopy} fills in.
 */
export interface Copy {
  /** The locale these texts are in (after fallback: `es` for `es-MX`, `en` for an unknown one). */
  readonly locale: string;
  readonly greeting: string;
  readonly thanks: string;
  readonly goodbye: string;
  /** No answer: offered together with the handoff and dismiss choices. */
  readonly unknown: string;
  /** Asks which of a few articles the customer means. */
  readonly clarify: string;
  readonly handoff: string;
  /** Handoff outside business hours; `{backAt}` says when staff are back. */
  readonly handoffAfterHours: string;
  /** Handoff because the local path cannot answer in the customer's language. */
  readonly handoffLanguage: string;
  /** Opens an answer to an upset customer ("worst service, where is my refund"), before the answer. */
  readonly apology: string;
  /** Apology for a complaint, offering a person right away. */
  readonly complaint: string;
  /** Handoff notice after a complaint (the ticket goes out with a higher priority). */
  readonly complaintHandoff: string;
  readonly resolved: string;
  readonly ratingRequest: string;
  readonly ratingThanks: string;
  readonly unsupported: string;
  readonly dismissed: string;
  /** Off-topic message: what the bot can help with; the topics follow as choices. */
  readonly offTopic: string;
  /** After answering something else mid-flow; `{flow}` is the flow's name from `flows`. */
  readonly flowReminder: string;
  /** The customer left a flow (or it went idle); `{flow}` as above. */
  readonly flowDropped: string;
  /** Confirms "cancel", "stop", "start over". */
  readonly cancelled: string;
  readonly nothingToCancel: string;
  /** The handoff desk cannot be reached: honest, and no promise of a time. */
  readonly deskDown: string;
  /** Delivery note: a reply is sent again after it failed to arrive. */
  readonly deliveryFailed: string;
  /** Delivery note: an answer was cut to fit the channel; the article link follows. */
  readonly answerTruncated: string;
  readonly choices: {
    readonly handoff: string;
    readonly dismiss: string;
    readonly none: string;
    readonly continueFlow: string;
    readonly cancelFlow: string;
    readonly ratingGood: string;
    readonly ratingBad: string;
  };
  /** Display names of flows by flow id, used in `{flow}`. */
  readonly flows: Readonly<Record<string, string>>;
  /** What the bot can help with, offered on off-topic messages; each opens a KB article. */
  readonly topics: readonly { readonly label: string; readonly article: string }[];
}

/** The copy for a locale (`es`, `pt-BR`, `und`, ...), falling back to English. */
export type CopyFor = (locale: string | undefined) => Copy;

/** Fills `{name}` placeholders; unknown placeholders stay as they are so a mistake is visible. */
export function fillCopy(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (match, name: string) => values[name] ?? match);
}
