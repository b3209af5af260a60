/**
 * Knowledge-base scale benchmark: builds ~10,000 synthetic chunks by perturbing StackFAQ threads
 * (each variant becomes an article whose answers are `##` sections), then prints index time,
 * query latency and memory as JSON lines.
 * `npx tsx scripts/bench-kb.ts [--variants 14] [--data ../shared/datasets/stackfaq]`
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRandom } from '../src/intents/local/random.ts';
import { type InMemoryDoc, createHybridIndex } from '../src/knowledge/create-hybrid-index.ts';
import { percentile } from './eval-metrics.ts';
import { readJsonl } from './jsonl.ts';

interface Thread {
  readonly id: string;
  readonly title: string;
  readonly answers: string[];
}

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const variants = Number(option('variants', '14'));
const dataDir = option('data', path.join(import.meta.dirname, '../../shared/datasets/stackfaq'));

const PRODUCTS = [
  'Acme',
  'Brightcart',
  'Nimbus',
  'Orbit',
  'Quartz',
  'Helix',
  'Lumen',
  'Vertex',
  'Pylon',
  'Zephyr',
];

function perturb(text: string, random: () => number, vocabulary: readonly string[]): string {
  const sentences = text.split(/(?<=[.!?])\s+/);
  for (let i = sentences.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [sentences[i], sentences[j]] = [sentences[j] as string, sentences[i] as string];
  }
  return sentences
    .join(' ')
    .split(' ')
    .map((word) => (random() < 0.08 ? (vocabulary[Math.floor(random() * vocabulary.length)] ?? word) : word))
    .join(' ');
}

const docs = (await readJsonl(path.join(dataDir, 'docs.jsonl'))) as Record<string, unknown>[];
const queries = (await readJsonl(path.join(dataDir, 'queries_dev.jsonl'))) as Record<string, unknown>[];
const threads = new Map<string, Thread>();
for (const doc of docs) {
  const id = String(doc.thread_id);
  const thread = threads.get(id) ?? { id, title: String(doc.title), answers: [] };
  thread.answers.push(String(doc.text));
  threads.set(id, thread);
}
const vocabulary = [...new Set(docs.flatMap((d) => String(d.text).split(/\s+/)))].filter((w) =>
  /^[a-z]{4,}$/.test(w),
);
const random = createRandom(42);
const articles: InMemoryDoc[] = [];
for (let v = 0; v < variants; v++) {
  for (const thread of threads.values()) {
    const product = PRODUCTS[v % PRODUCTS.length] as string;
    const title = v === 0 ? thread.title : `${thread.title} (${product} ${v})`;
    const sections = thread.answers.map(
      (answer, i) => `## Answer ${i + 1}\n\n${v === 0 ? answer : perturb(answer, random, vocabulary)}`,
    );
    articles.push({ id: `${thread.id}-v${v}`, title, text: sections.join('\n\n') });
  }
}

const heapBefore = process.memoryUsage();
const started = performance.now();
const index = await createHybridIndex(articles);
const indexMs = performance.now() - started;
console.log(
  JSON.stringify({
    metric: 'index',
    articles: articles.length,
    chunks: index.chunks.length,
    index_ms: Math.round(indexMs),
    chunks_per_s: Math.round(index.chunks.length / (indexMs / 1000)),
  }),
);

const texts = queries.map((q) => String(q.text));
for (const text of texts.slice(0, 20)) await index.search(text, { k: 10 });
const latencies: number[] = [];
let threadHits = 0;
for (let round = 0; round < 2; round++) {
  for (const [i, text] of texts.entries()) {
    const t0 = performance.now();
    const hits = await index.search(text, { k: 10 });
    latencies.push(performance.now() - t0);
    const wanted = (queries[i]?.relevant_threads as string[] | undefined)?.[0];
    if (round === 0 && wanted && hits[0]?.id.startsWith(`${wanted}-`)) threadHits++;
  }
}
console.log(
  JSON.stringify({
    metric: 'query',
    queries: latencies.length,
    p50_ms: Number(percentile(latencies, 50).toFixed(2)),
    p95_ms: Number(percentile(latencies, 95).toFixed(2)),
    max_ms: Number(Math.max(...latencies).toFixed(2)),
    'thread_success@1': Number((threadHits / texts.length).toFixed(3)),
  }),
);

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const mem = process.memoryUsage();
const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024);
console.log(
  JSON.stringify({
    metric: 'memory',
    heap_used_mb: mb(mem.heapUsed),
    heap_delta_mb: mb(mem.heapUsed - heapBefore.heapUsed),
    array_buffers_mb: mb(mem.arrayBuffers),
    rss_mb: mb(mem.rss),
    gc_forced: gc !== undefined,
  }),
);
