/**
 * Redis round trips per ordinary turn, ingest to ack (target: at most 8).
 * `npx tsx scripts/bench-round-trips.ts [--turns 200] [--env QUEUE_CONCURRENCY=1 ...]`
 * (run by `npm run bench` with the defaults).
 *
 * What runs: the real runtime (`createRuntime` from `src/main.ts`: RedisInboundQueue
 * with BullMQ, RedisContextStore, the desk's Redis stores and timers, the sandbox
 * channel) on `REDIS_URL` (found or started by `scripts/bench-redis.ts`) under a
 * unique `REDIS_PREFIX`, with the real local understanding. An ordinary turn is one
 * customer message, in a fresh or an existing conversation (50 conversations x 4
 * messages), answered from the KB or with small talk; every turn is checked to get a
 * reply and leave the conversation with the bot (no handoff), or the part fails.
 *
 * How it counts: `Redis.prototype.sendCommand` of ioredis is wrapped before the
 * runtime starts, so every command of every connection this process opens is seen:
 * the command connection, BullMQ's queue and worker connections and the blocking
 * connection BullMQ duplicates from them. One standalone command is one round trip;
 * a pipeline or MULTI/EXEC (all its commands travel in one write and come back in one
 * read) is one round trip. EVALSHA is attributed to its script by the SHA-1 of every
 * script registered through `defineCommand` (ours are `sb*`, BullMQ's carry its
 * version). The turns run one after another, so background work (BullMQ's blocking
 * BZPOPMIN waits and stalled-job checks, lease renewals, the inbox recovery sweep,
 * the desk timer poll) falls inside the window and is amortised over the turns as it
 * would be at this rate. Warm-up turns load the scripts first, so script loading
 * (NOSCRIPT then EVAL) is not counted.
 *
 * Excluded from the figure, reported separately: commands on the sandbox's mailbox
 * keys. The sandbox channel stands in for a platform: its `send` pushes the reply to a
 * Redis list and the waiting request polls it with LPOP every 10 ms, where a real
 * adapter makes one HTTPS call and Redis sees nothing. The sandbox transport's
 * idempotency record (`SET kv:sandbox:<key> NX`, one per reply) stays in the figure:
 * a platform without idempotency keys needs the same write.
 *
 * Cross-check: a `MONITOR` connection counts, at the server, the commands that arrived
 * from this process's connections (by client port) between two ECHO markers that
 * open and close the window; the part fails if the two counts disagree by more than
 * a few commands at the window's edges, so a path that bypassed the wrapper would show.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/logging/pino-logger.ts';
import { createRuntime } from '../src/main.ts';
import { emitFigure, runPart } from './bench-figures.ts';
import { question } from './bench-questions.ts';
import { benchPrefix, deleteBenchKeys, findOrStartRedis } from './bench-redis.ts';

const PART = 'redis round trips';
const TARGET = 8;
const WARMUP_TURNS = 24;
const TIME_LIMIT_MS = 180_000;

const args = process.argv.slice(2);
const turnsIndex = args.indexOf('--turns');
const TURNS = turnsIndex >= 0 ? Number(args[turnsIndex + 1]) : 200;
/** `--env NAME=VALUE` (repeatable): extra configuration, to see how a setting moves the figure. */
const extraEnv = Object.fromEntries(
  args.flatMap((arg, i) => {
    const pair = args[i - 1] === '--env' ? /^([A-Z0-9_]+)=(.*)$/.exec(arg) : null;
    return pair ? [[pair[1] as string, pair[2] as string]] : [];
  }),
);

/** The shape of ioredis' internal `Command` the wrapper reads. */
interface SentCommand {
  readonly name: string;
  readonly args: readonly unknown[];
}
type SendCommand = (this: Redis, command: SentCommand, stream?: { isPipeline?: boolean }) => unknown;
type DefineCommand = (this: Redis, name: string, definition: { lua: string; numberOfKeys?: number }) => void;

interface RoundTrip {
  readonly labels: string[];
  /** Touches the sandbox mailbox (for a pipeline: any of its commands does). */
  mailbox: boolean;
}

const scriptNames = new Map<string, string>();
const clients = new Set<Redis>();
const uncounted = new WeakSet<Redis>();
const pipelines = new WeakMap<object, RoundTrip>();
const roundTrips: RoundTrip[] = [];
let commands = 0;
let counting = false;
let runPrefix = 'sbbench';
let mailboxMarker = '{mailbox:';

