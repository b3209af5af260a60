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

/** Keeps the newest `limit` history entries: the bound that keeps idle conversations small. */
export function boundHistory(context: ConversationContext, limit: number): ConversationContext {
  if (context.history.length <= limit) return context;
  return { ...context, history: context.history.slice(-limit) };
}
