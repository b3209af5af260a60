/**
 * `npm run eval -- conversations [--set FILE]`
 *
 * Runs realistic customer messages (`eval/conversations/*.jsonl`) through the real runtime in
 * the sandbox channel: `createRuntime` from `src/main.ts` with no credentials, so the local
 * intent classifier, the local embeddings, `kb/`, the flows and the engine's own decisions.
 * Each message is the first turn of a fresh conversation. Prints figures, the misses per
 * article, then one JSON object as the last line.
 */
import { performance } from 'node:perf_hooks';
import { SANDBOX_PLATFORM, SANDBOX_WORKSPACE } from '../adapters/sandbox/limits.ts';
import { loadConfig } from '../src/config.ts';
import { loadKnowledgeBase } from '../src/knowledge/kb-loader.ts';
import { silentLogger } from '../src/logging/pino-logger.ts';
import type { SandboxResponse } from '../src/main.ts';
import { createRuntime } from '../src/main.ts';
import type { TurnDebug } from '../src/model/context.ts';
import { toConversationKey } from '../src/model/conversation-key.ts';
import { type ConversationCase, type TurnOutcome, scoreConversations } from './eval-conversations-score.ts';
import { percentile } from './eval-metrics.ts';
import { readJsonl } from './jsonl.ts';

export const DEFAULT_CONVERSATION_SET = 'eval/conversations/dev.jsonl';

const EXPECTS = new Set(['answer', 'handoff', 'complaint', 'off_topic', 'small_talk', 'language_handoff']);

function asCase(row: unknown, index: number, path: string): ConversationCase {
  const r = row as Record<string, unknown> | null;
  const where = `${path}: row ${index + 1}`;
  if (typeof r?.id !== 'string' || typeof r.text !== 'string' || typeof r.expect !== 'string') {
    throw new Error(`${where}: needs "id", "text" and "expect"`);
  }
  if (!EXPECTS.has(r.expect)) throw new Error(`${where}: unknown expect "${r.expect}"`);
  const accept = Array.isArray(r.accept) ? r.accept.map(String) : [];
  if (r.expect === 'answer' && accept.length === 0) throw new Error(`${where}: an answer needs "accept"`);
  return {
    id: r.id,
    text: r.text,
    lang: typeof r.lang === 'string' ? r.lang : 'en',
    expect: r.expect as ConversationCase['expect'],
    accept,
    ...(typeof r.topic === 'string' ? { topic: r.topic } : {}),
  };
}

/** What the customer saw, reduced to the outcome the labels talk about. */
export function outcomeOf(
  response: SandboxResponse,
  route: string | undefined,
  flow: string | undefined,
  articleByUrl: ReadonlyMap<string, string>,
): TurnOutcome {
  const choices = response.replies.flatMap((r) => r.choices ?? []);
  const offeredPerson = choices.some((c) => c.id.startsWith('sb:handoff'));
  const text = response.replies.map((r) => r.text).join('\n');
  if (response.state === 'waiting_for_human' || response.state === 'human') {
    return { kind: 'handoff', offeredPerson, text };
  }
  const cited = [...text.matchAll(/^\[\d+\] .*?(https?:\/\/\S+)$/gm)]
    .map((m) => articleByUrl.get(m[1] ?? ''))
    .filter((id): id is string => id !== undefined);
  if (cited.length > 0) return { kind: 'article', id: cited[0] as string, offeredPerson, text };
  // Off-topic replies offer topics as article choices too; only a clarifying question counts here.
  const clarify = choices.filter((c) => c.id.startsWith('sb:kb:')).map((c) => c.id.slice('sb:kb:'.length));
  if (clarify.length > 0 && route !== 'off_topic')
    return { kind: 'clarify', ids: clarify, offeredPerson, text };
  if (flow) return { kind: 'flow', id: flow, offeredPerson, text };
  if (route === 'small_talk') return { kind: 'small_talk', offeredPerson, text };
  return { kind: 'none', route: route ?? 'unknown', offeredPerson, text };
}

