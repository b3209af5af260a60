/**
 * Scrubbing for log records: secrets by field name, phone numbers anywhere in
 * strings. Pure so it can be tested without a logger.
 */

const SECRET_FIELD = /(token|secret|password|passwd|authorization|api[-_]?key|cookie|signature)/i;

// Seven or more digits, optionally with a leading + and separators: phone numbers and
// WhatsApp ids. Slack/Discord ids (letters, or 17+ digit snowflakes) are kept readable.
const PHONE = /(?<![\w.])\+?\d[\d ()-]{5,14}\d(?![\w.])/g;
const SNOWFLAKE = /^\d{17,20}$/;

/** Masks phone-number-like runs, keeping the last two digits for correlation. */
export function maskPhoneNumbers(text: string): string {
  return text.replace(PHONE, (match) => {
    const digits = match.replace(/\D/g, '');
    if (digits.length < 7 || SNOWFLAKE.test(digits)) return match;
    return `[phone …${digits.slice(-2)}]`;
  });
}

/** Deep-copies a log record with secrets replaced and phone numbers masked. */
export function scrubLogRecord(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[depth]';
  if (typeof value === 'string') return maskPhoneNumbers(value);
  if (Array.isArray(value)) return value.map((v) => scrubLogRecord(v, depth + 1));
  if (value instanceof Error) {
    return {
      type: value.name,
      message: maskPhoneNumbers(value.message),
      code: (value as { code?: unknown }).code,
    };
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        SECRET_FIELD.test(k) && v !== undefined && v !== null && v !== ''
          ? '[redacted]'
          : scrubLogRecord(v, depth + 1);
    }
    return out;
  }
  return value;
}
