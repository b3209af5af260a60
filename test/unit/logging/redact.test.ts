import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createPinoLogger } from '../../../src/logging/pino-logger.ts';
import { maskPhoneNumbers, scrubLogRecord } from '../../../src/logging/redact.ts';

describe('log redaction', () => {
  it('masks phone numbers in free text but keeps Discord snowflakes and short numbers', () => {
    expect(maskPhoneNumbers('call +44 7700 900123 now')).toBe('call [phone …23] now');
    expect(maskPhoneNumbers('wa 447700900123')).toBe('wa [phone …23]');
    expect(maskPhoneNumbers('user 1456123300000000030 order 12345')).toBe(
      'user 1456123300000000030 order 12345',
    );
  });

  it('redacts secret fields at any depth', () => {
    expect(
      scrubLogRecord({
        a: { botToken: 'xoxb-1', nested: [{ api_key: 'k' }] },
        authorization: 'Bearer x',
        ok: 1,
      }),
    ).toEqual({
      a: { botToken: '[redacted]', nested: [{ api_key: '[redacted]' }] },
      authorization: '[redacted]',
      ok: 1,
    });
  });

  it('never writes a secret or a phone number through the real logger, bindings included', async () => {
    const stream = new PassThrough();
    let out = '';
    stream.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const logger = createPinoLogger({ level: 'info', pretty: false, destination: stream }).child({
      conversation: 'whatsapp:105:dm:447700900123',
    });
    logger.info({ accessToken: 'EAAG-secret', from: '+447700900123' }, 'message from 447700900123');
    await new Promise((r) => setImmediate(r));
    expect(out).toContain('[redacted]');
    expect(out).not.toMatch(/EAAG-secret|447700900123/);
  });
});
