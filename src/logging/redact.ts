/**
 * Scrubbing for log records: secrets by field name, phone numbers anywhere in
 * strings. Pure so it can be tested without a logger.
 */

const SECRET_FIELD = /(token|secret|password|passwd|authorization|api[-_]?key|cookie|signature)/i;

/**
 * A run of digits that could be a phone number: an optional `+` (or URL-encoded
 * `%2B`), then digit groups joined by at most one space, `-` or `.`, with optional
 * parentheses around a group: `+44 7700 900123`, `(415) 555-2671`, `447700900123`.
 *
 * It must stand alone. Not right after a letter, digit or `_` (identifiers such as
 * `C0123456789`, `wa_…`), nor after `<alnum>-` (ticket and UUID parts like
 * `T-20240115-0042`), nor after `<digit>.` or `<digit>,` (fractions, thousands);
 * and not followed by a letter, digit, `_`, or `.`/`,`/`:` plus a digit (times
 * like `12:30`, decimals). A match that would end mid-number is never a match.
 */
// Groups: digits, or digits in parentheses. After a plain digit group only a
// separator or a parenthesis may follow, so there is one way to split any run
// (no catastrophic backtracking); at most 7 more groups bound the work per match.
const GROUP = String.raw`(?:\(\d{1,6}\)|\d{1,15})`;
const NEXT_GROUP = String.raw`(?:[ .-]${GROUP}|\(\d{1,6}\)|(?<=\))\d{1,15})`;
const CANDIDATE = new RegExp(
  String.raw`(?<![\p{L}\p{N}_]|[\p{L}\p{N}]-|\d[.,])(?:\+|%2[Bb])?${GROUP}${NEXT_GROUP}{0,7}(?![\p{L}\p{N}_]|[.,:]\d)`,
  'gu',
);

/** E.164 allows at most 15 digits, country code included. */
const MAX_PHONE_DIGITS = 15;
/** With a leading `+` the intent is plain; the shortest common international numbers have 8 digits. */
const MIN_PLUS_DIGITS = 8;
/** Written with separators but no `+`: national formats like `(415) 555-2671` have 10 or more. */
const MIN_SEPARATED_DIGITS = 10;
/** A bare run: WhatsApp `wa_id`s are the full international number, 11 or more digits in practice. */
const MIN_BARE_DIGITS = 11;
/** Country code 1 (NANP) numbers are exactly 11 digits; longer runs starting with 1 are not phones. */
const NANP_DIGITS = 11;

/**
 * Whether a candidate run is treated as a phone number. The rules, and why:
 *
 * - More than 15 digits: never (E.164 maximum). Keeps Discord snowflakes (17–20
 *   digits), Slack timestamps (`1712345678.000100`, 16 digits) and long ids readable.
 * - With `+` (or `%2B`): 8–15 digits, any grouping. A plus sign says "phone number".
 * - With separators (space, `-`, `.`, parentheses), no `+`: 10–15 digits, except
 *   IPv4 addresses, dates (`2024-01-15 …`) and dot-joined groups longer than four
 *   digits (`1712345678.000100`, `0.8765432109`), which phones never have.
 * - Bare digits: 11–15 (wa_id style), except runs starting with `1` that are not
 *   exactly 11 digits: no E.164 number starts with 1 unless it is an 11-digit NANP
 *   number, while 13-digit millisecond timestamps (`1712345678901`) and Meta object
 *   ids (`106540352242922`) start with 1. Ten bare digits stay readable (Unix
 *   seconds, byte counts up to 10 GB).
 *
 * Known cost: a bare 11–15 digit number not starting with 1 (an order number, say)
 * is masked too. In logs that is the safe side; numeric fields (not strings) are
 * never touched, so byte counts and durations logged as numbers stay intact.
 */
export function isPhoneNumberLike(candidate: string): boolean {
  const digits = candidate.replace(/%2[Bb]/g, '+').replace(/\D/g, '');
  if (digits.length > MAX_PHONE_DIGITS) return false;
  if (candidate.startsWith('+') || /^%2b/i.test(candidate)) return digits.length >= MIN_PLUS_DIGITS;
  if (/^\d+$/.test(candidate)) {
    if (digits.length < MIN_BARE_DIGITS) return false;
    return !digits.startsWith('1') || digits.length === NANP_DIGITS;
  }
  if (digits.length < MIN_SEPARATED_DIGITS) return false;
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(candidate)) return false;
  if (/^\d{4}-\d{2}-\d{2}(?!\d)/.test(candidate)) return false;
  if (/\d{5,}\.|\.\d{5,}/.test(candidate)) return false;
  return true;
}

/**
 * Masks phone numbers in free text, keeping the last two digits so log lines about
 * one customer can still be correlated. See `isPhoneNumberLike` for what counts.
 */
export function maskPhoneNumbers(text: string): string {
  return text.replace(CANDIDATE, (match) => {
    if (!isPhoneNumberLike(match)) return match;
    return `[phone …${match.replace(/\D/g, '').slice(-2)}]`;
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
