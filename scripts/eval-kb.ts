/**
 * Retrieval eval: index a docs JSONL in memory with the production hybrid retriever, run a
 * queries JSONL and print Success@1/5, MRR@10 and latency. The last line is one JSON object.
 * `npx tsx scripts/eval.ts kb --docs ../shared/datasets/stackfaq/docs.jsonl --queries ../shared/datasets/stackfaq/queries_dev.jsonl`
 */
import { performance } from 'node:perf_hooks';
import { Bm25Index } from '../src/knowledge/bm25-index.ts';
import { type InMemoryDoc, createHybridIndex } from '../src/knowledge/create-hybrid-index.ts';
import { analyze } from '../src/knowledge/text-analysis.ts';
import { DEFAULT_KB_THRESHOLDS } from '../src/knowledge/thresholds.ts';
import { topK } from '../src/knowledge/top-k.ts';
import { percentile } from './eval-metrics.ts';
import { readJsonl } from './jsonl.ts';

interface EvalQuery {
  readonly id: string;
  readonly text: string;
  readonly relevant: readonly string[];
}

/** Options of {@link runKbEval}: paths of the two JSONL files. */
export interface KbEvalOptions {
  readonly docs: string;
  readonly queries: string;
}

/** Figures printed as the last line. */
export interface KbEvalResult {
  readonly 'success@1': number;
  readonly 'success@5': number;
  readonly 'mrr@10': number;
  readonly n_queries: number;
  readonly index_ms: number;
  readonly p50_ms: number;
  readonly p95_ms: number;
}

function asDoc(row: unknown, i: number): InMemoryDoc {
  const r = row as Record<string, unknown>;
  if (typeof r.id !== 'string' || typeof r.text !== 'string')
    throw new Error(`doc ${i + 1}: needs "id" and "text"`);
  return { id: r.id, title: typeof r.title === 'string' ? r.title : '', text: r.text };
}

function asQuery(row: unknown, i: number): EvalQuery {
  const r = row as Record<string, unknown>;
  if (typeof r.id !== 'string' || typeof r.text !== 'string' || !Array.isArray(r.relevant)) {
    throw new Error(`query ${i + 1}: needs "id", "text" and "relevant"`);
  }
  return { id: r.id, text: r.text, relevant: r.relevant.map(String) };
}

const round = (value: number, digits = 4): number => Number(value.toFixed(digits));

/** Plain BM25 over title + text with the same analyzer, printed as a reference point. */
function bm25Baseline(
  docs: readonly InMemoryDoc[],
  queries: readonly EvalQuery[],
): { s1: number; mrr: number } {
  const index = new Bm25Index(docs.map((d) => analyze(`${d.title}\n${d.text}`)));
  let s1 = 0;
  let mrr = 0;
  for (const q of queries) {
    const { scores, touched } = index.score(analyze(q.text));
    const ranked = topK(scores, touched, 10);
    const rank = ranked.findIndex((i) => q.relevant.includes(docs[i]?.id ?? ''));
    if (rank === 0) s1++;
    if (rank >= 0) mrr += 1 / (rank + 1);
  }
  const n = queries.length || 1;
  return { s1: s1 / n, mrr: mrr / n };
}

/** Runs the eval and prints figures; the last printed line is the {@link KbEvalResult} JSON. */
export async function runKbEval(opts: KbEvalOptions): Promise<void> {
  const result = await evaluateKb(opts);
  console.log(JSON.stringify(result));
}

/** Computes the figures, printing human-readable lines along the way (not the final JSON). */
export async function evaluateKb(opts: KbEvalOptions): Promise<KbEvalResult> {
  const docs = (await readJsonl(opts.docs)).map(asDoc);
  const queries = (await readJsonl(opts.queries)).map(asQuery);

  const started = performance.now();
  const index = await createHybridIndex(docs);
  const indexMs = performance.now() - started;

  // Warm the JIT so the first measured queries are not compile time.
  for (const q of queries.slice(0, 10)) await index.search(q.text, { k: 10 });

  const latencies: number[] = [];
  let hit1 = 0;
  let hit5 = 0;
  let mrr = 0;
  const topScores: { correct: boolean; score: number }[] = [];
  for (const q of queries) {
    const t0 = performance.now();
    const hits = await index.search(q.text, { k: 10 });
    latencies.push(performance.now() - t0);
    const relevant = new Set(q.relevant);
    const rank = hits.findIndex((h) => relevant.has(h.id));
    if (rank === 0) hit1++;
    if (rank >= 0 && rank < 5) hit5++;
    if (rank >= 0) mrr += 1 / (rank + 1);
    const top = hits[0];
    if (top) topScores.push({ correct: rank === 0, score: top.score });
  }
  const n = queries.length || 1;
  const answerRate = topScores.filter((t) => t.score >= DEFAULT_KB_THRESHOLDS.answer).length / n;
  const answerPrecision =
    topScores.filter((t) => t.correct && t.score >= DEFAULT_KB_THRESHOLDS.answer).length /
    (topScores.filter((t) => t.score >= DEFAULT_KB_THRESHOLDS.answer).length || 1);
  const belowClarify = topScores.filter((t) => t.score < DEFAULT_KB_THRESHOLDS.clarify).length / n;

  console.log(`docs: ${docs.length}, queries: ${queries.length}, index: ${indexMs.toFixed(0)} ms`);
  console.log(
    `Success@1 ${(hit1 / n).toFixed(3)}  Success@5 ${(hit5 / n).toFixed(3)}  MRR@10 ${(mrr / n).toFixed(3)}`,
  );
  console.log(
    `top-1 score >= answer (${DEFAULT_KB_THRESHOLDS.answer}): ${(answerRate * 100).toFixed(1)}% of queries, ` +
      `${(answerPrecision * 100).toFixed(1)}% of those correct; below clarify (${DEFAULT_KB_THRESHOLDS.clarify}): ${(belowClarify * 100).toFixed(1)}%`,
  );
  const baseline = bm25Baseline(docs, queries);
  console.log(
    `reference: plain BM25 over title+text, same analyzer: Success@1 ${baseline.s1.toFixed(3)}  MRR@10 ${baseline.mrr.toFixed(3)}`,
  );
  console.log(
    `latency p50 ${percentile(latencies, 50).toFixed(2)} ms, p95 ${percentile(latencies, 95).toFixed(2)} ms`,
  );

  const result: KbEvalResult = {
    'success@1': round(hit1 / n),
    'success@5': round(hit5 / n),
    'mrr@10': round(mrr / n),
    n_queries: queries.length,
    index_ms: round(indexMs, 1),
    p50_ms: round(percentile(latencies, 50), 3),
    p95_ms: round(percentile(latencies, 95), 3),
  };
  return result;
}
