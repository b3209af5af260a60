import { z } from 'zod';
import { StoreUnavailableError } from '../errors.ts';
import { CONTEXT_SCHEMA_VERSION, type ConversationContext, type CustomerProfile } from '../model/context.ts';
import { OWNERSHIP_STATES } from '../model/ownership.ts';

/**
 * Decoding of stored records. Records carry `schema`; older versions are migrated
 * here and newer ones are refused, so a rollback never misreads data it does not know.
 * The zod check is shallow on purpose: it guards the fields the engine branches on.
 */
const storedContext = z.looseObject({
  schema: z.number().int(),
  key: z.string(),
  ownership: z.looseObject({ state: z.enum(OWNERSHIP_STATES), since: z.number() }),
  history: z.array(z.looseObject({ role: z.string(), text: z.string(), at: z.number() })),
});

const storedProfile = z.looseObject({ schema: z.number().int(), id: z.string(), messageCount: z.number() });

export function decodeContext(json: string): ConversationContext {
  const value: unknown = JSON.parse(json);
  const parsed = storedContext.safeParse(value);
  if (!parsed.success)
    throw new StoreUnavailableError(`stored context is malformed: ${parsed.error.message}`);
  if (parsed.data.schema > CONTEXT_SCHEMA_VERSION) {
    throw new StoreUnavailableError(
      `stored context has schema ${parsed.data.schema}; this build reads up to ${CONTEXT_SCHEMA_VERSION}`,
    );
  }
  return value as ConversationContext;
}

export function decodeProfile(json: string): CustomerProfile {
  const value: unknown = JSON.parse(json);
  const parsed = storedProfile.safeParse(value);
  if (!parsed.success)
    throw new StoreUnavailableError(`stored profile is malformed: ${parsed.error.message}`);
  return value as CustomerProfile;
}

/** Longest text kept per history entry, in characters (code points); longer ones end in `…`. */
export const HISTORY_TEXT_MAX_CHARS = 500;

/** Budget for the JSON of the whole history array, in UTF-8 bytes. */
export const HISTORY_MAX_BYTES = 2_500;

export interface HistoryBudget {
  readonly textChars: number;
  readonly bytes: number;
}

const DEFAULT_BUDGET: HistoryBudget = { textChars: HISTORY_TEXT_MAX_CHARS, bytes: HISTORY_MAX_BYTES };

/**
 * Bounds the history three ways, which together keep an idle conversation small in
 * Redis (about 4 KB with everything else a context holds):
 * 1. the newest `limit` entries (`HISTORY_TURNS`);
 * 2. each text cut to `budget.textChars` characters, ending in `…` (one pasted
 *    10,000-character message must not make every later write 12 KB);
 * 3. the oldest entries dropped until the history's JSON fits `budget.bytes`
 *    (UTF-8). The newest entry is always kept, even if alone it is over budget
 *    (possible only with pathological text, e.g. 500 escaped control characters).
 *
 * Idempotent (a cut text is exactly `textChars` long), because compare-and-set
 * writes may apply it again. Returns `context` itself when nothing changes.
 * The full conversation lives on the platform and in the desk; this history only
 * feeds summaries and the next turn's understanding, which need the recent gist.
 */
export function boundHistory(
  context: ConversationContext,
  limit: number,
  budget: HistoryBudget = DEFAULT_BUDGET,
): ConversationContext {
  const recent = context.history.length > limit ? context.history.slice(-limit) : context.history;
  let changed = recent !== context.history;
  const cut = recent.map((entry) => {
    const text = truncateText(entry.text, budget.textChars);
    if (text === entry.text) return entry;
    changed = true;
    return { ...entry, text };
  });
  // JSON of an array: brackets, entries, and a comma between each two.
  const sizes = cut.map((entry) => Buffer.byteLength(JSON.stringify(entry)));
  let total = 2 + sizes.reduce((sum, size) => sum + size, 0) + Math.max(0, cut.length - 1);
  let first = 0;
  while (total > budget.bytes && cut.length - first > 1) {
    total -= (sizes[first] ?? 0) + 1;
    first++;
  }
  if (!changed && first === 0) return context;
  return { ...context, history: first === 0 ? cut : cut.slice(first) };
}

/** Cuts `text` to at most `max` code points (never splitting a surrogate pair), ending in `…`. */
export function truncateText(text: string, max: number): string {
  // UTF-16 length is at least the code point count, so short texts need no counting.
  if (text.length <= max) return text;
  let kept = 0;
  let end = 0;
  for (const char of text) {
    if (kept === max) return `${text.slice(0, end - lastLength(text, end))}…`;
    kept++;
    end += char.length;
  }
  return text;
}

function lastLength(text: string, end: number): number {
  const code = text.charCodeAt(end - 1);
  return code >= 0xdc00 && code <= 0xdfff ? 2 : 1;
}
