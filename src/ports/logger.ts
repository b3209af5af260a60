/**
 * Structured logger (pino-compatible subset). Fields first, message second.
 * Implementations must redact secrets and phone numbers; see `src/logger.ts`.
 */
export interface Logger {
  debug(fields: Record<string, unknown>, message?: string): void;
  info(fields: Record<string, unknown>, message?: string): void;
  warn(fields: Record<string, unknown>, message?: string): void;
  error(fields: Record<string, unknown>, message?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}