const proto = Redis.prototype as unknown as { sendCommand: SendCommand; defineCommand: DefineCommand };
const originalSend = proto.sendCommand;
const originalDefine = proto.defineCommand;
proto.defineCommand = function (name, definition) {
  scriptNames.set(sha1(definition.lua), name.replace(/:\d+\.\d+\.\d+.*$/, ''));
  originalDefine.call(this, name, definition);
};
proto.sendCommand = function (command, stream) {
  clients.add(this);
  if (counting && !uncounted.has(this)) {
    commands++;
    const label = labelOf(command);
    const mailbox = firstKey(command)?.includes(mailboxMarker) === true;
    if (stream?.isPipeline) {
      // Every command of a pipeline passes through here with the same stream object.
      const trip = pipelines.get(stream);
      if (trip) {
        trip.labels.push(label);
        trip.mailbox ||= mailbox;
      } else {
        const first: RoundTrip = { labels: [label], mailbox };
        pipelines.set(stream, first);
        roundTrips.push(first);
      }
    } else {
      roundTrips.push({ labels: [label], mailbox });
    }
  }
  return originalSend.call(this, command, stream);
};

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function text(value: unknown): string {
  return Buffer.isBuffer(value) ? value.toString() : String(value);
}

function labelOf(command: SentCommand): string {
  if (command.name === 'evalsha') {
    return `evalsha ${scriptNames.get(text(command.args[0])) ?? text(command.args[0]).slice(0, 8)}`;
  }
  if (command.name === 'eval') return `eval ${scriptNames.get(sha1(text(command.args[0]))) ?? '?'}`;
  const key = firstKey(command);
  return key === undefined ? command.name : `${command.name} ${keyShape(key)}`;
}

/** A key with this run's prefix and the ids in it elided, e.g. `{c:…}:lock`, `{bull}:inbound:marker`. */
function keyShape(key: string): string {
  return key
    .replace(`{${runPrefix}:bull}`, '{bull}')
    .replace(`${runPrefix}:`, '')
    .replace(/\{(c|p|mailbox):[^}]*\}/g, '{$1:…}')
    .replace(/[0-9a-f]{8}-[0-9a-f-]{27,}/gi, '…');
}

function firstKey(command: SentCommand): string | undefined {
  if (command.name === 'evalsha' || command.name === 'eval') {
    return Number(text(command.args[1])) > 0 ? text(command.args[2]) : undefined;
  }
  return command.args.length > 0 ? text(command.args[0]) : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function portOf(client: Redis): number | undefined {
  return (client as unknown as { stream?: { localPort?: number } }).stream?.localPort;
}

/** Counts, at the server, commands from given client ports between two ECHO markers. */
async function startMonitor(url: string): Promise<{
  open(): Promise<void>;
  close(): Promise<void>;
  countFrom(ports: ReadonlySet<number>): number;
  stop(): void;
}> {
  const id = randomUUID();
  const [startMarker, endMarker] = [`sbbench-window-start-${id}`, `sbbench-window-end-${id}`];
  const control = new Redis(url, { maxRetriesPerRequest: 1 });
  uncounted.add(control);
  control.on('error', () => {});
  const monitor = await control.monitor();
  uncounted.add(monitor);
  monitor.on('error', () => {});
  const byPort = new Map<number, number>();
  let phase: 'before' | 'in' | 'after' = 'before';
  monitor.on('monitor', (_time: string, argv: string[], source: string) => {
    const marker = argv[0]?.toLowerCase() === 'echo' ? argv[1] : undefined;
    if (marker === startMarker) phase = 'in';
    else if (marker === endMarker) phase = 'after';
    else if (phase === 'in') {
      const port = Number(source.slice(source.lastIndexOf(':') + 1));
      byPort.set(port, (byPort.get(port) ?? 0) + 1);
    }
  });
  const marker = new Redis(url, { maxRetriesPerRequest: 1 });
  uncounted.add(marker);
  marker.on('error', () => {});
  const waitFor = async (wanted: typeof phase) => {
    const deadline = Date.now() + 5_000;
    while (phase !== wanted) {
      if (Date.now() > deadline) throw new Error(`MONITOR did not see the ${wanted} marker`);
      await sleep(10);
    }
  };
  return {
    async open() {
      await marker.echo(startMarker);
      await waitFor('in');
    },
    async close() {
      await marker.echo(endMarker);
      await waitFor('after');
    },
    countFrom(ports) {
      let total = 0;
      for (const [port, n] of byPort) if (ports.has(port)) total += n;
      return total;
    },
    stop() {
      monitor.disconnect();
      control.disconnect();
      marker.disconnect();
    },
  };
}

const perTurn = (n: number): number => Math.round((n / TURNS) * 100) / 100;

function breakdown(trips: readonly RoundTrip[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const trip of trips) {
    const label = trip.labels.length === 1 ? (trip.labels[0] ?? '?') : `pipeline(${trip.labels.join(' ')})`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).map(([label, n]) => [label, perTurn(n)]));
}

