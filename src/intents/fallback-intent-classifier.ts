import { BotError } from '../errors.ts';
import { silentLogger } from '../logging/pino-logger.ts';
import type { IntentResult } from '../model/understanding.ts';
import type { ClassifyInput, IntentClassifier } from '../ports/intent-classifier.ts';
import type { Logger } from '../ports/logger.ts';

/** Options for {@link FallbackIntentClassifier}. */
export interface FallbackIntentClassifierOptions {
  /** Tried first; may throw (the LLM classifier does, after its own bounded retries). */
  readonly primary: IntentClassifier;
  /** Answers whenever the primary throws; must itself honour the port and not throw. */
  readonly fallback: IntentClassifier;
  readonly logger?: Logger;
}

/**
 * Keeps classification working when the primary classifier fails: on any error (timeout, 429, 5xx,
 * malformed output, a bug) it logs a warning and returns the fallback's result, so the conversation
 * never breaks because a remote model is down. Retrying is the primary's job; this wrapper does not
 * retry, so the added latency stays bounded by the primary's own limits.
 */
export class FallbackIntentClassifier implements IntentClassifier {
  readonly #primary: IntentClassifier;
  readonly #fallback: IntentClassifier;
  readonly #logger: Logger;

  constructor(options: FallbackIntentClassifierOptions) {
    this.#primary = options.primary;
    this.#fallback = options.fallback;
    this.#logger = options.logger ?? silentLogger;
  }

  async classify(input: ClassifyInput): Promise<IntentResult> {
    try {
      return await this.#primary.classify(input);
    } catch (error) {
      this.#logger.warn(failureFields(error), 'intent classifier failed; using the fallback classifier');
      return this.#fallback.classify(input);
    }
  }
}

/**
 * Only our own typed errors contribute a message: their messages are composed by us and carry no
 * secrets, whereas provider or library messages may echo request details (such as key fragments).
 */
function failureFields(error: unknown): Record<string, unknown> {
  if (error instanceof BotError) return { code: error.code, error: error.message };
  const name = error instanceof Error ? error.name : typeof error;
  return { code: 'unknown', errorName: name };
}
