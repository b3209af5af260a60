import { Cluster, type DNSLookupFunction, Redis } from 'ioredis';
import { ConfigError } from '../errors.ts';
import { type SentinelAddress, parseRedisUrl } from './addresses.ts';

export type { SentinelAddress } from './addresses.ts';

/**
 * Either ioredis client. Code that only issues single-key commands and scripts whose
 * keys share one hash tag works with both; anything else must not take this type.
 */
export type RedisClient = Redis | Cluster;

/** The part of `Config['redis']` that decides how to connect. */
export interface RedisConnectionConfig {
  /** `redis://` or `rediss://`; in Sentinel mode only its credentials, database and TLS are used. */
  readonly url: string;
  /** `REDIS_CLUSTER`: the URL is a seed node of a Redis Cluster. */
  readonly cluster: boolean;
  /** `REDIS_SENTINELS`; non-empty switches Sentinel mode on. */
  readonly sentinels: readonly SentinelAddress[];
  /** `REDIS_SENTINEL_NAME`: the master group the sentinels watch. */
  readonly sentinelName: string | undefined;
}

/** Per-connection behaviour the caller chooses (a command connection and a blocking one differ). */
export interface RedisClientOptions {
  /**
   * Retries of one command across reconnects before it rejects: a small number for
   * command connections (fail fast, answer 503), `null` for blocking consumers
   * (BullMQ requires it). Default 2.
   */
  readonly maxRetriesPerRequest?: number | null;
  readonly connectTimeoutMs?: number;
  /**
   * Rejects a command with no reply after this long. Without it a command issued
   * while Redis is away waits in ioredis' offline queue for up to ~10 s per retry;
   * ingest must answer 5xx quickly instead so the platform redelivers.
   */
  readonly commandTimeoutMs?: number;
  readonly lazyConnect?: boolean;
  /** Shown by `CLIENT LIST`, which helps when several processes share a server. */
  readonly connectionName?: string;
}

/**
 * Opens the Redis client the configuration asks for: a plain connection, a Cluster
 * client seeded by `url`, or a Sentinel-managed connection to `sentinelName`.
 *
 * Why one place: every Redis user (stores, queue, key-value space) must get the
 * same topology, credentials and TLS; choosing per call site is how a Cluster
 * deployment ends up with one component talking to a single node.
 *
 * @throws ConfigError when the URL cannot describe the topology (a database other
 * than 0 with a Cluster, which has no `SELECT`).
 * @see https://github.com/redis/ioredis#cluster
 * @see https://github.com/redis/ioredis#sentinel
 */
export function createRedisClient(
  config: RedisConnectionConfig,
  options: RedisClientOptions = {},
): RedisClient {
  const url = parseRedisUrl(config.url);
  const common = {
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 2 : options.maxRetriesPerRequest,
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    lazyConnect: options.lazyConnect ?? false,
    ...(options.commandTimeoutMs === undefined ? {} : { commandTimeout: options.commandTimeoutMs }),
    ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
    ...(url.username === undefined ? {} : { username: url.username }),
    ...(url.password === undefined ? {} : { password: url.password }),
    ...(url.tls ? { tls: {} } : {}),
  };

  if (config.sentinels.length > 0) {
    if (config.sentinelName === undefined) {
      throw new ConfigError([
        { variable: 'REDIS_SENTINEL_NAME', problem: 'is required with REDIS_SENTINELS' },
      ]);
    }
    return new Redis({
      ...common,
      db: url.db,
      sentinels: config.sentinels.map((s) => ({ host: s.host, port: s.port })),
      name: config.sentinelName,
      // rediss:// asks for TLS to the sentinels as well as to the master they point at.
      ...(url.tls ? { enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
    });
  }

  if (config.cluster) {
    if (url.db !== 0) {
      throw new ConfigError([
        {
          variable: 'REDIS_URL',
          problem: 'must use database 0 with REDIS_CLUSTER=true (Cluster has no SELECT)',
        },
      ]);
    }
    const { lazyConnect, ...redisOptions } = common;
    const keepHostname: DNSLookupFunction = (address, callback) => callback(null, address);
    return new Cluster([{ host: url.host, port: url.port }], {
      redisOptions,
      lazyConnect,
      // Managed TLS clusters (e.g. ElastiCache) present certificates for the hostname,
      // so keep it instead of resolving to an IP the certificate does not name.
      ...(url.tls ? { dnsLookup: keepHostname } : {}),
    });
  }

  return new Redis(config.url, common);
}
