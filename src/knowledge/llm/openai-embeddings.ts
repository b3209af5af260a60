import { OpenAIEmbeddings } from '@langchain/openai';
import { OPENAI_DEFAULTS } from './openai-common.ts';

/** Options for {@link createOpenAiEmbeddings}; all config is passed in, nothing is read from the environment. */
export interface OpenAiEmbeddingsOptions {
  /** Secret. Handed to the client only; never logged. */
  readonly apiKey: string;
  /** API root including `/v1`; defaults to the public OpenAI API (tests and proxies point it elsewhere). */
  readonly baseURL?: string;
  /** Defaults to `text-embedding-3-small`. */
  readonly model?: string;
  /** Limit for one HTTP attempt, in milliseconds. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt (timeouts, 429, 5xx), with LangChain's backoff. */
  readonly maxRetries?: number;
}

/**
 * Creates the LangChain embeddings client used to embed knowledge-base chunks and queries for the
 * vector half of retrieval.
 */
export function createOpenAiEmbeddings(options: OpenAiEmbeddingsOptions): OpenAIEmbeddings {
  return new OpenAIEmbeddings({
    apiKey: options.apiKey,
    model: options.model ?? OPENAI_DEFAULTS.embeddingModel,
    timeout: options.timeoutMs ?? OPENAI_DEFAULTS.timeoutMs,
    maxRetries: options.maxRetries ?? OPENAI_DEFAULTS.maxRetries,
    // Without an explicit format the SDK asks for base64 and hands back Float32Arrays; plain number
    // arrays serialise to JSON as they are, and every OpenAI-compatible server supports them.
    encodingFormat: 'float',
    configuration: { baseURL: options.baseURL ?? OPENAI_DEFAULTS.baseURL },
  });
}
