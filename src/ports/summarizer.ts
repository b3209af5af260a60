import type { HistoryEntry } from '../model/context.ts';

/**
 * Summarises a conversation for the staff card when a handoff opens (an LLM when a
 * key is set). May throw or time out: the desk then shows the last messages.
 */
export interface ConversationSummarizer {
  summarize(history: readonly HistoryEntry[]): Promise<string>;
}