/** Runs the set and prints figures; the last printed line is the JSON summary. */
export async function runConversationEval(opts: {
  set: string;
  answerThreshold?: string;
  clarifyThreshold?: string;
  /** Print the intent, its confidence and the top articles of every missed answerable message. */
  explain?: boolean;
}): Promise<void> {
  const cases = (await readJsonl(opts.set)).map((row, i) => asCase(row, i, opts.set));
  // No process environment: the local path, whatever keys the shell has.
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    ...(opts.answerThreshold !== undefined ? { KB_ANSWER_THRESHOLD: opts.answerThreshold } : {}),
    ...(opts.clarifyThreshold !== undefined ? { KB_CLARIFY_THRESHOLD: opts.clarifyThreshold } : {}),
  });
  const startedAt = performance.now();
  const runtime = await createRuntime(config, { logger: silentLogger });
  await runtime.startWorkers();
  const startupMs = performance.now() - startedAt;
  const sandbox = runtime.sandbox;
  if (!sandbox) throw new Error('the sandbox channel is off');
  const articles = await loadKnowledgeBase(config.knowledge.kbDir);
  const articleByUrl = new Map(articles.map((a) => [a.metadata.url, a.metadata.id]));

  const outcomes: TurnOutcome[] = [];
  const latencies: number[] = [];
  const debugs: (TurnDebug | null)[] = [];
  try {
    // A warm-up pass over the same messages (other conversations), so JIT compilation of each code
    // path is not counted as turn latency; only the second pass is measured and scored.
    for (const item of cases)
      await sandbox.converse({ conversationId: `eval-warmup-${item.id}`, text: item.text });
    for (const item of cases) {
      const conversationId = `eval-${item.id}`;
      const t0 = performance.now();
      const response = await sandbox.converse({ conversationId, text: item.text });
      latencies.push(performance.now() - t0);
      const context = await runtime.store.get(
        toConversationKey({
          platform: SANDBOX_PLATFORM,
          workspace: SANDBOX_WORKSPACE,
          channel: 'web',
          threadOrUser: conversationId,
        }),
      );
      outcomes.push(outcomeOf(response, context?.lastTurn?.route, context?.lastTurn?.flow, articleByUrl));
      debugs.push(context?.lastTurn ?? null);
    }
  } finally {
    await runtime.stop();
  }

  const score = scoreConversations(cases, outcomes);
  console.log(`set: ${opts.set}, ${cases.length} messages; runtime ready in ${startupMs.toFixed(0)} ms`);
  for (const line of score.report) console.log(line);
  if (opts.explain) for (const line of explainMisses(cases, outcomes, debugs)) console.log(line);
  const figures = {
    ...score.figures,
    p50_ms: Number(percentile(latencies, 50).toFixed(3)),
    p95_ms: Number(percentile(latencies, 95).toFixed(3)),
  };
  console.log(
    `answer rate ${figures.answer_rate}, wrong answers ${figures.wrong_answer_rate}, clarify ${figures.clarify_rate}, ` +
      `off-topic answered ${figures.off_topic_answered}, handoff recall ${figures.handoff_recall}, ` +
      `p95 ${figures.p95_ms} ms`,
  );
  console.log(JSON.stringify(figures));
}

/** One line per answerable message not answered from `accept`: what the bot understood. */
function explainMisses(
  cases: readonly ConversationCase[],
  outcomes: readonly TurnOutcome[],
  debugs: readonly (TurnDebug | null)[],
): string[] {
  const lines = ['explained misses (intent confidence | top articles):'];
  cases.forEach((item, i) => {
    const outcome = outcomes[i];
    if (item.expect !== 'answer' || !outcome) return;
    const got = outcome.kind === 'article' || outcome.kind === 'flow' ? `${outcome.kind}:${outcome.id}` : '';
    if (item.accept.includes(got)) return;
    const d = debugs[i];
    const kb = (d?.kb ?? [])
      .slice(0, 3)
      .map((h) => `${h.id} ${h.score.toFixed(2)}`)
      .join(', ');
    lines.push(
      `  ${item.id} [${item.accept[0]}] ${d?.intent ?? 'none'} ${d?.confidence?.toFixed(2) ?? '-'} ${d?.route ?? '?'} | ${kb} | "${item.text}"`,
    );
  });
  return lines;
}
