import axios, { type AxiosError, type AxiosInstance } from 'axios';
import {
  type BotError,
  NotSupportedError,
  PlatformApiError,
  RateLimitedError,
  ReplyWindowClosedError,
  UndeliverableError,
} from '../../src/errors.ts';
import type { MessageContent, Recipient } from './types.ts';

/**
 * A small typed client of the Graph API endpoints the adapter uses, on axios, with
 * failures translated into typed errors at this edge. Graph reports what went wrong in
 * `error.code` (the same HTTP status covers retryable and permanent failures), so the
 * mapping branches on the code and falls back to the status only when there is none.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
 */

export interface GraphClientConfig {
  /** Base URL without version, e.g. `https://graph.facebook.com`. */
  readonly apiUrl: string;
  /** Pinned Graph version, e.g. `v26.0`. */
  readonly apiVersion: string;
  readonly accessToken: string;
  readonly phoneNumberId: string;
  /** Per-request timeout. */
  readonly timeoutMs?: number;
}

/** A `POST /{phone-number-id}/messages` body. */
export type SendBody = {
  readonly messaging_product: 'whatsapp';
  readonly recipient_type: 'individual';
  readonly context?: { readonly message_id: string };
} & Recipient &
  MessageContent;

export interface MediaInfo {
  readonly url: string;
  readonly mimeType?: string;
  readonly sizeBytes?: number;
}

export interface GraphClient {
  /** Sends one message; resolves with the wamid Meta accepted it under. */
  sendMessage(body: SendBody): Promise<{ readonly messageId: string }>;
  /** Marks an inbound message (and earlier ones) read, optionally showing the typing indicator. */
  markRead(messageId: string, typing: boolean): Promise<void>;
  /** Looks up a media id; the returned URL expires after about five minutes. */
  getMedia(mediaId: string): Promise<MediaInfo>;
  /** Downloads a media URL with the bearer token, refusing more than `maxBytes`. */
  download(url: string, maxBytes: number): Promise<Buffer>;
}

/** A rate-limit refusal that keeps Graph's code: 131056 (one customer) is paced differently from 130429 (the number). */
export class WhatsAppRateLimitedError extends RateLimitedError {
  readonly platformCode: string;
  constructor(message: string, platformCode: string, retryAfterMs?: number) {
    super(message, retryAfterMs);
    this.platformCode = platformCode;
  }
}

/** The recipient was sent too many messages in a short time (pair rate limit). */
export const PAIR_RATE_LIMIT_CODE = '131056';

const WINDOW_CLOSED = new Set(['131047']);
const RATE_LIMITED = new Set(['4', '613', '80007', '130429', PAIR_RATE_LIMIT_CODE]);
/** Permanent for this message or recipient: retrying cannot deliver it. */
const UNDELIVERABLE = new Set([
  '100',
  '131008',
  '131009',
  '131021',
  '131026',
  '131030',
  '131049',
  '131050',
  '131051',
  '131052',
  '131053',
  '132000',
  '132001',
  '132005',
  '132007',
  '132012',
  '132015',
  '132016',
  '132018',
]);
/** Temporary on Meta's side: retry with backoff. */
const TRANSIENT = new Set(['1', '2', '131000', '131016', '131057', '133004']);

