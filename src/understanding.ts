import type { Config } from './config.ts';
import { loadIntentsFile } from './intents/intents-file.ts';
import { createLlmIntentClassifier } from './intents/llm/llm-intent-classifier.ts';
import { createLocalIntentClassifier } from './intents/local/local-intent-classifier.ts';
import { ExtractiveAnswerGenerator } from './knowledge/extractive-answer-generator.ts';
import { type LangChainRetrieverOptions, createLangChainRetriever } from './knowledge/langchain-retriever.ts';
import { createOpenAiEmbeddings } from './knowledge/llm/openai-embeddings.ts';
import { createRagAnswerGenerator } from './knowledge/llm/rag-answer-generator.ts';
import type { IntentClassifier } from './ports/intent-classifier.ts';
import type { AnswerGenerator, KnowledgeRetriever } from './ports/knowledge-retriever.ts';
import type { Logger } from './ports/logger.ts';

/** The engine's understanding collaborators, chosen from config. */
export interface Understanding {
  readonly classifier: IntentClassifier;
  readonly retriever: KnowledgeRetriever;
  readonly answerer: AnswerGenerator;
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
  const local = createLocalIntentClassifier({ examples: intents.examples, oosExamples: intents.oosExamples });
  const retriever = await createLangChainRetriever(retrieverOptions(config, logger));
  const extractive = new ExtractiveAnswerGenerator();
  const openai = config.openai;
  if (!openai) return { classifier: local, retriever, answerer: extractive };
  const connection = {
    apiKey: openai.apiKey,
    baseURL: openai.baseURL,
    model: openai.chatModel,
    timeoutMs: openai.timeoutMs,
    maxRetries: openai.maxRetries,
  };
  return {
    classifier: createLlmIntentClassifier({
      ...connection,
      intents: intents.intents.map((i) => ({
        name: i.name,
        ...(i.description ? { description: i.description } : {}),
      })),
      fallback: local,
      logger,
    }),
    retriever,
    answerer: createRagAnswerGenerator({ ...connection, fallback: extractive, logger }),
  };
}
