/**
 * Typed errors with stable codes. Callers branch on `code` or `instanceof`,
 * never on `message`; `src/http/error-status.ts` maps them to HTTP status and log level.
 */
export type ErrorCode =
  | 'config_invalid'
  | 'signature_invalid'
  | 'bad_request'
  | 'platform_api'
  | 'rate_limited'
  | 'reply_window_closed'
  | 'undeliverable'
  | 'not_supported'
  | 'handoff_failed'
  | 'retrieval_failed'
  | 'classifier_failed'
  | 'invalid_transition'
  | 'conversation_key_invalid'
  | 'store_conflict'
  | 'store_unavailable'
  | 'lock_lost'
  | 'retry_later'
  | 'kb_invalid'
  | 'timeout';

export class BotError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** One or more environment variables are invalid; `issues` names each one. */
export class ConfigError extends BotError {
  readonly issues: readonly { readonly variable: string; readonly problem: string }[];
  constructor(issues: readonly { variable: string; problem: string }[]) {
    super(
      'config_invalid',
      `Invalid configuration:\n${issues.map((i) => `  - ${i.variable}: ${i.problem}`).join('\n')}`,
    );
    this.issues = issues;
  }
}

export class SignatureError extends BotError {
  constructor(message = 'request signature is missing or invalid') {
    super('signature_invalid', message);
  }
}

/** The request body or parameters are malformed; `message` is safe to return to the caller. */
export class BadRequestError extends BotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad_request', message, options);
  }
}

export class PlatformApiError extends BotError {
  readonly status: number | undefined;
  readonly platformCode: string | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    details: { status?: number; platformCode?: string; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super('platform_api', message, { cause: details.cause });
    this.status = details.status;
    this.platformCode = details.platformCode;
    this.retryAfterMs = details.retryAfterMs;
  }
}

export class RateLimitedError extends BotError {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs?: number) {
    super('rate_limited', message);
    this.retryAfterMs = retryAfterMs;
  }
}

export class ReplyWindowClosedError extends BotError {
  constructor(message = 'the platform reply window for this customer is closed') {
    super('reply_window_closed', message);
  }
}

/**
 * The platform will not deliver this message, and retrying cannot help: the user
 * blocked the bot, cannot be DMed (Discord 50007), the number is not on WhatsApp
 * (131026), missing access (403). The engine reports it to staff.
 */
export class UndeliverableError extends BotError {
  readonly platformCode: string | undefined;
  constructor(message: string, details: { platformCode?: string; cause?: unknown } = {}) {
    super('undeliverable', message, { cause: details.cause });
    this.platformCode = details.platformCode;
  }
}

export class NotSupportedError extends BotError {
  constructor(message: string) {
    super('not_supported', message);
  }
}

export class HandoffError extends BotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('handoff_failed', message, options);
  }
}

export class RetrievalError extends BotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('retrieval_failed', message, options);
  }
}

export class ClassifierError extends BotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('classifier_failed', message, options);
  }
}

export class InvalidTransitionError extends BotError {
  constructor(from: string, to: string) {
    super('invalid_transition', `ownership cannot go from ${from} to ${to}`);
  }
}

export class InvalidConversationKeyError extends BotError {
  constructor(message: string) {
    super('conversation_key_invalid', message);
  }
}

export class StoreConflictError extends BotError {
  constructor(message: string) {
    super('store_conflict', message);
  }
}

export class StoreUnavailableError extends BotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('store_unavailable', message, options);
  }
}

/** The per-conversation lease was lost mid-turn (e.g. the process stalled past the lease). */
export class LockLostError extends BotError {
  constructor(message: string) {
    super('lock_lost', message);
  }
}

/** A knowledge-base article is invalid; names the file and the field. */
export class KbValidationError extends BotError {
  readonly file: string;
  readonly field: string;
  constructor(file: string, field: string, problem: string) {
    super('kb_invalid', `${file}: front matter field "${field}" ${problem}`);
    this.file = file;
    this.field = field;
  }
}

/**
 * A turn that cannot finish now but must not be dead-lettered (the desk is down):
 * the queue keeps the event at the head of its inbox, releases the lease and wakes
 * the conversation again after `delayMs`.
 */
export class RetryLaterError extends BotError {
  readonly delayMs: number;
  constructor(delayMs: number, options?: { cause?: unknown }) {
    super('retry_later', `turn postponed for ${delayMs} ms`, options);
    this.delayMs = delayMs;
  }
}

export class TimeoutError extends BotError {
  constructor(message: string) {
    super('timeout', message);
  }
}
