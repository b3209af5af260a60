import { pino } from 'pino';
import type { Logger } from '../ports/logger.ts';
import { maskPhoneNumbers, scrubLogRecord } from './redact.ts';

export interface PinoLoggerConfig {
  readonly level: string;
  readonly pretty: boolean;
  /** Where to write; defaults to stdout. Tests pass a stream to inspect output. */
  readonly destination?: NodeJS.WritableStream;
}

/**
 * The default `Logger`: pino JSON lines, with every record scrubbed of secrets
 * and phone numbers before it is written (bindings included, because conversation
 * keys for WhatsApp contain the customer's number).
 */
export function createPinoLogger(config: PinoLoggerConfig): Logger {
  const options: pino.LoggerOptions = {
    level: config.level,
    base: null,
    formatters: {
      log: (record) => scrubLogRecord(record) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? maskPhoneNumbers(a) : a));
        method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
  };
  const transport = config.pretty
    ? pino.transport({ target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l' } })
    : undefined;
  const destination = config.destination ?? transport ?? pino.destination({ sync: false });
  return wrap(pino(options, destination));
}

function wrap(p: pino.Logger): Logger {
  return {
    debug: (fields, message) => p.debug(fields, message),
    info: (fields, message) => p.info(fields, message),
    warn: (fields, message) => p.warn(fields, message),
    error: (fields, message) => p.error(fields, message),
    // Bindings are scrubbed here because pino serialises them once, outside the log formatter.
    child: (bindings) => wrap(p.child(scrubLogRecord(bindings) as Record<string, unknown>)),
  };
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
