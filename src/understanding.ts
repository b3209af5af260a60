import path from 'node:path';
import type { Config } from './config.ts';
import { CopyFileError, createCopy } from './copy/copy-loader.ts';
import { KbValidationError } from './errors.ts';
import { classifyAfterGreeting } from './intents/greeting-prefix.ts';
import { loadIntentsFile } from './intents/intents-file.ts';
import { createLlmIntentClassifier } from './intents/llm/llm-intent-classifier.ts';
import { createLocalIntentClassifier } from './intents/local/local-intent-classifier.ts';
import { withOtherServices } from './intents/other-services.ts';
import { ExtractiveAnswerGenerator } from './knowledge/extractive-answer-generator.ts';
import { type LangChainRetrieverOptions, createLangChainRetriever } from './knowledge/langchain-retriever.ts';
import { createOpenAiEmbeddings } from './knowledge/llm/openai-embeddings.ts';
import { createOpenAiSummarizer } from './knowledge/llm/openai-summarizer.ts';
import { createRagAnswerGenerator } from './knowledge/llm/rag-answer-generator.ts';
import type { CopyFor } from './ports/copy.ts';
import type { IntentClassifier } from './ports/intent-classifier.ts';
import type { AnswerGenerator, KnowledgeRetriever } from './ports/knowledge-retriever.ts';
import type { Logger } from './ports/logger.ts';
import type { ConversationSummarizer } from './ports/summarizer.ts';

/** The engine's understanding collaborators, chosen from config. */
export interface Understanding {
  readonly classifier: IntentClassifier;
  readonly retriever: KnowledgeRetriever;
  readonly answerer: AnswerGenerator;
  /**
   * What the bot says, per locale (`<KB_DIR>/copy/*.yml`); the runtime hands it to the engine.
   * Absent only in test doubles, which get the shipped copy.
   */
  readonly copy?: CopyFor;
  /** Card summaries for staff (with an LLM only; the desk quotes the last messages otherwise). */
  readonly summarizer?: ConversationSummarizer;
}

/** Retriever options shared by startup and `switchboard kb index`, so both use the same cache key. */
export function retrieverOptions(config: Config, logger: Logger): LangChainRetrieverOptions {
  const openai = config.openai;
  return {
    kbDir: config.knowledge.kbDir,
    cacheDir: config.knowledge.cacheDir,
    logger,
    ...(openai
      ? {
          embeddings: createOpenAiEmbeddings({
            apiKey: openai.apiKey,
            baseURL: openai.baseURL,
            model: openai.embeddingModel,
            timeoutMs: openai.timeoutMs,
            maxRetries: openai.maxRetries,
          }),
          embeddingModelId: `openai:${openai.embeddingModel}`,
        }
      : {}),
  };
}

/**
 * Local understanding always (trained classifier, hashed embeddings, extractive answers);
 * with `OPENAI_API_KEY`, OpenAI models in front of it, falling back to the local path
 * on timeouts, rate limits, server errors and malformed output.
 */
export async function createUnderstanding(config: Config, logger: Logger): Promise<Understanding> {
  const intents = await loadIntentsFile(config.knowledge.intentsFile);
  // The hello-then-question split is for the local model only: an LLM reads the whole message.
  const local = withOtherServices(
    classifyAfterGreeting(
      createLocalIntentClassifier({ examples: intents.examples, oosExamples: intents.oosExamples }),
    ),
    intents.otherServices,
  );
  const retriever = await createLangChainRetriever(retrieverOptions(config, logger));
  checkIntentLinks(retriever.articlesByIntent, new Set(intents.intents.map((i) => i.name)), config);
  const copy = createCopy(path.join(config.knowledge.kbDir, 'copy'));
  checkCopyTopics(copy, retriever, path.join(config.knowledge.kbDir, 'copy'));
  const extractive = new ExtractiveAnswerGenerator();
  const openai = config.openai;
  if (!openai) return { classifier: local, retriever, answerer: extractive, copy };
  const connection = {
    apiKey: openai.apiKey,
    baseURL: openai.baseURL,
    model: openai.chatModel,
    timeoutMs: openai.timeoutMs,
    maxRetries: openai.maxRetries,
  };
  return {
    classifier: withOtherServices(
      createLlmIntentClassifier({
        ...connection,
        intents: intents.intents.map((i) => ({
          name: i.name,
          ...(i.description ? { description: i.description } : {}),
        })),
        fallback: local,
        logger,
      }),
      intents.otherServices,
    ),
    retriever,
    answerer: createRagAnswerGenerator({ ...connection, fallback: extractive, logger }),
    copy,
    summarizer: createOpenAiSummarizer(connection),
  };
}

/** An article linking an intent the intents file does not declare is a typo: stop startup, naming it. */
function checkIntentLinks(
  articlesByIntent: ReadonlyMap<string, readonly string[]>,
  known: ReadonlySet<string>,
  config: Config,
): void {
  for (const [intent, articles] of articlesByIntent) {
    if (!known.has(intent)) {
      throw new KbValidationError(
        `${config.knowledge.kbDir} (article ${articles[0]})`,
        'intents',
        `names "${intent}", which ${config.knowledge.intentsFile} does not declare`,
      );
    }
  }
}

/** Every off-topic topic opens an article: it must exist. */
function checkCopyTopics(
  copy: CopyFor,
  retriever: { readonly index: { readonly chunks: readonly { readonly articleId: string }[] } },
  copyDir: string,
): void {
  const ids = new Set(retriever.index.chunks.map((c) => c.articleId));
  for (const locale of ['en', 'es', 'de', 'fr', 'pt']) {
    const texts = copy(locale);
    texts.topics.forEach((topic, i) => {
      if (!ids.has(topic.article)) {
        throw new CopyFileError(
          path.join(copyDir, `${texts.locale}.yml`),
          `topics[${i}].article`,
          `names "${topic.article}", which is not a knowledge-base article`,
        );
      }
    });
  }
}