export function createGraphClient(config: GraphClientConfig, http?: AxiosInstance): GraphClient {
  const client =
    http ??
    axios.create({
      baseURL: `${config.apiUrl.replace(/\/+$/, '')}/${config.apiVersion}/`,
      timeout: config.timeoutMs ?? 15_000,
      headers: { authorization: `Bearer ${config.accessToken}`, 'content-type': 'application/json' },
    });
  const messagesPath = `${encodeURIComponent(config.phoneNumberId)}/messages`;

  return {
    async sendMessage(body) {
      try {
        const response = await client.post<{ messages?: { id?: unknown }[] }>(messagesPath, body);
        const id = response.data?.messages?.[0]?.id;
        if (typeof id !== 'string' || id.length === 0) {
          throw new PlatformApiError('Graph accepted the message but returned no message id', {
            status: response.status,
          });
        }
        return { messageId: id };
      } catch (error) {
        throw toGraphError(error, 'send message');
      }
    },
    async markRead(messageId, typing) {
      try {
        await client.post(messagesPath, {
          messaging_product: 'whatsapp',
          status: 'read',
          message_id: messageId,
          ...(typing ? { typing_indicator: { type: 'text' } } : {}),
        });
      } catch (error) {
        throw toGraphError(error, 'mark read');
      }
    },
    async getMedia(mediaId) {
      try {
        const response = await client.get<{ url?: unknown; mime_type?: unknown; file_size?: unknown }>(
          encodeURIComponent(mediaId),
          { params: { phone_number_id: config.phoneNumberId } },
        );
        const { url, mime_type: mimeType, file_size: size } = response.data ?? {};
        if (typeof url !== 'string') throw new PlatformApiError('Graph returned no media URL');
        const sizeBytes = Number(size);
        return {
          url,
          ...(typeof mimeType === 'string' ? { mimeType } : {}),
          ...(Number.isFinite(sizeBytes) && size !== undefined ? { sizeBytes } : {}),
        };
      } catch (error) {
        throw toGraphError(error, 'get media');
      }
    },
    async download(url, maxBytes) {
      try {
        // Absolute URL: axios ignores baseURL but keeps the bearer header, which the media host requires.
        const response = await client.get<ArrayBuffer>(url, {
          responseType: 'arraybuffer',
          maxContentLength: maxBytes,
          maxBodyLength: maxBytes,
        });
        return Buffer.from(response.data);
      } catch (error) {
        if (axios.isAxiosError(error) && error.code === 'ERR_BAD_RESPONSE' && !error.response) {
          throw new NotSupportedError(`media exceeds the ${maxBytes}-byte download cap`);
        }
        throw toGraphError(error, 'download media');
      }
    },
  };
}

/**
 * Translates an axios failure into the adapter contract's typed errors. The axios
 * error is not kept as `cause`: its request config holds the bearer token.
 */
export function toGraphError(error: unknown, what: string): BotError {
  if (error instanceof PlatformApiError || error instanceof NotSupportedError) return error;
  if (!axios.isAxiosError(error)) return new PlatformApiError(`${what} failed`);
  const axiosError = error as AxiosError<{ error?: { code?: unknown; message?: unknown } }>;
  const status = axiosError.response?.status;
  const graph = axiosError.response?.data?.error;
  const code =
    typeof graph?.code === 'number' || typeof graph?.code === 'string' ? String(graph.code) : undefined;
  const retryAfterMs = parseRetryAfter(axiosError.response?.headers?.['retry-after']);
  const detail = code
    ? `Graph error ${code}${typeof graph?.message === 'string' ? ` ${graph.message}` : ''}`
    : status
      ? `HTTP ${status}`
      : (axiosError.code ?? 'network error');
  const message = `WhatsApp ${what} failed: ${detail}`;
  if (code && WINDOW_CLOSED.has(code)) return new ReplyWindowClosedError(message);
  if (code && RATE_LIMITED.has(code)) return new WhatsAppRateLimitedError(message, code, retryAfterMs);
  if (code && UNDELIVERABLE.has(code)) return new UndeliverableError(message, { platformCode: code });
  if (!code && status === 429) return new WhatsAppRateLimitedError(message, '429', retryAfterMs);
  return new PlatformApiError(message, {
    ...(status !== undefined ? { status } : {}),
    ...(code ? { platformCode: code } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** Whether waiting and sending again can succeed: rate limits, Meta's temporary errors, 5xx and network failures. */
export function isTransientGraphError(error: unknown): boolean {
  if (error instanceof RateLimitedError) return true;
  if (!(error instanceof PlatformApiError)) return false;
  if (error.platformCode && TRANSIENT.has(error.platformCode)) return true;
  if (error.platformCode && error.status !== undefined && error.status < 500) return false;
  return error.status === undefined || error.status >= 500;
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}
