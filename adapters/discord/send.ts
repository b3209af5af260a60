import { DiscordAPIError, HTTPError, RateLimitError, Routes } from 'discord.js';
import { type BotError, PlatformApiError, RateLimitedError, UndeliverableError } from '../../src/errors.ts';
import {
  CALLBACK_CHANNEL_MESSAGE,
  CALLBACK_DEFERRED_UPDATE_MESSAGE,
  DISCORD_ERROR,
  THREAD_AUTO_ARCHIVE_MINUTES,
} from './limits.ts';
import type { DiscordMessageBody } from './types.ts';

/**
 * The Discord adapter's only I/O: REST calls through discord.js's REST client, whose
 * per-route queue already waits out 429s (`Retry-After`) and the global limit, so
 * nothing here retries. Failures leave as typed errors: permanent ones (cannot DM,
 * missing access, unknown channel, a body Discord rejects) as `UndeliverableError`,
 * which the engine reports to staff; 5xx and network errors as `PlatformApiError`,
 * which it retries. Interaction routes are unauthenticated (`auth: false`), and
 * their tokens never appear in error messages.
 * @see https://discord.com/developers/docs/topics/rate-limits
 */

/** The subset of discord.js's `REST` the transport uses (so tests can see every call). */
export interface DiscordRestClient {
  post(route: `/${string}`, options?: { body?: unknown; auth?: boolean }): Promise<unknown>;
  patch(route: `/${string}`, options?: { body?: unknown; auth?: boolean }): Promise<unknown>;
}

/** JSON error codes after which no retry can deliver the message. */
const UNDELIVERABLE_CODES: ReadonlySet<number> = new Set([
  DISCORD_ERROR.cannotDmUser,
  DISCORD_ERROR.missingAccess,
  DISCORD_ERROR.missingPermissions,
  DISCORD_ERROR.unknownChannel,
  DISCORD_ERROR.threadLocked,
]);

export class DiscordTransport {
  readonly #rest: DiscordRestClient;
  constructor(rest: DiscordRestClient) {
    this.#rest = rest;
  }

  /** `POST /channels/{id}/messages`; returns the created (or, for a known nonce, the earlier) message id. */
  async createMessage(channelId: string, body: DiscordMessageBody): Promise<string | undefined> {
    const created = await this.#call('send a message', () =>
      this.#rest.post(Routes.channelMessages(channelId), { body }),
    );
    return idOf(created);
  }

  /**
   * `POST /channels/{id}/messages/{message}/threads`: a public thread whose id is the
   * message id. Returns `'exists'` when Discord says the message already has one.
   * @see https://discord.com/developers/docs/resources/channel#start-thread-from-message
   */
  async startThread(channelId: string, messageId: string, name: string): Promise<'created' | 'exists'> {
    try {
      await this.#rest.post(Routes.threads(channelId, messageId), {
        body: { name, auto_archive_duration: THREAD_AUTO_ARCHIVE_MINUTES },
      });
      return 'created';
    } catch (error) {
      if (error instanceof DiscordAPIError && error.code === DISCORD_ERROR.threadAlreadyCreated)
        return 'exists';
      throw toDeliveryError(error, 'open a thread');
    }
  }

  /** `POST /channels/{id}/typing` (204; lasts 10 s). */
  async triggerTyping(channelId: string): Promise<void> {
    await this.#call('show typing', () => this.#rest.post(Routes.channelTyping(channelId)));
  }

  /**
   * Acknowledges a button click without a loading state (callback type 6,
   * DEFERRED_UPDATE_MESSAGE); must happen within 3 s of the click.
   * @see https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction
   */
  async deferUpdate(interactionId: string, token: string): Promise<void> {
    await this.#call('acknowledge a button click', () =>
      this.#rest.post(Routes.interactionCallback(interactionId, token), {
        body: { type: CALLBACK_DEFERRED_UPDATE_MESSAGE },
        auth: false,
      }),
    );
  }

  /** Answers a click with a message only the clicker sees (callback type 4, ephemeral flag). */
  async replyEphemeral(interactionId: string, token: string, body: DiscordMessageBody): Promise<void> {
    await this.#call('answer a button click', () =>
      this.#rest.post(Routes.interactionCallback(interactionId, token), {
        body: { type: CALLBACK_CHANNEL_MESSAGE, data: body },
        auth: false,
      }),
    );
  }

  /** Follow-up message on an acknowledged interaction (`POST /webhooks/{app}/{token}`). */
  async followUp(applicationId: string, token: string, body: DiscordMessageBody): Promise<void> {
    await this.#call('follow up a button click', () =>
      this.#rest.post(Routes.webhook(applicationId, token), { body, auth: false }),
    );
  }

  /** Edits the clicked message after a deferred update (`PATCH /webhooks/{app}/{token}/messages/@original`). */
  async editOriginal(applicationId: string, token: string, body: Partial<DiscordMessageBody>): Promise<void> {
    await this.#call('update the clicked message', () =>
      this.#rest.patch(Routes.webhookMessage(applicationId, token, '@original'), { body, auth: false }),
    );
  }

  async #call(what: string, request: () => Promise<unknown>): Promise<unknown> {
    try {
      return await request();
    } catch (error) {
      throw toDeliveryError(error, what);
    }
  }
}

/**
 * Translates a discord.js REST failure into the engine's typed errors. The original
 * error is not attached as `cause`: its `url` may hold an interaction token.
 */
export function toDeliveryError(error: unknown, what: string): BotError {
  if (error instanceof DiscordAPIError) {
    const code = typeof error.code === 'number' ? error.code : Number(error.code);
    const detail = `Discord refused to ${what}: ${error.status} (code ${error.code}) ${error.message}`;
    if (error.status === 429) return new RateLimitedError(detail);
    if (UNDELIVERABLE_CODES.has(code) || error.status === 403 || error.status === 404) {
      return new UndeliverableError(detail, { platformCode: String(error.code) });
    }
    if (error.status >= 400 && error.status < 500) {
      // The request itself is wrong (e.g. 50035 invalid form body): sending it again cannot help.
      return new UndeliverableError(detail, { platformCode: String(error.code) });
    }
    return new PlatformApiError(detail, { status: error.status, platformCode: String(error.code) });
  }
  if (error instanceof RateLimitError) {
    return new RateLimitedError(`Discord rate limit while trying to ${what}`, error.retryAfter);
  }
  if (error instanceof HTTPError) {
    return new PlatformApiError(`Discord answered ${error.status} while trying to ${what}`, {
      status: error.status,
    });
  }
  const name = error instanceof Error ? error.name : typeof error;
  return new PlatformApiError(`could not reach Discord to ${what} (${name})`);
}

function idOf(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null && 'id' in value && typeof value.id === 'string') {
    return value.id;
  }
  return undefined;
}