async function main(): Promise<boolean> {
  const redis = await findOrStartRedis();
  if (redis.kind === 'missing') {
    emitFigure({ part: PART, figure: 'skipped', value: null, unit: '', reason: redis.reason });
    return true;
  }
  const prefix = benchPrefix('rtt');
  runPrefix = prefix;
  mailboxMarker = `${prefix}:{mailbox:`;
  const runtime = await createRuntime(
    loadConfig({
      LOG_LEVEL: 'silent',
      ...extraEnv,
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      SANDBOX: 'on',
    }),
    { logger: silentLogger },
  );
  const monitor = await startMonitor(redis.url);
  try {
    await runtime.startWorkers();
    const sandbox = runtime.sandbox;
    if (!sandbox) throw new Error('the sandbox channel is off');
    const converse = async (conversationId: string, i: number) => {
      const response = await sandbox.converse({ conversationId, text: question(i) });
      if (response.state !== 'bot' || response.replies.length === 0) {
        throw new Error(
          `turn ${i} ("${question(i)}") was not ordinary: state ${response.state}, ${response.replies.length} replies`,
        );
      }
    };
    for (let i = 0; i < WARMUP_TURNS; i++) await converse(`warm-${i % 6}`, i);
    await sleep(200);

    await monitor.open();
    counting = true;
    const started = performance.now();
    for (let i = 0; i < TURNS; i++) await converse(`turn-${Math.floor(i / 4)}`, i);
    // The last turn's ack and BullMQ's job completion run after its reply arrived.
    await sleep(100);
    counting = false;
    const seconds = (performance.now() - started) / 1000;
    await monitor.close();

    const ports = new Set<number>();
    for (const client of clients) {
      const port = portOf(client);
      if (!uncounted.has(client) && port !== undefined) ports.add(port);
    }
    const serverCommands = monitor.countFrom(ports);
    const turnTrips = roundTrips.filter((t) => !t.mailbox);
    const mailboxTrips = roundTrips.filter((t) => t.mailbox);
    const value = perTurn(turnTrips.length);
    const ok = value <= TARGET;
    emitFigure({
      part: PART,
      figure: 'redis_round_trips_per_turn',
      value,
      unit: 'round trips/turn',
      target: `<= ${TARGET}`,
      ok,
      turns: TURNS,
      seconds: Math.round(seconds * 10) / 10,
      redis: redis.kind === 'started' ? 'private redis-server' : 'REDIS_URL',
      ...(Object.keys(extraEnv).length > 0 ? { env: extraEnv } : {}),
      breakdown_per_turn: breakdown(turnTrips),
      note: 'sequential turns, background work amortised; sandbox mailbox traffic excluded (below)',
    });
    emitFigure({
      part: PART,
      figure: 'sandbox_mailbox_round_trips_per_turn',
      value: perTurn(mailboxTrips.length),
      unit: 'round trips/turn',
      excluded: 'stands in for the platform send (one HTTPS call in production) and its 10 ms LPOP poll',
      breakdown_per_turn: breakdown(mailboxTrips),
    });
    const tolerance = Math.max(5, Math.ceil(commands * 0.005));
    const agrees = Math.abs(serverCommands - commands) <= tolerance;
    emitFigure({
      part: PART,
      figure: 'redis_commands_cross_check',
      value: perTurn(commands),
      unit: 'commands/turn (all, incl. mailbox)',
      target: `MONITOR count within ${tolerance}`,
      ok: agrees,
      client_side_commands: commands,
      monitor_commands: serverCommands,
    });
    return ok && agrees;
  } finally {
    counting = false;
    monitor.stop();
    await runtime.stop();
    await deleteBenchKeys(redis.url, prefix);
    await redis.stop();
  }
}

await runPart(PART, TIME_LIMIT_MS, main);
