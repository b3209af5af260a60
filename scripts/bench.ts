/**
 * `npm run bench`: end-to-end turn throughput and latency through the sandbox channel
 * (local understanding + KB + context store), in memory and on Redis when one answers,
 * then the knowledge-base scale bench. Prints one JSON object per figure, then a table.
 * Everything runs on this machine; each run is bounded in message count.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/logging/pino-logger.ts';
import { createRuntime } from '../src/main.ts';
import { percentile } from './eval-metrics.ts';

const QUESTIONS = [
  'how do I reset my password?',
  'I was charged twice this month',
  'how long does shipping to the UK take',
  'what is your return policy',
  'how do I delete my account',
  'what does the Pro plan cost',
  'I keep getting 429 errors from the API',
  'hello',
];

interface Figure {
  readonly bench: string;
  readonly messages: number;
  readonly msgs_per_s: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
}

async function benchEngine(
  label: string,
  env: Record<string, string>,
  messages: number,
  concurrency: number,
): Promise<Figure> {
  const runtime = await createRuntime(loadConfig({ LOG_LEVEL: 'silent', ...env }), { logger: silentLogger });
  await runtime.startWorkers();
  const sandbox = runtime.sandbox;
  if (!sandbox) throw new Error('sandbox is off');
  // Warm up JIT and caches.
  for (let i = 0; i < 50; i++)
    await sandbox.converse({
      conversationId: `warm-${i % 5}`,
      text: QUESTIONS[i % QUESTIONS.length] ?? 'hi',
    });
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= messages) return;
        const t0 = performance.now();
        await sandbox.converse({
          conversationId: `bench-${i % 500}`,
          text: QUESTIONS[i % QUESTIONS.length] ?? 'hi',
        });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await runtime.stop();
  return {
    bench: label,
    messages,
    msgs_per_s: Math.round(messages / seconds),
    p50_ms: Math.round(percentile(latencies, 50) * 100) / 100,
    p99_ms: Math.round(percentile(latencies, 99) * 100) / 100,
  };
}

async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000 });
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

const figures: Figure[] = [];
console.log(JSON.stringify({ machine: { cores: cpus().length, node: process.version } }));
const memory = await benchEngine('sandbox turn, memory store', {}, 3000, 32);
console.log(JSON.stringify(memory));
figures.push(memory);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
if (await redisAnswers(redisUrl)) {
  const prefix = `sbbench:${process.pid}`;
  const redis = await benchEngine(
    'sandbox turn, redis store + queue',
    { REDIS_URL: redisUrl, REDIS_PREFIX: prefix },
    3000,
    32,
  );
  console.log(JSON.stringify(redis));
  figures.push(redis);
  const cleanup = new Redis(redisUrl);
  let cursor = '0';
  do {
    const [nextCursor, keys] = await cleanup.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = nextCursor;
    if (keys.length > 0) await cleanup.del(...keys);
  } while (cursor !== '0');
  await cleanup.quit();
}
console.table(figures);
console.log('\nknowledge base at 10k chunks:');
spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench-kb.ts'], { stdio: 'inherit' });
process.exit(0);
