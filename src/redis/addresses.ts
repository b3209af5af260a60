import { ConfigError } from '../errors.ts';

/**
 * Parsing of Redis addresses, free of ioredis so `src/config.ts` can validate them
 * without loading a client library.
 */

/** A sentinel address from `REDIS_SENTINELS`. */
export interface SentinelAddress {
  readonly host: string;
  readonly port: number;
}

export interface ParsedRedisUrl {
  readonly host: string;
  readonly port: number;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly db: number;
  readonly tls: boolean;
}

/** Splits a `redis://[user[:password]@]host[:port][/db]` URL into ioredis options. */
export function parseRedisUrl(raw: string): ParsedRedisUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError([
      { variable: 'REDIS_URL', problem: 'must be a redis URL (redis:// or rediss://...)' },
    ]);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError([
      { variable: 'REDIS_URL', problem: 'must be a redis URL (redis:// or rediss://...)' },
    ]);
  }
  const dbPart = url.pathname.replace(/^\//, '');
  const db = dbPart === '' ? 0 : Number(dbPart);
  if (!Number.isInteger(db) || db < 0) {
    throw new ConfigError([{ variable: 'REDIS_URL', problem: 'database (the path) must be a whole number' }]);
  }
  return {
    // URL keeps IPv6 hosts in brackets; ioredis wants them bare.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: url.port === '' ? 6379 : Number(url.port),
    username: url.username === '' ? undefined : decodeURIComponent(url.username),
    password: url.password === '' ? undefined : decodeURIComponent(url.password),
    db,
    tls: url.protocol === 'rediss:',
  };
}

/**
 * Parses `REDIS_SENTINELS` entries (`host:port`, port defaulting to 26379).
 * @returns the addresses, or a problem sentence for the config error.
 */
export function parseSentinels(entries: readonly string[]): SentinelAddress[] | string {
  const out: SentinelAddress[] = [];
  for (const entry of entries) {
    const match = /^(\[[^\]]+\]|[^:\s]+)(?::(\d{1,5}))?$/.exec(entry);
    const port = match?.[2] === undefined ? 26379 : Number(match[2]);
    if (!match?.[1] || port < 1 || port > 65535) {
      return `"${entry}" is not host:port`;
    }
    out.push({ host: match[1].replace(/^\[(.*)\]$/, '$1'), port });
  }
  return out;
}
