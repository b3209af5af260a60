import { createKeySpace } from '../../src/context/keys.ts';
import { MemoryContextStore } from '../../src/context/memory-context-store.ts';
import { RedisContextStore } from '../../src/context/redis-context-store.ts';
import { shippedCopy } from '../../src/copy/shipped-copy.ts';
import { ConversationEngine, type EngineSettings } from '../../src/engine/engine.ts';
import { silentLogger } from '../../src/logging/pino-logger.ts';
import { systemClock } from '../../src/ports/clock.ts';
import type { ContextStore } from '../../src/ports/context-store.ts';
import type { CopyFor } from '../../src/ports/copy.ts';
import type { Flow } from '../../src/ports/flow.ts';
import type { InboundQueue } from '../../src/ports/inbound-queue.ts';
import type { IntentClassifier } from '../../src/ports/intent-classifier.ts';
import type { KnowledgeRetriever } from '../../src/ports/knowledge-retriever.ts';
import type { ConversationSummarizer } from '../../src/ports/summarizer.ts';
import { MemoryInboundQueue } from '../../src/queue/memory-inbound-queue.ts';
import { RedisInboundQueue } from '../../src/queue/redis-inbound-queue.ts';
import type { RedisClient } from '../../src/redis/connect.ts';
import { FakeChannelAdapter } from '../fakes/fake-channel-adapter.ts';
import {
  FirstHitAnswerer,
  KeywordClassifier,
  SAMPLE_ARTICLES,
  WordOverlapRetriever,
} from '../fakes/fake-understanding.ts';
import { RecordingDesk } from '../fakes/recording-desk.ts';
import { type RedisTarget, TEST_REDIS_URL, connectTarget } from './redis.ts';

export interface HarnessOptions {
  readonly backend: 'memory' | 'redis';
  readonly prefix?: string;
  readonly adapter?: FakeChannelAdapter;
  readonly classifier?: IntentClassifier;
  readonly retriever?: KnowledgeRetriever;
  readonly flows?: readonly Flow[];
  readonly historyTurns?: number;
  readonly settings?: Partial<EngineSettings>;
  readonly lockLeaseMs?: number;
  readonly concurrency?: number;
  readonly desk?: RecordingDesk;
  /** Redis to run on (default: the single test Redis). */
  readonly target?: RedisTarget;
  readonly mediaLink?: (platform: string, mediaId: string) => string;
  readonly summarizer?: ConversationSummarizer;
  /** What the bot says (default: the shipped `kb/copy`). */
  readonly copy?: CopyFor;
}

export interface Harness {
  readonly engine: ConversationEngine;
  readonly adapter: FakeChannelAdapter;
  readonly store: ContextStore;
  readonly queue: InboundQueue;
  readonly desk: RecordingDesk;
  close(): Promise<void>;
}

/** Builds a real engine over a memory or Redis backend, with fake channel and understanding. */
export async function createHarness(options: HarnessOptions): Promise<Harness> {
  const adapter = options.adapter ?? new FakeChannelAdapter();
  const connections: RedisClient[] = [];
  const target: RedisTarget = options.target ?? { name: 'single', url: TEST_REDIS_URL, cluster: false };
  const connect = (): RedisClient => {
    const redis = connectTarget(target);
    connections.push(redis);
    return redis;
  };
  let store: ContextStore;
  let queue: InboundQueue;
  const historyTurns = options.historyTurns ?? 50;
  if (options.backend === 'redis') {
    if (!options.prefix) throw new Error('redis harness needs a prefix');
    const keys = createKeySpace(options.prefix);
    const redis = connect();
    store = new RedisContextStore({ redis, keys, ttlSeconds: 3600, historyTurns });
    queue = new RedisInboundQueue({
      redis,
      createConnection: connect,
      keys,
      dedupeTtlSeconds: 3600,
      contextTtlSeconds: 3600,
      historyTurns,
      lockLeaseMs: options.lockLeaseMs ?? 5_000,
      concurrency: options.concurrency ?? 8,
      maxAttempts: 3,
      retryBaseMs: 10,
      logger: silentLogger,
    });
  } else {
    store = new MemoryContextStore({ ttlSeconds: 3600, historyTurns, clock: systemClock });
    queue = new MemoryInboundQueue({
      store,
      dedupeTtlSeconds: 3600,
      maxAttempts: 3,
      retryBaseMs: 10,
      clock: systemClock,
      logger: silentLogger,
    });
  }
  const desk = options.desk ?? new RecordingDesk();
  const engine = new ConversationEngine({
    ...(options.mediaLink ? { mediaLink: options.mediaLink } : {}),
    ...(options.summarizer ? { summarizer: options.summarizer } : {}),
    queue,
    store,
    classifier: options.classifier ?? new KeywordClassifier(),
    retriever: options.retriever ?? new WordOverlapRetriever(SAMPLE_ARTICLES),
    answerer: new FirstHitAnswerer(),
    desk,
    adapters: new Map([[adapter.platform, adapter]]),
    flows: options.flows ?? [],
    clock: systemClock,
    logger: silentLogger,
    copy: options.copy ?? shippedCopy(),
    settings: {
      answerThreshold: 0.5,
      clarifyThreshold: 0.3,
      failedTurnsLimit: 2,
      minIntentConfidence: 0.5,
      kbResults: 5,
      answerMaxLength: 700,
      ...options.settings,
    },
  });
  await engine.start();
  return {
    engine,
    adapter,
    store,
    queue,
    desk,
    async close() {
      await engine.stop();
      await Promise.all(connections.map((c) => c.quit()));
    },
  };
}
