import type { HistoryEntry } from '../model/context.ts';
import type { IntentResult } from '../model/understanding.ts';

export interface ClassifyInput {
  readonly text: string;
  /** Recent turns, oldest first, for classifiers that use context. */
  readonly history?: readonly HistoryEntry[];
}

/** Works out what the customer wants. Must not throw for ordinary input: fall back instead. */
export interface IntentClassifier {
  classify(input: ClassifyInput): Promise<IntentResult>;
}
