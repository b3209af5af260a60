/**
 * `npm run bench`: every benchmark part as its own process, one after another, each
 * with a time limit; prints each figure as one JSON object (one line each), then a
 * summary table; exits non-zero when any part fails, times out or misses its target.
 *
 * Parts (each also runs alone with `npx tsx <script>`):
 *  1. `scripts/bench-round-trips.ts`: Redis round trips per ordinary turn, ingest to
 *     ack (target <= 8), counted on every connection and cross-checked with MONITOR.
 *  2. `scripts/bench-throughput.ts`: sandbox throughput in memory mode over the first
 *     10,000 conversations and after 100,000 (target: within 10 %), RSS per phase.
 *  3. `scripts/bench-engine.ts`: end-to-end sandbox turns, memory and Redis.
 *  4. `scripts/bench-kb.ts`: knowledge base at ~10,000 chunks (StackFAQ from
 *     `../shared/datasets`; skipped with the reason when that checkout is absent).
 *
 * Redis: `REDIS_URL` (else 127.0.0.1:6379) when it answers, otherwise each Redis part
 * starts a private `redis-server` from PATH on a free port; only when neither exists
 * are the Redis figures reported as skipped, with the reason (see `bench-redis.ts`).
 * Separate processes keep the parts from skewing each other (heap, the command
 * counter the round-trip part installs) and let a stuck part be killed.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { type BenchFigure, mb, parseFigure } from './bench-figures.ts';

interface Part {
  readonly name: string;
  readonly script: string;
  readonly timeLimitMs: number;
  /** Why the part cannot run here (a missing input, not a product failure). */
  readonly skip?: () => string | undefined;
  /** Turns a line of a script that predates `BenchFigure` into one. */
  readonly adapt?: (line: Record<string, unknown>) => BenchFigure | null;
}

const root = path.join(import.meta.dirname, '..');
const stackfaq = path.join(root, '../shared/datasets/stackfaq');

const PARTS: readonly Part[] = [
  { name: 'redis round trips', script: 'scripts/bench-round-trips.ts', timeLimitMs: 4 * 60_000 },
  { name: 'sandbox throughput', script: 'scripts/bench-throughput.ts', timeLimitMs: 10 * 60_000 },
  { name: 'end-to-end turns', script: 'scripts/bench-engine.ts', timeLimitMs: 6 * 60_000 },
  {
    name: 'kb scale',
    script: 'scripts/bench-kb.ts',
    timeLimitMs: 5 * 60_000,
    skip: () =>
      existsSync(path.join(stackfaq, 'docs.jsonl'))
        ? undefined
        : `no StackFAQ dataset at ${stackfaq} (the ../shared checkout); run scripts/bench-kb.ts --data <dir>`,
    adapt: adaptKbLine,
  },
];

/** bench-kb.ts prints `{metric: ...}` lines; the summary shows one headline value of each. */
function adaptKbLine(line: Record<string, unknown>): BenchFigure | null {
  const headline: Record<string, [string, string]> = {
    index: ['chunks_per_s', 'chunks/s indexed'],
    query: ['p50_ms', 'ms per query (p50)'],
    memory: ['rss_mb', 'MB RSS'],
  };
  const metric = String(line.metric);
  const pick = headline[metric];
  if (!pick) return null;
  const value = line[pick[0]];
  return {
    ...line,
    part: 'kb scale',
    figure: `kb ${metric}`,
    value: typeof value === 'number' ? value : null,
    unit: pick[1],
  };
}

interface PartResult {
  readonly part: string;
  readonly status: 'ok' | 'failed' | 'missed target' | 'timed out' | 'skipped';
  readonly seconds: number;
  readonly detail: string;
}

