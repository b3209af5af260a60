/** What the engine learns about one customer turn. */

export type Sentiment = 'negative' | 'neutral' | 'positive';

/** Signals the handoff policy needs beyond the intent itself. */
export interface TurnSignals {
  readonly sentiment: Sentiment;
  readonly urgency: 'low' | 'normal' | 'high';
  /** The customer explicitly asked for a person. */
  readonly humanRequested: boolean;
  /** BCP-47-ish language code, e.g. `en`; `und` when unknown. */
  readonly language: string;
  /** The message complains about the service, the product or the company (apology, a person offered). */
  readonly complaint?: boolean;
  /**
   * The message is about another company's service (nlu `other_services`: "cancel my netflix"),
   * named as written: off-topic however well its words match an article.
   */
  readonly otherService?: string;
}

export interface IntentResult {
  /** Intent name, or null when the text is out of scope for every known intent. */
  readonly intent: string | null;
  /** 0..1; comparable across classifiers only roughly. */
  readonly confidence: number;
  readonly signals: TurnSignals;
  /** Runner-up intents, best first, for clarifying questions and debugging. */
  readonly alternatives?: readonly { readonly intent: string; readonly confidence: number }[];
  /** Which classifier produced this (`local`, `llm`, ...). */
  readonly source: string;
}

/** One retrieved knowledge-base chunk. */
export interface KbHit {
  /** Article id (front matter `id`). */
  readonly id: string;
  readonly chunkId: string;
  readonly title: string;
  readonly url?: string;
  /** Heading path inside the article, e.g. `Refunds > Timing`. */
  readonly heading?: string;
  readonly text: string;
  /** Fused retrieval score, higher is better; thresholds in config decide answer/clarify/handoff. */
  readonly score: number;
  /**
   * Set on the one hit (if any) that the article classifier, trained on the articles' titles and
   * customer phrasings, ranks first for the message: its probability. Retrieval matches words; the
   * classifier learns which phrasings belong to which article, so it settles near ties and vetoes
   * confident answers it strongly disagrees with.
   */
  readonly vote?: number;
}

/** A drafted answer and the articles it relies on. */
export interface KbAnswer {
  readonly text: string;
  readonly citations: readonly { readonly id: string; readonly title: string; readonly url?: string }[];
  /** False when the knowledge base has no answer; the engine then offers a human. */
  readonly grounded: boolean;
  readonly source: string;
  /**
   * The article sends people to the support team for this (a sentence saying so was left out of
   * the answer): the engine offers a person with the answer instead of telling them to write in.
   */
  readonly offerHandoff?: boolean;
}
