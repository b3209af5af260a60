/**
 * The Redis the benchmarks use: `REDIS_URL` (else `redis://127.0.0.1:6379`) when it
 * answers PING within 2 s, otherwise a private `redis-server` from PATH on a free
 * loopback port (no persistence, stopped with the bench, even if the bench is killed).
 * Only when neither exists are the Redis parts skipped, with that reason.
 * Also: unique key prefixes per run and their cleanup (including BullMQ's keys,
 * which start with `{`).
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { findOnPath, spawnGuarded, stopGuarded } from './redis-guard.ts';

export type BenchRedis =
  | { readonly kind: 'existing' | 'started'; readonly url: string; stop(): Promise<void> }
  | { readonly kind: 'missing'; readonly reason: string };

const DEFAULT_URL = 'redis://127.0.0.1:6379';
const PING_TIMEOUT_MS = 2_000;
const START_TIMEOUT_MS = 10_000;

export async function findOrStartRedis(wanted = process.env.REDIS_URL ?? DEFAULT_URL): Promise<BenchRedis> {
  if (await answersPing(wanted)) return { kind: 'existing', url: wanted, stop: async () => {} };
  const binary = findOnPath('redis-server');
  if (binary === undefined) {
    return {
      kind: 'missing',
      reason: `nothing answered PING at ${wanted} within 2 s and no redis-server is on PATH`,
    };
  }
  for (let attempt = 0; attempt < 4; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-redis-'));
    const child = spawnGuarded(binary, [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--logfile',
      join(dir, 'redis.log'),
    ]);
    const url = `redis://127.0.0.1:${port}`;
    const stop = async () => {
      await stopGuarded(child);
      rmSync(dir, { recursive: true, force: true });
    };
    if (await waitForPing(url, child)) return { kind: 'started', url, stop };
    // Lost the port to someone else (the machine is shared): try another.
    await stop();
  }
  throw new Error(`redis-server from PATH (${binary}) did not start on any of 4 free ports`);
}

/** A key prefix no other run shares. */
export function benchPrefix(label: string): string {
  return `sbbench:${process.pid}:${randomUUID().slice(0, 8)}:${label}`;
}

/** Deletes the keys of one run: `<prefix>:*` and BullMQ's `{<prefix>:bull}:*`. */
export async function deleteBenchKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  try {
    for (const pattern of [`${prefix}:*`, `{${prefix}:bull}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', escapeGlob(pattern), 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.unlink(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

function escapeGlob(pattern: string): string {
  // Keep the trailing `*`; escape glob characters (BullMQ's braces are literal anyway).
  return pattern.slice(0, -1).replace(/[*?[\]\\]/g, (c) => `\\${c}`) + pattern.slice(-1);
}

async function answersPing(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: PING_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, fail) => {
        timer = setTimeout(() => fail(new Error('timed out')), PING_TIMEOUT_MS);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}

async function waitForPing(url: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    if (await answersPing(url)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}