async function runPart(part: Part, figures: BenchFigure[]): Promise<PartResult> {
  const reason = part.skip?.();
  if (reason !== undefined) {
    const figure: BenchFigure = { part: part.name, figure: 'skipped', value: null, unit: '', reason };
    process.stdout.write(`${JSON.stringify(figure)}\n`);
    figures.push(figure);
    return { part: part.name, status: 'skipped', seconds: 0, detail: reason };
  }
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', part.script], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const own: BenchFigure[] = [];
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    let figure = parseFigure(line);
    if (!figure && part.adapt && line.startsWith('{')) {
      try {
        figure = part.adapt(JSON.parse(line) as Record<string, unknown>);
      } catch {
        figure = null;
      }
    }
    // Lines pass through as printed, except adapted ones, which print in the common shape.
    process.stdout.write(`${figure ? JSON.stringify(figure) : line}\n`);
    if (figure) own.push(figure);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, part.timeLimitMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) =>
    child.once('close', (c, s) => done([c, s])),
  );
  clearTimeout(timer);
  figures.push(...own);
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const missed = own.filter((f) => f.ok === false).map((f) => f.figure);
  if (timedOut) {
    return {
      part: part.name,
      status: 'timed out',
      seconds,
      detail: `killed after ${part.timeLimitMs / 1000} s`,
    };
  }
  if (code !== 0) {
    const error = own.find((f) => f.figure === 'error')?.error;
    const detail = missed.length > 0 && error === undefined ? `missed: ${missed.join(', ')}` : '';
    return {
      part: part.name,
      status: missed.length > 0 && error === undefined ? 'missed target' : 'failed',
      seconds,
      detail: `${detail || (typeof error === 'string' ? error : `exit ${code ?? signal}`)}`,
    };
  }
  if (missed.length > 0) {
    // A part must not pass while one of its figures missed; treat it as a failure too.
    return { part: part.name, status: 'missed target', seconds, detail: `missed: ${missed.join(', ')}` };
  }
  const skipped = own.filter((f) => f.figure === 'skipped' || f.skipped !== undefined);
  return {
    part: part.name,
    status: skipped.length > 0 && skipped.length === own.length ? 'skipped' : 'ok',
    seconds,
    detail: skipped.map((f) => String(f.reason ?? f.skipped)).join('; '),
  };
}

function table(rows: readonly Record<string, string>[]): string {
  const first = rows[0];
  if (!first) return '';
  const columns = Object.keys(first);
  const width = (c: string) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length));
  const line = (cells: (c: string) => string) =>
    columns
      .map((c) => cells(c).padEnd(width(c)))
      .join('  ')
      .trimEnd();
  return [
    line((c) => c),
    line((c) => '-'.repeat(width(c))),
    ...rows.map((r) => line((c) => r[c] ?? '')),
  ].join('\n');
}

const started = performance.now();
console.log(
  JSON.stringify({
    machine: {
      cores: cpus().length,
      memory_mb: mb(totalmem()),
      load_average_1m: Math.round((loadavg()[0] ?? 0) * 10) / 10,
      node: process.version,
    },
  }),
);
const figures: BenchFigure[] = [];
const results: PartResult[] = [];
for (const part of PARTS) results.push(await runPart(part, figures));

console.log('\nfigures');
console.log(
  table(
    figures.map((f) => ({
      part: f.part,
      figure: f.figure,
      value: f.value === null ? '-' : String(f.value),
      unit: f.unit,
      target: f.target ?? '',
      result: f.ok === undefined ? (f.value === null ? 'skipped' : '') : f.ok ? 'ok' : 'MISSED',
    })),
  ),
);
console.log('\nparts');
console.log(
  table(
    results.map((r) => ({
      part: r.part,
      status: r.status === 'ok' || r.status === 'skipped' ? r.status : r.status.toUpperCase(),
      seconds: String(r.seconds),
      detail: r.detail,
    })),
  ),
);
const failed = results.filter((r) => r.status !== 'ok' && r.status !== 'skipped');
console.log(
  `\n${failed.length === 0 ? 'all parts passed' : `${failed.length} part(s) failed or missed a target`} in ${Math.round((performance.now() - started) / 1000)} s`,
);
process.exit(failed.length === 0 ? 0 : 1);
