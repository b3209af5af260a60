import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { InboundEvent, InboundMessage } from '../../src/model/inbound-event.ts';
import { REPO_ROOT, freePort } from '../helpers/process.ts';
import { TEST_REDIS_URL, connectRedis, deletePrefix, uniquePrefix } from '../helpers/redis.ts';

export interface StubSend {
  readonly key: string;
  readonly eventId: string;
  readonly conversation: string;
  readonly text: string;
  readonly kind: string;
  readonly worker: string;
}

export interface StubDeskCall {
  readonly type: string;
  readonly key: string;
  readonly ticketId: string | null;
  readonly worker: string;
}

/** The local stub every worker reports its effects to: effects are counted here. */
export interface EffectStub {
  readonly url: string;
  readonly sends: StubSend[];
  readonly desk: StubDeskCall[];
  sendsFor(eventId: string): StubSend[];
  close(): Promise<void>;
}

export async function startStub(): Promise<EffectStub> {
  const sends: StubSend[] = [];
  const desk: StubDeskCall[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const worker = String(req.headers['x-worker'] ?? '');
      const data = JSON.parse(body) as Record<string, unknown>;
      if (req.url === '/send') sends.push({ ...(data as Omit<StubSend, 'worker'>), worker });
      else desk.push({ ...(data as Omit<StubDeskCall, 'worker'>), worker });
      res.writeHead(200).end('{}');
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${port}`,
    sends,
    desk,
    sendsFor: (eventId) => sends.filter((s) => s.eventId === eventId),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export interface Worker {
  readonly label: string;
  readonly port: number;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `test/fault/worker.ts` in its own Node process and waits for it to listen. */
export async function spawnWorker(label: string, env: Record<string, string>): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fault/worker.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', WORKER_LABEL: label, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker ${label} did not start:\n${out}`)), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /READY (\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`worker ${label} exited before it was ready:\n${out}`));
    });
  });
  return {
    label,
    port,
    child,
    exited,
    output: () => out,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Posts one event to a worker's ingest endpoint; returns the HTTP status. */
export async function ingest(worker: { port: number }, event: InboundEvent): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${worker.port}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(10_000),
    });
    return res.status;
  } catch (error) {
    if (process.env.FAULT_DEBUG) console.error('ingest failed', error);
    return 0;
  }
}

let seq = 0;
/** A customer message on the fault channel. */
export function message(conversation: string, text: string): InboundMessage {
  seq++;
  return {
    kind: 'message',
    id: `m-${process.pid}-${Date.now()}-${seq}`,
    ref: { platform: 'fault', workspace: 'w', channel: 'c', threadOrUser: conversation },
    at: Date.now(),
    from: { id: `cust-${conversation}`, role: 'customer', name: 'Ada' },
    text,
  };
}

/** Polls until `check` is true or `timeoutMs` passed; returns whether it became true. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A Redis server of the test's own (persistent, so a restart keeps its data), for restart tests. */
export interface OwnRedis {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sb-redis-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
      ],
      { stdio: 'ignore' },
    );
    const ok = await waitUntil(async () => {
      try {
        const { Redis } = await import('ioredis');
        const probe = new Redis({
          port,
          host: '127.0.0.1',
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
        });
        probe.on('error', () => {});
        await probe.connect();
        const pong = await probe.ping();
        probe.disconnect();
        return pong === 'PONG';
      } catch {
        return false;
      }
    }, 10_000);
    if (!ok) throw new Error('own redis-server did not start');
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What a fault suite shares: one stub, the workers to kill after each test, prefixes to clean. */
export interface FaultSuite {
  readonly stub: EffectStub;
  /** A fresh key prefix, deleted after the suite. */
  prefix(label: string): string;
  /** Starts a worker that is killed after the test. */
  worker(label: string, env: Record<string, string>): Promise<Worker>;
  /** Base environment for a worker on the shared test Redis under `prefix`. */
  env(prefix: string, extra?: Record<string, string>): Record<string, string>;
}

/** Registers the hooks of a fault suite (call inside `describe`). */
export function useFaultSuite(): FaultSuite {
  let stub: EffectStub | undefined;
  const workers: Worker[] = [];
  const prefixes: string[] = [];
  beforeAll(async () => {
    stub = await startStub();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill()));
  });
  afterAll(async () => {
    await stub?.close();
    const redis = connectRedis();
    for (const p of prefixes) await deletePrefix(redis, p);
    await redis.quit();
  });
  const suite: FaultSuite = {
    get stub(): EffectStub {
      if (!stub) throw new Error('the stub starts in beforeAll');
      return stub;
    },
    prefix(label) {
      const p = uniquePrefix(label);
      prefixes.push(p);
      return p;
    },
    async worker(label, env) {
      const w = await spawnWorker(label, env);
      workers.push(w);
      return w;
    },
    env(prefix, extra = {}) {
      return { REDIS_URL: TEST_REDIS_URL, PREFIX: prefix, STUB_URL: suite.stub.url, ...extra };
    },
  };
  return suite;
}
