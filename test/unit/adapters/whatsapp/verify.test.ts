import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  verifyWhatsAppSignature,
  verifyWhatsAppSubscription,
} from '../../../../adapters/whatsapp/webhook/verify.ts';
import { SignatureError } from '../../../../src/errors.ts';
import { TEST_APP_SECRET, sharedFixture, sign } from '../../../fixtures/whatsapp/load.ts';

describe('verifyWhatsAppSignature', () => {
  const raw = sharedFixture('whatsapp-text.json');

  it('accepts the HMAC-SHA256 of the raw bytes with the app secret', () => {
    expect(() => verifyWhatsAppSignature(Buffer.from(raw), sign(raw), TEST_APP_SECRET)).not.toThrow();
    // Header arrays (repeated headers) use the first value.
    expect(() => verifyWhatsAppSignature(Buffer.from(raw), [sign(raw)], TEST_APP_SECRET)).not.toThrow();
  });

  it('rejects a signature computed over the re-serialised body (the \\u2014 escape changes the bytes)', () => {
    const reserialised = JSON.stringify(JSON.parse(raw));
    expect(reserialised).not.toBe(raw);
    expect(() => verifyWhatsAppSignature(Buffer.from(raw), sign(reserialised), TEST_APP_SECRET)).toThrow(
      SignatureError,
    );
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['without the sha256= prefix', createHmac('sha256', TEST_APP_SECRET).update('x').digest('hex')],
    ['not hex', `sha256=${'z'.repeat(64)}`],
    ['too short', 'sha256=abcd'],
    ['for another body', sign('{"object":"whatsapp_business_account","entry":[]}')],
    ['made with another secret', sign(raw, 'other-secret')],
  ])('rejects a header that is %s', (_label, header) => {
    expect(() => verifyWhatsAppSignature(Buffer.from(raw), header, TEST_APP_SECRET)).toThrow(SignatureError);
  });

  it('rejects a body changed by one byte', () => {
    const tampered = raw.replace('55821', '55822');
    expect(() => verifyWhatsAppSignature(Buffer.from(tampered), sign(raw), TEST_APP_SECRET)).toThrow(
      SignatureError,
    );
  });
});

describe('verifyWhatsAppSubscription', () => {
  const query = (params: Record<string, string>) => new URLSearchParams(params);

  it('echoes the challenge for mode subscribe and the right token', () => {
    expect(
      verifyWhatsAppSubscription(
        query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'tok', 'hub.challenge': '1158201444' }),
        'tok',
      ),
    ).toBe('1158201444');
  });

  it.each([
    [{ 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': 'c' }],
    [{ 'hub.mode': 'subscribe', 'hub.verify_token': 'to', 'hub.challenge': 'c' }],
    [{ 'hub.mode': 'unsubscribe', 'hub.verify_token': 'tok', 'hub.challenge': 'c' }],
    [{ 'hub.mode': 'subscribe', 'hub.verify_token': 'tok' }],
    [{ 'hub.mode': 'subscribe', 'hub.challenge': 'c' }],
  ])('refuses %o', (params) => {
    expect(verifyWhatsAppSubscription(query(params), 'tok')).toBeNull();
  });
});
