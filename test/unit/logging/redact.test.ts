import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createPinoLogger } from '../../../src/logging/pino-logger.ts';
import { isPhoneNumberLike, maskPhoneNumbers, scrubLogRecord } from '../../../src/logging/redact.ts';

describe('phone masking: masked', () => {
  it.each([
    ['call +44 7700 900123 now', 'call [phone …23] now'],
    ['wa 447700900123', 'wa [phone …23]'],
    ['from=+447700900123', 'from=[phone …23]'],
    ['US wa_id 14155552671', 'US wa_id [phone …71]'],
    ['+1 (415) 555-2671', '[phone …71]'],
    ['+1(415)555-2671', '[phone …71]'],
    ['(415) 555-2671', '[phone …71]'],
    ['415-555-2671', '[phone …71]'],
    ['415.555.2671', '[phone …71]'],
    ['0044 7700 900123', '[phone …23]'],
    ['07700 900123', '[phone …23]'],
    ['07700900123', '[phone …23]'],
    ['+49 30 12345678', '[phone …78]'],
    ['+91-98765-43210', '[phone …10]'],
    ['+45 1234 5678 (8 digits after +45)', '[phone …78] (8 digits after +45)'],
    [
      'conversation whatsapp:106540352242922:dm:447700900123',
      'conversation whatsapp:106540352242922:dm:[phone …23]',
    ],
    ['url ?to=%2B447700900123&x=1', 'url ?to=[phone …23]&x=1'],
    ['numbers 447700900123, 447700900124.', 'numbers [phone …23], [phone …24].'],
    ['"447700900123"', '"[phone …23]"'],
  ])('%s', (input, expected) => {
    expect(maskPhoneNumbers(input)).toBe(expected);
  });
});

describe('phone masking: left alone', () => {
  it.each([
    ['Slack ts', 'thread 1712345678.000100 in C0123456789'],
    ['Discord snowflake (19 digits)', 'user 1456123300000000030'],
    ['Discord snowflake (17 digits)', 'guild 81384788765712384'],
    ['ms timestamp (13 digits, starts with 1)', 'at 1712345678901'],
    ['Unix seconds (10 digits)', 'at 1712345678'],
    ['byte count', 'body of 1048576 bytes'],
    ['10 GB byte count written bare', 'wrote 9876543210 bytes'],
    ['duration', 'turn took 12345 ms'],
    ['ticket id', 'ticket T-20240115-0042 claimed'],
    ['numeric ticket suffix', 'ticket TCK-447700900123'],
    ['order number', 'order A1234'],
    ['ISO date-time', '2024-01-15 12:30:45'],
    ['ISO timestamp', '2024-01-15T12:30:45.123Z'],
    ['IPv4', 'from 192.168.100.200'],
    ['decimal with a long fraction', 'confidence 0.87654321098765'],
    ['thousands separators', '1,234,567,890 events'],
    ['version', 'node v20.12.2'],
    ['UUID', 'event sbx_5f0c2a4e-8a7d-4c1e-9b1e-123456789012'],
    ['Meta object id (15 digits, starts with 1)', 'phone_number_id 106540352242922'],
    ['identifier with digits', 'wamid.HBgLMTQxNTU1NTI2NzEVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA'],
    ['20-digit run', '12345678901234567890'],
    ['short numbers', 'retry 3 of 5 after 250 ms'],
  ])('%s', (_label, input) => {
    expect(maskPhoneNumbers(input)).toBe(input);
  });
});

describe('isPhoneNumberLike', () => {
  it.each([
    ['+12345678', true],
    ['+1234567', false],
    ['+1234567890123456', false],
    ['234567890123456', true],
    ['123456789012345', false],
    ['1234567890123456', false],
    ['12345678901', true],
    ['123456789012', false],
    ['23456789012', true],
    ['2345678901', false],
    ['234 567 8901', true],
    ['234 567 890', false],
  ])('%s → %s', (candidate, expected) => {
    expect(isPhoneNumberLike(candidate)).toBe(expected);
  });

  it('stays fast on pathological input (no catastrophic backtracking)', () => {
    const input = `${'1 '.repeat(20_000)}x ${'9'.repeat(50_000)}a`;
    // Linear work: a backtracking blow-up would not finish at all.
    expect(maskPhoneNumbers(input)).toContain('x');
  });
});

describe('log record scrubbing', () => {
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

  it('leaves numeric fields alone: byte counts and ids logged as numbers stay readable', () => {
    expect(scrubLogRecord({ bytes: 447700900123, ts: '1712345678.000100' })).toEqual({
      bytes: 447700900123,
      ts: '1712345678.000100',
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
    expect(out).toContain('[phone …23]');
    expect(out).not.toMatch(/EAAG-secret|447700900123/);
  });
});
