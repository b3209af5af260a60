import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import type { HistoryEntry } from '../../model/context.ts';
import type { ConversationSummarizer } from '../../ports/summarizer.ts';
import { type OpenAiConnectionOptions, callDeadlineMs, createChatModel } from './openai-common.ts';

/** Most characters of a card summary, and of the conversation the model reads. */
const SUMMARY_MAX_CHARS = 500;
const TRANSCRIPT_MAX_CHARS = 6_000;

const SYSTEM = `You write the summary on a support ticket card for the agent who takes over a chat from a bot.
In at most three short sentences: what the customer wants, what they already said (order numbers, amounts, dates) and what the bot already tried.
Plain text, no greeting, no advice to the customer. Write in English whatever language the chat is in.`;

const ROLES: Readonly<Record<HistoryEntry['role'], string | undefined>> = {
  customer: 'Customer',
  bot: 'Bot',
  staff: 'Agent',
  system: undefined,
};

/** The conversation as the model reads it: newest kept when it is long. */
export function transcriptOf(history: readonly HistoryEntry[]): string {
  const lines = history.flatMap((e) => (ROLES[e.role] ? [`${ROLES[e.role]}: ${e.text}`] : []));
  const text = lines.join('\n');
  return text.length > TRANSCRIPT_MAX_CHARS ? `…${text.slice(-TRANSCRIPT_MAX_CHARS)}` : text;
}

/** Card summaries by an OpenAI chat model through LangChain, bounded by the call deadline. */
export function createOpenAiSummarizer(options: OpenAiConnectionOptions): ConversationSummarizer {
  const chain = ChatPromptTemplate.fromMessages<{ transcript: string }>([
    ['system', SYSTEM],
    ['human', '{transcript}'],
  ])
    .pipe(createChatModel(options, { temperature: 0 }))
    .pipe(new StringOutputParser());
  return {
    async summarize(history) {
      const reply = await chain.invoke(
        { transcript: transcriptOf(history) },
        { signal: AbortSignal.timeout(callDeadlineMs(options)) },
      );
      const text = reply.trim();
      if (text === '') throw new Error('empty summary');
      return text.length > SUMMARY_MAX_CHARS ? `${text.slice(0, SUMMARY_MAX_CHARS - 1)}…` : text;
    },
  };
}
