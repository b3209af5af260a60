/**
 * A real worker process for the fault tests: the production engine, Redis queue and
 * context store, with a channel and a desk that report every effect to the test's
 * local stub over HTTP (so effects are counted at the stub, across processes), and a
 * small HTTP ingest endpoint. Faults are injected by environment:
 *
 * - `CRASH_AT` = `before_record` (while deciding), `after_record` (at the first
 *   effect, before performing it), `between_effects` (before the second effect, the
 *   first one marked done), `after_send` (after the stub accepted the last send,
 *   before the ack) — the process kills itself with SIGKILL there, on the event
 *   whose text contains `CRASH_ON`;
 * - `CLASSIFY_DELAY_MS` / `STALL_ON`: slow or stalled turns (`STALL_ON` blocks the
 *   event loop synchronously for `STALL_MS`, as a stuck CPU-bound turn would).
 */
import { createServer } from 'node:http';
import { createKeySpace } from '../../src/context/keys.ts';
import { RedisContextStore } from '../../src/context/redis-context-store.ts';
import { shippedCopy } from '../../src/copy/shipped-copy.ts';
import { ConversationEngine } from '../../src/engine/engine.ts';
import { StoreUnavailableError } from '../../src/errors.ts';
import { errorStatus } from '../../src/http/error-status.ts';
import { createPinoLogger } from '../../src/logging/pino-logger.ts';
import type { InboundEvent } from '../../src/model/inbound-event.ts';
import type { OutboundEnvelope } from '../../src/model/outbound-message.ts';
import { outboundText } from '../../src/model/outbound-message.ts';
import type { ChannelAdapter } from '../../src/ports/channel-adapter.ts';
import { systemClock } from '../../src/ports/clock.ts';
import type { HandoffDesk } from '../../src/ports/handoff-desk.ts';
import type { ClassifyInput } from '../../src/ports/intent-classifier.ts';
import { RedisInboundQueue } from '../../src/queue/redis-inbound-queue.ts';
import { createRedisClient } from '../../src/redis/connect.ts';
import {
  FirstHitAnswerer,
  KeywordClassifier,
  SAMPLE_ARTICLES,
  WordOverlapRetriever,
} from '../fakes/fake-understanding.ts';

const env = process.env;
const STUB = env.STUB_URL ?? '';
const CRASH_AT = env.CRASH_AT ?? '';
const CRASH_ON = env.CRASH_ON ?? '\u0000never';
const LABEL = env.WORKER_LABEL ?? `w${process.pid}`;
const crashEvents = new Set<string>();

function die(): never {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
}

async function report(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${STUB}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-worker': LABEL },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`stub answered ${res.status}`);
}

/** Effects of the current turn performed so far in this process, per event. */
const performed = new Map<string, number>();
function beforeEffect(eventId: string): void {
  const count = performed.get(eventId) ?? 0;
  performed.set(eventId, count + 1);
  if (!crashEvents.has(eventId)) return;
  if (CRASH_AT === 'after_record' && count === 0) die();
  if (CRASH_AT === 'between_effects' && count === 1) die();
}

const channel: ChannelAdapter = {
  platform: 'fault',
  capabilities: { maxTextLength: 4000, maxButtons: 3, maxListItems: 10 },
  async send(envelope: OutboundEnvelope) {
    const eventId = envelope.replyTo ?? '';
    beforeEffect(eventId);
    const sendDelay = Number(env.SEND_DELAY_MS ?? 0);
    if (sendDelay > 0) await new Promise((r) => setTimeout(r, sendDelay));
    await report('/send', {
      key: envelope.idempotencyKey,
      eventId,
      conversation: envelope.ref.threadOrUser,
      text: outboundText(envelope.message),
      kind: envelope.message.kind,
    });
    if (crashEvents.has(eventId) && CRASH_AT === 'after_send') die();
    return {};
  },
};

