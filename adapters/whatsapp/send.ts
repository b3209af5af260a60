import pRetry from 'p-retry';
import { PlatformApiError, RateLimitedError } from '../../src/errors.ts';
import type { Logger } from '../../src/ports/logger.ts';
import {
  type GraphClient,
  PAIR_RATE_LIMIT_CODE,
  type SendBody,
  WhatsAppRateLimitedError,
  isTransientGraphError,
} from './api.ts';
import { DEFAULT_RATE_LIMIT_WAIT_MS, PAIR_RATE_BACKOFF_BASE_MS, PAIR_RATE_BACKOFF_FACTOR } from './limits.ts';

export interface SendRetryOptions {
  /** Retries after the first attempt. */
  readonly retries: number;
  /** First backoff delay; doubles per retry, with jitter. */
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** Gives up (and lets the engine retry the turn later) after this long, so a turn does not outlive its lease. */
  readonly maxTotalMs: number;
}

export const DEFAULT_SEND_RETRY: SendRetryOptions = {
  retries: 5,
  minDelayMs: 250,
  maxDelayMs: 8_000,
  maxTotalMs: 20_000,
};

export interface WhatsAppSenderConfig {
  readonly graph: GraphClient;
  readonly logger: Logger;
  readonly retry?: Partial<SendRetryOptions>;
}

/**
 * The sending half of the transport: retries transient failures and paces sends.
 *
 * Retries use `p-retry` (sindresorhus, ~25M weekly downloads) rather than a loop of
 * our own: attempt counting, exponential backoff with jitter, an overall time cap and
 * the retry predicate are its whole job, and it retries on our typed errors (after
 * the Graph mapping), which an HTTP-level interceptor such as axios-retry could not
 * see. What p-retry cannot know is Retry-After and WhatsApp's pacing rules, so those
 * live in a gate every attempt passes first:
 * - throughput (130429) and API-call limits, and any Retry-After, hold every send;
 * - the pair rate limit (131056) holds only that customer, for 4^n seconds after the
 *   n-th consecutive refusal, as Meta advises;
 * - sends to one customer go out one at a time, in call order.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/about-the-platform
 */
export class WhatsAppSender {
  readonly #graph: GraphClient;
  readonly #logger: Logger;
  readonly #retry: SendRetryOptions;
  #globalHoldUntil = 0;
  readonly #holds = new Map<string, { until: number; strikes: number }>();
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(config: WhatsAppSenderConfig) {
    this.#graph = config.graph;
    this.#logger = config.logger;
    this.#retry = { ...DEFAULT_SEND_RETRY, ...config.retry };
  }

  /** Sends one message body to `customerKey`, retrying transient failures; throws the last typed error otherwise. */
  send(customerKey: string, body: SendBody): Promise<{ readonly messageId: string }> {
    const previous = this.#queues.get(customerKey) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.#sendWithRetry(customerKey, body));
    this.#queues.set(customerKey, run);
    void run
      .catch(() => undefined)
      .finally(() => {
        if (this.#queues.get(customerKey) === run) this.#queues.delete(customerKey);
      });
    return run;
  }

  async #sendWithRetry(customerKey: string, body: SendBody): Promise<{ readonly messageId: string }> {
    const started = Date.now();
    const result = await pRetry(
      async () => {
        await this.#gate(customerKey, started);
        return this.#graph.sendMessage(body);
      },
      {
        retries: this.#retry.retries,
        minTimeout: this.#retry.minDelayMs,
        maxTimeout: this.#retry.maxDelayMs,
        factor: 2,
        randomize: true,
        maxRetryTime: this.#retry.maxTotalMs,
        shouldRetry: ({ error }) => isTransientGraphError(error),
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
          this.#holdAfter(customerKey, error);
          this.#logger.warn(
            {
              code: errorCode(error),
              attempt: attemptNumber,
              retriesLeft,
              transient: isTransientGraphError(error),
            },
            'whatsapp send attempt failed',
          );
        },
      },
    );
    this.#holds.delete(customerKey);
    return result;
  }

  /** Waits until neither the whole number nor this customer is on hold (never past the overall cap). */
  async #gate(customerKey: string, started: number): Promise<void> {
    const until = Math.max(this.#globalHoldUntil, this.#holds.get(customerKey)?.until ?? 0);
    const deadline = started + this.#retry.maxTotalMs;
    const wait = Math.min(until, deadline) - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  #holdAfter(customerKey: string, error: unknown): void {
    const now = Date.now();
    if (error instanceof WhatsAppRateLimitedError && error.platformCode === PAIR_RATE_LIMIT_CODE) {
      const strikes = this.#holds.get(customerKey)?.strikes ?? 0;
      const wait = error.retryAfterMs ?? PAIR_RATE_BACKOFF_BASE_MS * PAIR_RATE_BACKOFF_FACTOR ** strikes;
      this.#holds.set(customerKey, { until: now + wait, strikes: strikes + 1 });
      return;
    }
    const retryAfter =
      error instanceof RateLimitedError
        ? (error.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS)
        : error instanceof PlatformApiError
          ? error.retryAfterMs
          : undefined;
    if (retryAfter !== undefined) this.#globalHoldUntil = Math.max(this.#globalHoldUntil, now + retryAfter);
  }
}

function errorCode(error: unknown): string {
  if (error instanceof WhatsAppRateLimitedError) return error.platformCode;
  if (error instanceof PlatformApiError) return error.platformCode ?? String(error.status ?? 'network');
  return error instanceof Error && 'code' in error ? String(error.code) : 'unknown';
}
