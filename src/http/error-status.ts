import { BotError } from '../errors.ts';
import { PayloadTooLargeError } from './body.ts';

/**
 * The one map from errors to HTTP status and log level. Bad input is the caller's
 * fault (4xx, logged at warn); anything else is ours (5xx so platforms redeliver).
 */
export function errorStatus(error: unknown): { status: number; level: 'warn' | 'error'; message: string } {
  if (error instanceof PayloadTooLargeError) return { status: 413, level: 'warn', message: error.message };
  if (error instanceof BotError) {
    switch (error.code) {
      case 'bad_request':
        return { status: 400, level: 'warn', message: error.message };
      case 'signature_invalid':
        return { status: 401, level: 'warn', message: 'invalid signature' };
      case 'store_unavailable':
      case 'store_conflict':
        return { status: 503, level: 'error', message: 'temporarily unavailable, retry later' };
      case 'timeout':
        return { status: 504, level: 'warn', message: error.message };
      case 'not_supported':
        return { status: 404, level: 'warn', message: error.message };
      default:
        return { status: 500, level: 'error', message: 'internal error' };
    }
  }
  return { status: 500, level: 'error', message: 'internal error' };
}
