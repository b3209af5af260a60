import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureError } from '../../../src/errors.ts';

const SIGNATURE_PREFIX = 'sha256=';
const SHA256_HEX = /^[0-9a-f]{64}$/i;

/**
 * Checks `X-Hub-Signature-256` over the raw request bytes with the app secret.
 * Meta signs the bytes it sent (non-ASCII escaped as `\u00e4`), so hashing a
 * re-serialised body would fail on the first customer who writes an umlaut; the
 * comparison is constant time so the header cannot be guessed byte by byte.
 * @throws SignatureError when the header is missing, malformed or wrong.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/create-webhook-endpoint
 */
export function verifyWhatsAppSignature(
  rawBody: Buffer,
  header: string | string[] | undefined,
  appSecret: string,
): void {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) throw new SignatureError('X-Hub-Signature-256 header is missing');
  const hex = value.trim().startsWith(SIGNATURE_PREFIX) ? value.trim().slice(SIGNATURE_PREFIX.length) : '';
  if (!SHA256_HEX.test(hex)) throw new SignatureError('X-Hub-Signature-256 header is malformed');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  if (!timingSafeEqual(expected, Buffer.from(hex, 'hex'))) {
    throw new SignatureError('X-Hub-Signature-256 does not match the body');
  }
}

/** The `sha256=<hex>` header value for a body (tests and local tools sign with it). */
export function signWhatsAppBody(rawBody: Buffer | string, appSecret: string): string {
  return `${SIGNATURE_PREFIX}${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/**
 * Meta's GET verification: returns the `hub.challenge` to echo when the mode is
 * `subscribe` and the verify token matches (constant time), else `null` (answer 403).
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/create-webhook-endpoint
 */
export function verifyWhatsAppSubscription(query: URLSearchParams, verifyToken: string): string | null {
  const challenge = query.get('hub.challenge');
  const token = query.get('hub.verify_token') ?? '';
  if (query.get('hub.mode') !== 'subscribe' || challenge === null) return null;
  const given = createHmac('sha256', 'verify-token').update(token).digest();
  const wanted = createHmac('sha256', 'verify-token').update(verifyToken).digest();
  // Hashing first gives equal lengths, so the comparison leaks neither content nor length.
  return timingSafeEqual(given, wanted) ? challenge : null;
}
