/**
 * End-to-end turn throughput and latency through the sandbox channel (real runtime:
 * local understanding + KB + context store + queue), in memory and on Redis (the one
 * `scripts/bench-redis.ts` finds or starts; skipped with the reason only when there
 * is neither). 3,000 messages over 500 conversations, 32 at a time, after 50 warm-up
 * turns. `npx tsx scripts/bench-engine.ts` (run by `npm run bench`).
 */
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/logging/pino-logger.ts';
import { createRuntime } from '../src/main.ts';
import { emitFigure, runPart } from './bench-figures.ts';
import { question } from './bench-questions.ts';
import { benchPrefix, deleteBenchKeys, findOrStartRedis } from './bench-redis.ts';
import { percentile } from './eval-metrics.ts';

const PART = 'end-to-end turns';
const MESSAGES = 3_000;
const CONVERSATIONS = 500;
const CONCURRENCY = 32;
const TIME_LIMIT_MS = 5 * 60_000;

async function benchEngine(label: string, env: Record<string, string>): Promise<void> {
  const runtime = await createRuntime(loadConfig({ LOG_LEVEL: 'silent', SANDBOX: 'on', ...env }), {
    logger: silentLogger,
  });
  try {
    await runtime.startWorkers();
    const sandbox = runtime.sandbox;
    if (!sandbox) throw new Error('the sandbox channel is off');
    // Warm up JIT and caches.
    for (let i = 0; i < 50; i++)
      await sandbox.converse({ conversationId: `warm-${i % 5}`, text: question(i) });
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (;;) {
          const i = next++;
          if (i >= MESSAGES) return;
          const t0 = performance.now();
          await sandbox.converse({ conversationId: `bench-${i % CONVERSATIONS}`, text: question(i) });
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    emitFigure({
      part: PART,
      figure: label,
      value: Math.round(MESSAGES / seconds),
      unit: 'msg/s',
      messages: MESSAGES,
      concurrency: CONCURRENCY,
      p50_ms: Math.round(percentile(latencies, 50) * 100) / 100,
      p99_ms: Math.round(percentile(latencies, 99) * 100) / 100,
    });
  } finally {
    await runtime.stop();
  }
}

async function main(): Promise<void> {
  await benchEngine('sandbox turn, memory store', {});
  const redis = await findOrStartRedis();
  if (redis.kind === 'missing') {
    emitFigure({
      part: PART,
      figure: 'sandbox turn, redis store + queue',
      value: null,
      unit: 'msg/s',
      skipped: redis.reason,
    });
    return;
  }
  const prefix = benchPrefix('e2e');
  try {
    await benchEngine('sandbox turn, redis store + queue', { REDIS_URL: redis.url, REDIS_PREFIX: prefix });
  } finally {
    await deleteBenchKeys(redis.url, prefix);
    await redis.stop();
  }
}

await runPart(PART, TIME_LIMIT_MS, main);
