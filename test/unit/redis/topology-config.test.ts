import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';
import { ConfigError } from '../../../src/errors.ts';
import { parseRedisUrl } from '../../../src/redis/addresses.ts';

function variablesIn(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => i.variable);
    throw error;
  }
  return [];
}

describe('Redis topology configuration', () => {
  it('defaults to a plain Redis: no cluster, no sentinels', () => {
    const { redis } = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(redis).toMatchObject({ cluster: false, sentinels: [], sentinelName: undefined });
  });

  it('REDIS_CLUSTER=true makes REDIS_URL the seed node', () => {
    const { redis } = loadConfig({ REDIS_URL: 'redis://10.0.0.5:7000', REDIS_CLUSTER: 'true' });
    expect(redis).toMatchObject({ url: 'redis://10.0.0.5:7000', cluster: true });
  });

  it('parses REDIS_SENTINELS, defaulting the port to 26379', () => {
    const { redis } = loadConfig({
      REDIS_URL: 'redis://:pw@unused/1',
      REDIS_SENTINELS: 'sentinel-a:26380, sentinel-b,[::1]:5000',
      REDIS_SENTINEL_NAME: 'mymaster',
    });
    expect(redis.sentinels).toEqual([
      { host: 'sentinel-a', port: 26380 },
      { host: 'sentinel-b', port: 26379 },
      { host: '::1', port: 5000 },
    ]);
    expect(redis.sentinelName).toBe('mymaster');
  });

  it.each([
    [{ REDIS_URL: 'redis://h', REDIS_CLUSTER: 'yes' }, ['REDIS_CLUSTER']],
    [{ REDIS_URL: 'redis://h', REDIS_SENTINELS: 'a:1' }, ['REDIS_SENTINEL_NAME']],
    [{ REDIS_URL: 'redis://h', REDIS_SENTINEL_NAME: 'm' }, ['REDIS_SENTINELS']],
    [{ REDIS_URL: 'redis://h', REDIS_SENTINELS: 'a:99999', REDIS_SENTINEL_NAME: 'm' }, ['REDIS_SENTINELS']],
    [
      { REDIS_URL: 'redis://h', REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'm', REDIS_CLUSTER: 'true' },
      ['REDIS_CLUSTER'],
    ],
    [{ REDIS_CLUSTER: 'true' }, ['REDIS_URL']],
    [{ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'm' }, ['REDIS_URL']],
  ])('rejects %o naming %o', (env, variables) => {
    expect(variablesIn(env)).toEqual(variables);
  });

  it('reads credentials, database and TLS from the URL', () => {
    expect(parseRedisUrl('rediss://user:p%40ss@cache.example:6380/3')).toEqual({
      host: 'cache.example',
      port: 6380,
      username: 'user',
      password: 'p@ss',
      db: 3,
      tls: true,
    });
    expect(parseRedisUrl('redis://[::1]')).toMatchObject({ host: '::1', port: 6379, db: 0, tls: false });
  });
});
