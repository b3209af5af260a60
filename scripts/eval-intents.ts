/**
 * `npm run eval -- intents --train FILE --test FILE [--oos-label oos]`
 *
 * Trains the local intent classifier on a train JSONL and measures it on a
 * test JSONL (`{"text","label"}` per line). The classifier tunes everything,
 * including its out-of-scope threshold, on splits of the train file only; the
 * test file is read after training and used for nothing but scoring.
 * Prints progress and figures, then one JSON object as the last line.
 */
import { performance } from 'node:perf_hooks';
import { createLocalIntentClassifier } from '../src/intents/local/local-intent-classifier.ts';
import { accuracy, macroF1, percentile, round } from './eval-metrics.ts';
import { readJsonl } from './jsonl.ts';

interface Row {
  readonly text: string;
  readonly label: string;
}

async function readRows(path: string): Promise<Row[]> {
  return (await readJsonl(path)).map((parsed, index) => {
    const record = parsed as { text?: unknown; label?: unknown } | null;
    if (typeof record?.text !== 'string' || typeof record.label !== 'string') {
      throw new Error(`${path}: row ${index + 1}: expected {"text": string, "label": string}`);
    }
    return { text: record.text, label: record.label };
  });
}

/** Trains on `train`, scores `test`, prints figures and a final JSON line. */
export async function runIntentEval(opts: { train: string; test: string; oosLabel: string }): Promise<void> {
  const train = await readRows(opts.train);
  const labels = new Set(train.map((r) => r.label));
  console.log(`train: ${train.length} rows, ${labels.size} labels (${opts.train})`);

  const started = performance.now();
  const classifier = createLocalIntentClassifier({
    examples: train,
    oosLabel: opts.oosLabel,
    seed: 1,
    onProgress: (message) => console.log(`  ${message}`),
  });
  const trainMs = performance.now() - started;
  console.log(
    `trained in ${(trainMs / 1000).toFixed(1)} s; out-of-scope threshold ${classifier.threshold.toFixed(3)}`,
  );

  const test = await readRows(opts.test);
  console.log(`test: ${test.length} rows (${opts.test})`);
  const gold: string[] = [];
  const predicted: string[] = [];
  const latencies: number[] = [];
  for (const row of test) {
    const t0 = performance.now();
    const result = await classifier.classify({ text: row.text });
    latencies.push(performance.now() - t0);
    gold.push(row.label);
    predicted.push(result.intent ?? opts.oosLabel);
  }

  const inScope = test.map((_row, i) => i).filter((i) => gold[i] !== opts.oosLabel);
  const oos = test.map((_row, i) => i).filter((i) => gold[i] === opts.oosLabel);
  const pick = (values: string[], idx: number[]): string[] => idx.map((i) => values[i] as string);
  const rejectedInScope = inScope.filter((i) => predicted[i] === opts.oosLabel).length;

  const figures = {
    accuracy: round(accuracy(gold, predicted)),
    macro_f1: round(macroF1(gold, predicted)),
    in_scope_accuracy:
      oos.length === 0 ? null : round(accuracy(pick(gold, inScope), pick(predicted, inScope))),
    oos_recall: oos.length === 0 ? null : round(accuracy(pick(gold, oos), pick(predicted, oos))),
    n_test: test.length,
    train_ms: Math.round(trainMs),
    p95_ms: round(percentile(latencies, 95), 3),
  };

  const confusions = new Map<string, number>();
  for (let i = 0; i < gold.length; i++) {
    if (gold[i] !== predicted[i]) {
      const key = `${gold[i]} -> ${predicted[i]}`;
      confusions.set(key, (confusions.get(key) ?? 0) + 1);
    }
  }
  console.log('most frequent confusions (gold -> predicted):');
  for (const [pair, count] of [...confusions].sort((a, b) => b[1] - a[1]).slice(0, 8)) {
    console.log(`  ${String(count).padStart(3)}  ${pair}`);
  }
  console.log(
    `in-scope rows refused as out of scope: ${rejectedInScope} of ${inScope.length}; ` +
      `latency p50 ${percentile(latencies, 50).toFixed(3)} ms, p95 ${figures.p95_ms} ms`,
  );
  const oosSummary =
    oos.length === 0
      ? ''
      : `, in-scope accuracy ${figures.in_scope_accuracy}, OOS recall ${figures.oos_recall}`;
  console.log(`accuracy ${figures.accuracy}, macro-F1 ${figures.macro_f1}${oosSummary}`);
  console.log(JSON.stringify(figures));
}
