import { LockLostError, RetryLaterError } from '../errors.ts';
import type { InboundEvent } from '../model/inbound-event.ts';
import type { EventHandler, TurnSession } from '../ports/inbound-queue.ts';
import type { Logger } from '../ports/logger.ts';
import { backoffMs, sleep } from './retry.ts';

export type TurnOutcome =
  | { readonly type: 'done' }
  | { readonly type: 'dead'; readonly error: unknown; readonly attempts: number }
  | { readonly type: 'retry_later'; readonly delayMs: number }
  | { readonly type: 'lost' };

export interface TurnRunnerOptions {
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly logger: Logger;
}

/**
 * Runs one event's turn with bounded in-place retries. Each retry reuses the same
 * session, so a turn that recorded its decision resumes it instead of deciding again.
 * A lost lease ends the turn at once (another worker continues it); a turn that asks
 * to be retried later keeps its event at the head of the inbox.
 */
export async function runTurn(
  session: TurnSession,
  handler: EventHandler,
  options: TurnRunnerOptions,
): Promise<TurnOutcome> {
  const event: InboundEvent = session.event;
  for (let attempt = 1; ; attempt++) {
    try {
      session.fence.check();
      await handler(session);
      return { type: 'done' };
    } catch (error) {
      if (error instanceof LockLostError) {
        options.logger.warn({ eventId: event.id, reason: error.message }, 'turn stopped: lease lost');
        return { type: 'lost' };
      }
      if (error instanceof RetryLaterError) {
        options.logger.warn(
          { eventId: event.id, delayMs: error.delayMs, err: error.cause },
          'turn postponed',
        );
        return { type: 'retry_later', delayMs: error.delayMs };
      }
      if (attempt >= options.maxAttempts) {
        options.logger.error(
          { err: error, eventId: event.id, attempts: attempt },
          'turn failed; dead-lettered',
        );
        return { type: 'dead', error, attempts: attempt };
      }
      options.logger.warn({ err: error, eventId: event.id, attempt }, 'turn failed; retrying');
      await sleep(backoffMs(attempt, options.retryBaseMs, 5_000));
    }
  }
}

/** What a dead letter keeps: enough for staff to replay the event, never the raw platform payload. */
export function deadLetterEntry(event: InboundEvent, error: unknown, at: number): string {
  const { raw: _raw, ...rest } = event;
  const trimmed =
    rest.kind === 'message'
      ? { ...rest, text: rest.text.slice(0, 2_000) }
      : (rest as Omit<InboundEvent, 'raw'>);
  const code = (error as { code?: unknown } | null)?.code;
  return JSON.stringify({ event: trimmed, error: typeof code === 'string' ? code : 'unknown', at });
}
