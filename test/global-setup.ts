import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { TestProject } from 'vitest/node';
import { findOnPath, spawnGuarded, stopGuarded } from '../scripts/redis-guard.ts';

/**
 * Vitest global setup of the Redis-backed suites (the `integration` project in
 * `vitest.config.ts`; unit and meta tests never start it).
 *
 * 1. The single Redis: `REDIS_URL`, else `redis://127.0.0.1:6379`, must answer PING
 *    within 2 s. If it does not, a `redis-server` found on PATH is started on a free
 *    loopback port. If there is none either, the run stops within seconds with one
 *    line saying how to fix it, instead of every test waiting on a dead connection.
 * 2. A single-node Redis Cluster (cluster mode on, all 16384 slots on the one node),
 *    unless `REDIS_CLUSTER_URL` names a reachable cluster already.
 *
 * Both URLs reach the tests through `provide` (read with `inject`, see
 * `test/helpers/redis.ts`) and through `process.env` for spawned processes. Servers
 * started here run under a shell that stops them when this process's pipe closes,
 * so even a killed test run leaves none behind; teardown stops them normally.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    redisClusterUrl: string;
  }
}

const PING_TIMEOUT_MS = 2_000;
const START_TIMEOUT_MS = 10_000;
const DEFAULT_URL = 'redis://127.0.0.1:6379';
const FIX =
  'start one (`redis-server --daemonize yes`), install it (`apt-get install redis-server`), or set REDIS_URL';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const servers: RedisServer[] = [];
  const teardown = async () => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    const redisUrl = await singleRedis(servers);
    const clusterUrl = await clusterRedis(servers);
    project.provide('redisUrl', redisUrl);
    project.provide('redisClusterUrl', clusterUrl);
    process.env.REDIS_URL = redisUrl;
    process.env.REDIS_CLUSTER_URL = clusterUrl;
  } catch (error) {
    await teardown();
    // One line and a non-zero exit: thrown, Vitest would bury the fix under a stack
    // trace and a misleading "No test files found".
    process.stderr.write(`\n${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  return teardown;
}

async function singleRedis(servers: RedisServer[]): Promise<string> {
  const wanted = process.env.REDIS_URL ?? DEFAULT_URL;
  if (await answersPing(wanted)) return wanted;
  const binary = findOnPath('redis-server');
  if (binary === undefined) {
    throw new Error(
      `Redis tests need a Redis: nothing answered PING at ${wanted} within 2 s and no redis-server is on PATH; ${FIX}.`,
    );
  }
  const server = await startRedisServer(binary, []);
  servers.push(server);
  return server.url;
}

async function clusterRedis(servers: RedisServer[]): Promise<string> {
  const given = process.env.REDIS_CLUSTER_URL;
  if (given !== undefined && given !== '') {
    if (await clusterReady(given)) return given;
    throw new Error(
      `REDIS_CLUSTER_URL=${given} is not a Redis Cluster with cluster_state:ok; unset it to let the tests start one.`,
    );
  }
  const binary = findOnPath('redis-server');
  if (binary === undefined) {
    throw new Error(
      'The Redis Cluster tests start a redis-server from PATH and found none; install it (apt-get install redis-server) or set REDIS_CLUSTER_URL.',
    );
  }
  const server = await startRedisServer(
    binary,
    [
      '--cluster-enabled',
      'yes',
      // Without it a lone node announces an empty IP in CLUSTER SLOTS and clients cannot follow it.
      '--cluster-announce-ip',
      '127.0.0.1',
    ],
    { cluster: true },
  );
  servers.push(server);
  await assignAllSlots(server.url);
  return server.url;
}

interface RedisServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts `redis-server` on a free loopback port, retrying on another port if it loses
 * a race for the one it was given (other test runs share the machine).
 */
async function startRedisServer(
  binary: string,
  extra: readonly string[],
  options: { cluster?: boolean } = {},
): Promise<RedisServer> {
  let lastProblem = '';
  for (let attempt = 0; attempt < 4; attempt++) {
    const port = await freePort(options.cluster === true);
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-redis-'));
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--dir',
      dir,
      '--logfile',
      join(dir, 'redis.log'),
      ...(options.cluster === true ? ['--cluster-config-file', join(dir, 'nodes.conf')] : []),
      ...extra,
    ];
    const child = spawnGuarded(binary, args);
    const url = `redis://127.0.0.1:${port}`;
    const stop = async () => {
      await stopGuarded(child);
      rmSync(dir, { recursive: true, force: true });
    };
    if (await waitForPing(url, child)) return { url, stop };
    lastProblem = readLog(dir);
    await stop();
  }
  throw new Error(`redis-server from PATH did not start: ${lastProblem || 'no log output'}`);
}

async function waitForPing(url: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    if (await answersPing(url, 500)) return true;
    await sleep(50);
  }
  return false;
}

async function answersPing(url: string, timeoutMs = PING_TIMEOUT_MS): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => {});
  try {
    await withTimeout(
      redis.connect().then(() => redis.ping()),
      timeoutMs,
    );
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** Gives the one node every slot, then waits for `cluster_state:ok`. */
async function assignAllSlots(url: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  try {
    try {
      await redis.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    } catch {
      // Redis before 7.0 has no ADDSLOTSRANGE.
      const slots = Array.from({ length: 16384 }, (_, i) => String(i));
      await redis.call('CLUSTER', 'ADDSLOTS', ...slots);
    }
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const info = String(await redis.call('CLUSTER', 'INFO'));
      if (info.includes('cluster_state:ok')) return;
      await sleep(50);
    }
    throw new Error(`the test Redis Cluster at ${url} did not reach cluster_state:ok`);
  } finally {
    redis.disconnect();
  }
}

async function clusterReady(url: string): Promise<boolean> {
  if (!(await answersPing(url))) return false;
  const redis = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    return String(await withTimeout(redis.call('CLUSTER', 'INFO'), PING_TIMEOUT_MS)).includes(
      'cluster_state:ok',
    );
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/**
 * A free loopback port. For a cluster node the bus port (port + 10000) must be free
 * and valid too, so the port stays below 55536.
 */
async function freePort(forCluster: boolean): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await listenOnce(0);
    if (!forCluster) return port;
    if (
      port + 10_000 <= 65_535 &&
      (await listenOnce(port + 10_000).then(
        () => true,
        () => false,
      ))
    )
      return port;
  }
  throw new Error('found no free loopback port pair for the test Redis Cluster');
}

function listenOnce(port: number): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(bound));
    });
  });
}

function readLog(dir: string): string {
  try {
    const lines = readFileSync(join(dir, 'redis.log'), 'utf8').trim().split('\n');
    return lines.slice(-3).join(' | ');
  } catch {
    return '';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error('timed out')), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        done(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        fail(e);
      },
    );
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
