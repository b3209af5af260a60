import type { HistoryEntry } from '../model/context.ts';
import type { KbAnswer, KbHit } from '../model/understanding.ts';

export interface RetrieveOptions {
  /** How many hits to return at most. */
  readonly k?: number;
  readonly locale?: string;
  /**
   * The intent the classifier recognised for this message, if any. Retrievers that know which
   * articles answer which intent (intent ↔ article links) favour those articles, more so the
   * more confident the classifier is; others ignore it.
   */
  readonly intent?: { readonly name: string; readonly confidence: number };
}

/** Searches the knowledge base; scores are comparable with the configured thresholds. */
export interface KnowledgeRetriever {
  search(query: string, options?: RetrieveOptions): Promise<readonly KbHit[]>;
  /** The chunks of one article, in order, scored 1 (the customer picked it from a clarifying question). */
  article(id: string): Promise<readonly KbHit[]>;
}

export interface AnswerInput {
  readonly question: string;
  readonly hits: readonly KbHit[];
  readonly history?: readonly HistoryEntry[];
  /** Longest reply the channel shows in one message, so answers stay chat-sized. */
  readonly maxLength?: number;
  /** The customer's language (`TurnSignals.language`); generators that can, answer in it. */
  readonly language?: string;
}

/** Drafts a reply from retrieved chunks only (extractive locally, RAG with an LLM). */
export interface AnswerGenerator {
  answer(input: AnswerInput): Promise<KbAnswer>;
}