const eventOfKey = (key: string) => key.split(':')[0] ?? key;
const desk: HandoffDesk = {
  async open(request, key) {
    beforeEffect(eventOfKey(key));
    await report('/desk', {
      type: 'open',
      key,
      ticketId: request.ticketId,
      conversation: request.context.ref.threadOrUser,
    });
    return { id: request.ticketId, openedAt: Date.now(), reason: request.reason, escalationLevel: 0 };
  },
  async relayCustomerMessage(ticket, message, _context, key) {
    beforeEffect(eventOfKey(key));
    await report('/desk', { type: 'relay', key, ticketId: ticket.id, text: message.text });
  },
  async update(ticket, ownership, _context, key) {
    beforeEffect(eventOfKey(key));
    await report('/desk', { type: 'update', key, ticketId: ticket.id, state: ownership.state });
  },
  async notify(ticket, notice, _context, key) {
    await report('/desk', { type: 'notify', key, ticketId: ticket?.id ?? null, text: notice.text });
  },
  async reject(rejection, key) {
    await report('/desk', { type: 'reject', key, ticketId: rejection.ticketId, reason: rejection.reason });
  },
  async confirmStaffReply(ticket, _replyContext, key) {
    await report('/desk', { type: 'confirm', key, ticketId: ticket.id });
  },
  async rate(ticket, score, key) {
    await report('/desk', { type: 'rate', key, ticketId: ticket.id, score });
  },
};

class FaultClassifier extends KeywordClassifier {
  override async classify(input: ClassifyInput) {
    const delay = Number(env.CLASSIFY_DELAY_MS ?? 0);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (env.STALL_ON && input.text.includes(env.STALL_ON)) {
      const until = Date.now() + Number(env.STALL_MS ?? 3000);
      while (Date.now() < until) {
        // A stalled event loop: no timer (lease renewal included) runs meanwhile.
      }
    }
    if (CRASH_AT === 'before_record' && input.text.includes(CRASH_ON)) die();
    return super.classify(input);
  }
}

const logger = createPinoLogger({ level: (env.LOG_LEVEL as 'silent') ?? 'silent', pretty: false });
const redisConfig = {
  url: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  cluster: env.REDIS_CLUSTER === 'true',
  sentinels: [],
  sentinelName: undefined,
};
const redis = createRedisClient(redisConfig, {
  maxRetriesPerRequest: 1,
  connectTimeoutMs: 1_000,
  commandTimeoutMs: 1_500,
});
redis.on('error', () => {});
const keys = createKeySpace(env.PREFIX ?? 'faults');
const store = new RedisContextStore({ redis, keys, ttlSeconds: 3600, historyTurns: 20 });
const queue = new RedisInboundQueue({
  redis,
  createConnection: () => {
    const c = createRedisClient(redisConfig, { maxRetriesPerRequest: null });
    c.on('error', () => {});
    return c;
  },
  keys,
  dedupeTtlSeconds: 3600,
  contextTtlSeconds: 3600,
  historyTurns: 20,
  lockLeaseMs: Number(env.LEASE_MS ?? 2000),
  concurrency: Number(env.CONCURRENCY ?? 8),
  maxAttempts: 3,
  retryBaseMs: 20,
  recoveryIntervalMs: Number(env.SWEEP_MS ?? 1000),
  logger,
});
const engine = new ConversationEngine({
  queue,
  store,
  classifier: new FaultClassifier(),
  retriever: new WordOverlapRetriever(SAMPLE_ARTICLES),
  answerer: new FirstHitAnswerer(),
  desk,
  adapters: new Map([[channel.platform, channel]]),
  flows: [],
  clock: systemClock,
  logger,
  copy: shippedCopy(),
  settings: {
    answerThreshold: 0.5,
    clarifyThreshold: 0.3,
    failedTurnsLimit: 2,
    minIntentConfidence: 0.5,
    kbResults: 5,
    answerMaxLength: 700,
  },
});

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => {
    body += chunk.toString();
  });
  req.on('end', () => {
    void (async () => {
      try {
        const event = JSON.parse(body) as InboundEvent;
        if (event.kind === 'message' && event.text.includes(CRASH_ON)) crashEvents.add(event.id);
        const result = await engine.ingest(event);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result }));
      } catch (error) {
        const status = error instanceof StoreUnavailableError ? 503 : errorStatus(error).status;
        res.writeHead(status).end();
      }
    })();
  });
});

if (env.NO_WORKERS !== 'true') await engine.start();
server.listen(Number(env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`READY ${typeof address === 'object' && address ? address.port : 0}\n`);
});

process.on('SIGTERM', () => {
  void (async () => {
    server.close();
    await engine.stop(Number(env.SHUTDOWN_DEADLINE_MS ?? 5000));
    process.exit(0);
  })();
});
