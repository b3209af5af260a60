import { ChatOpenAI } from '@langchain/openai';
import { type BotError, RateLimitedError, TimeoutError } from '../../errors.ts';

/**
 * How to reach an OpenAI-compatible API. Everything comes from config that the caller passes in:
 * nothing here reads the environment, so tests and proxies can point the client anywhere.
 */
export interface OpenAiConnectionOptions {
  /** Secret. Handed to the client only; never logged or put into error messages. */
  readonly apiKey: string;
  /** API root including `/v1`; defaults to the public OpenAI API. */
  readonly baseURL?: string;
  readonly model?: string;
  /** Limit for one HTTP attempt, in milliseconds. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt (timeouts, 429, 5xx, malformed output), with backoff. */
  readonly maxRetries?: number;
  /**
   * Budget for one call including every retry. Past it the call is aborted and the local path
   * answers, so a dead endpoint cannot hold a customer's turn for `timeoutMs × (retries + 1)`.
   * Defaults to one attempt plus a few seconds for quick 429/5xx retries.
   */
  readonly deadlineMs?: number;
}

/** The overall budget of one LLM call (see {@link OpenAiConnectionOptions.deadlineMs}). */
export function callDeadlineMs(options: OpenAiConnectionOptions): number {
  return options.deadlineMs ?? (options.timeoutMs ?? OPENAI_DEFAULTS.timeoutMs) + 4_000;
}

/** Defaults used when an option is left out; they match the documented config defaults. */
export const OPENAI_DEFAULTS = {
  baseURL: 'https://api.openai.com/v1',
  chatModel: 'gpt-4o-mini',
  embeddingModel: 'text-embedding-3-small',
  timeoutMs: 8_000,
  maxRetries: 2,
} as const;

/**
 * Builds the LangChain chat model shared by the RAG generator and the intent classifier, so both use
 * the same base URL, timeout and bounded retries.
 *
 * Retries happen in LangChain's caller (the OpenAI SDK client is created with `maxRetries: 0`): it
 * backs off 1-2 s before each retry, honours `retry-after` on 429 and also retries output that fails
 * to parse, so each retry costs one more request.
 */
export function createChatModel(
  options: OpenAiConnectionOptions,
  tuning: { temperature: number },
): ChatOpenAI {
  const model = options.model ?? OPENAI_DEFAULTS.chatModel;
  return new ChatOpenAI({
    apiKey: options.apiKey,
    model,
    // Reasoning models reject any temperature but the default, so leave it out for them.
    ...(isReasoningModel(model) ? {} : { temperature: tuning.temperature }),
    timeout: options.timeoutMs ?? OPENAI_DEFAULTS.timeoutMs,
    maxRetries: options.maxRetries ?? OPENAI_DEFAULTS.maxRetries,
    configuration: { baseURL: options.baseURL ?? OPENAI_DEFAULTS.baseURL },
  });
}

function isReasoningModel(model: string): boolean {
  return /^o\d/.test(model) || (model.startsWith('gpt-5') && !model.startsWith('gpt-5-chat'));
}

/** Why an LLM call failed, in terms operators can act on. */
export type LlmFailureReason =
  | 'timeout'
  | 'rate_limited'
  | 'http_error'
  | 'connection'
  | 'malformed_output'
  | 'unknown';

/** A classified LLM failure: safe to log (no message text from the provider, which may echo key fragments). */
export interface LlmFailure {
  readonly reason: LlmFailureReason;
  readonly status?: number;
  readonly retryAfterMs?: number;
}

/**
 * Classifies whatever the OpenAI SDK or LangChain threw. Duck-typed because the SDK's error classes
 * belong to a transitive dependency, and LangChain re-wraps some of them (timeouts become plain
 * errors named `TimeoutError`).
 */
export function describeLlmFailure(error: unknown): LlmFailure {
  if (typeof error !== 'object' || error === null) return { reason: 'unknown' };
  const name = readString(error, 'name');
  const constructorName = error.constructor?.name;
  if (name === 'TimeoutError' || name === 'AbortError' || constructorName === 'APIConnectionTimeoutError') {
    return { reason: 'timeout' };
  }
  const status = readNumber(error, 'status');
  if (status === 429) {
    const retryAfterMs = readNumber(error, 'retryAfterMs');
    return retryAfterMs === undefined
      ? { reason: 'rate_limited', status }
      : { reason: 'rate_limited', status, retryAfterMs };
  }
  if (status !== undefined) return { reason: 'http_error', status };
  if (constructorName === 'APIConnectionError') return { reason: 'connection' };
  if (
    error instanceof SyntaxError ||
    /ZodError$/.test(name ?? '') ||
    readString(error, 'lc_error_code') === 'OUTPUT_PARSING_FAILURE' ||
    constructorName === 'LengthFinishReasonError' ||
    constructorName === 'ContentFilterFinishReasonError'
  ) {
    return { reason: 'malformed_output' };
  }
  return { reason: 'unknown' };
}

/**
 * Turns a failure into the project's typed error: timeouts and rate limits keep their own codes so
 * callers can tell them apart; everything else becomes the caller's error type (e.g. `ClassifierError`).
 * Messages are composed here, never copied from the provider.
 */
export function llmFailureToError(
  failure: LlmFailure,
  what: string,
  cause: unknown,
  otherwise: (message: string, options: { cause: unknown }) => BotError,
): BotError {
  switch (failure.reason) {
    case 'timeout':
      return new TimeoutError(`${what}: OpenAI request timed out`);
    case 'rate_limited':
      return new RateLimitedError(`${what}: OpenAI rate limit`, failure.retryAfterMs);
    case 'http_error':
      return otherwise(`${what}: OpenAI returned HTTP ${failure.status ?? 'error'}`, { cause });
    case 'connection':
      return otherwise(`${what}: could not connect to OpenAI`, { cause });
    case 'malformed_output':
      return otherwise(`${what}: OpenAI returned malformed output`, { cause });
    case 'unknown':
      return otherwise(`${what}: OpenAI call failed`, { cause });
  }
}

/** Log fields for a failure: reason and status only. */
export function llmFailureFields(failure: LlmFailure): Record<string, unknown> {
  return {
    reason: failure.reason,
    ...(failure.status === undefined ? {} : { status: failure.status }),
  };
}

function readString(value: object, key: string): string | undefined {
  const field: unknown = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
}

function readNumber(value: object, key: string): number | undefined {
  const field: unknown = (value as Record<string, unknown>)[key];
  return typeof field === 'number' && Number.isFinite(field) ? field : undefined;
}
