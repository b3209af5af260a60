import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { type RedisClient, createRedisClient } from '../../src/redis/connect.ts';
import { freePort } from '../helpers/process.ts';
import { TEST_REDIS_URL, connectRedis, redisTargets, uniquePrefix } from '../helpers/redis.ts';

const none = { sentinels: [], sentinelName: undefined } as const;

describe('createRedisClient', () => {
  const opened: RedisClient[] = [];
  const open = (...args: Parameters<typeof createRedisClient>) => {
    const client = createRedisClient(...args);
    opened.push(client);
    return client;
  };
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.quit().catch(() => c.disconnect())));
  });

  it('opens a plain connection by default', async () => {
    const redis = open({ url: TEST_REDIS_URL, cluster: false, ...none });
    expect(redis).toBeInstanceOf(Redis);
    expect(await redis.ping()).toBe('PONG');
  });

  it('opens a Cluster client seeded by the URL when cluster is on, and it follows the slot map', async () => {
    const target = redisTargets().find((t) => t.cluster);
    const redis = open({ url: target?.url ?? '', cluster: true, ...none }, { maxRetriesPerRequest: 1 });
    expect(redis).toBeInstanceOf(Cluster);
    const key = `${uniquePrefix('connect')}:k`;
    await redis.set(key, 'v', 'PX', 10_000);
    expect(await redis.get(key)).toBe('v');
    await redis.del(key);
  });

  it('refuses a Cluster URL that selects a database other than 0, naming REDIS_URL', () => {
    const call = () => createRedisClient({ url: 'redis://127.0.0.1:7000/2', cluster: true, ...none });
    expect(call).toThrow(ConfigError);
    try {
      call();
    } catch (error) {
      expect((error as ConfigError).issues.map((i) => i.variable)).toEqual(['REDIS_URL']);
    }
  });

  describe('with Sentinel', () => {
    let sentinel: ChildProcess | undefined;
    let sentinelPort = 0;
    let dir = '';

    beforeAll(async () => {
      const master = new URL(TEST_REDIS_URL);
      sentinelPort = await freePort();
      dir = mkdtempSync(join(tmpdir(), 'switchboard-sentinel-'));
      const conf = join(dir, 'sentinel.conf');
      writeFileSync(
        conf,
        [
          `port ${sentinelPort}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor sbtest ${master.hostname} ${master.port || '6379'} 1`,
        ].join('\n'),
      );
      sentinel = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
      await waitForPing(sentinelPort);
    });

    afterAll(() => {
      sentinel?.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });

    it('asks the sentinels for the master named REDIS_SENTINEL_NAME and talks to it', async () => {
      const redis = open(
        // The URL's host is deliberately wrong: in Sentinel mode only its credentials and db count.
        {
          url: 'redis://not-used.invalid:1',
          cluster: false,
          sentinels: [{ host: '127.0.0.1', port: sentinelPort }],
          sentinelName: 'sbtest',
        },
        { maxRetriesPerRequest: 1 },
      );
      const key = `${uniquePrefix('sentinel')}:k`;
      await redis.set(key, 'through-sentinel', 'PX', 10_000);
      const direct = connectRedis();
      try {
        expect(await direct.get(key)).toBe('through-sentinel');
        await direct.del(key);
      } finally {
        await direct.quit();
      }
    });
  });
});

async function waitForPing(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const probe = new Redis(port, '127.0.0.1', {
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      probe.disconnect();
    }
  }
  throw new Error(`redis-server --sentinel did not answer on port ${port}`);
}
