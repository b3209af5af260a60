/**
 * Pure scoring of the conversation eval (`eval-conversations.ts`): labelled messages and what
 * the bot did with each become the figures and the per-article misses. No I/O.
 */

/** One labelled customer message (a row of `eval/conversations/*.jsonl`). */
export interface ConversationCase {
  readonly id: string;
  readonly text: string;
  readonly lang: string;
  /**
   * - `answer`: a support question; `accept` lists the right outcomes (`article:<id>`, `flow:<id>`).
   * - `handoff`: an explicit request for a person.
   * - `complaint`: a complaint with no question: an apology and an offer of a person.
   * - `off_topic`: nothing the bot supports; it must not answer from the KB nor hand off.
   * - `small_talk`: greeting, thanks, goodbye.
   * - `language_handoff`: a question in a language the local path cannot answer in; handed off.
   */
  readonly expect: 'answer' | 'handoff' | 'complaint' | 'off_topic' | 'small_talk' | 'language_handoff';
  readonly accept: readonly string[];
  /** For `language_handoff`: the article an LLM path would answer from (information only). */
  readonly topic?: string;
}

/** What one turn came to, as the customer saw it. */
export type TurnOutcome = { readonly offeredPerson: boolean; readonly text: string } & (
  | { readonly kind: 'article'; readonly id: string }
  | { readonly kind: 'flow'; readonly id: string }
  | { readonly kind: 'clarify'; readonly ids: readonly string[] }
  | { readonly kind: 'handoff' }
  | { readonly kind: 'small_talk' }
  | { readonly kind: 'none'; readonly route: string }
);

export interface ConversationFigures {
  readonly n: number;
  readonly answerable: number;
  /** Answerable messages answered with an accepted article or flow. */
  readonly answer_rate: number;
  /** Of the answerable messages the bot answered (article or flow), the share answered wrongly. */
  readonly wrong_answer_rate: number;
  readonly wrong_answers: number;
  /** Answerable messages that got a clarifying question. */
  readonly clarify_rate: number;
  /** Of those, the share whose choices held an accepted article. */
  readonly clarify_hit_rate: number | null;
  /** Off-topic messages answered from the KB or a flow. */
  readonly off_topic_answered: number | null;
  /** Off-topic messages handed to staff. */
  readonly off_topic_handed_off: number | null;
  /** Explicit requests for a person that were handed off. */
  readonly handoff_recall: number | null;
  /** Complaints that got a person offered (or were handed off) and no article. */
  readonly complaint_offer_rate: number | null;
  readonly small_talk_rate: number | null;
  /** Questions in another language handed off on the local path. */
  readonly language_handoff_rate: number | null;
}

export interface ConversationScore {
  readonly figures: ConversationFigures;
  /** Human-readable lines: misses per article and failures of the other kinds. */
  readonly report: readonly string[];
}

const round = (value: number): number => Number(value.toFixed(4));
const rate = (hits: number, of: number): number | null => (of === 0 ? null : round(hits / of));

/** The outcome as a label comparable with `accept` entries, or null when nothing was answered. */
export function answeredLabel(outcome: TurnOutcome): string | null {
  if (outcome.kind === 'article') return `article:${outcome.id}`;
  if (outcome.kind === 'flow') return `flow:${outcome.id}`;
  return null;
}

function describe(outcome: TurnOutcome): string {
  switch (outcome.kind) {
    case 'article':
    case 'flow':
      return `${outcome.kind}:${outcome.id}`;
    case 'clarify':
      return `clarify[${outcome.ids.join(', ')}]`;
    case 'none':
      return `no answer (${outcome.route})`;
    default:
      return outcome.kind;
  }
}

/** Scores outcomes against labels; `outcomes[i]` belongs to `cases[i]`. */
export function scoreConversations(
  cases: readonly ConversationCase[],
  outcomes: readonly TurnOutcome[],
): ConversationScore {
  if (cases.length !== outcomes.length)
    throw new Error(`${cases.length} cases vs ${outcomes.length} outcomes`);
  let answerable = 0;
  let correct = 0;
  let answered = 0;
  let wrong = 0;
  let clarified = 0;
  let clarifyHits = 0;
  const tally = { off: 0, offAnswered: 0, offHanded: 0, human: 0, humanHanded: 0 };
  const other = { complaint: 0, complaintOk: 0, small: 0, smallOk: 0, lang: 0, langOk: 0 };
  const misses = new Map<string, string[]>();
  const failures: string[] = [];
  cases.forEach((item, i) => {
    const outcome = outcomes[i] as TurnOutcome;
    const label = answeredLabel(outcome);
    switch (item.expect) {
      case 'answer': {
        answerable++;
        if (label !== null) answered++;
        if (label !== null && item.accept.includes(label)) {
          correct++;
          return;
        }
        if (label !== null) wrong++;
        if (outcome.kind === 'clarify') {
          clarified++;
          if (outcome.ids.some((id) => item.accept.includes(`article:${id}`))) clarifyHits++;
        }
        const key = item.accept[0] ?? '?';
        const list = misses.get(key) ?? [];
        list.push(`${label !== null ? 'WRONG ' : ''}"${item.text}" → ${describe(outcome)}`);
        misses.set(key, list);
        return;
      }
      case 'off_topic':
        tally.off++;
        if (label !== null) tally.offAnswered++;
        if (outcome.kind === 'handoff') tally.offHanded++;
        if (label !== null || outcome.kind === 'handoff')
          failures.push(`off-topic "${item.text}" → ${describe(outcome)}`);
        return;
      case 'handoff':
        tally.human++;
        if (outcome.kind === 'handoff') tally.humanHanded++;
        else failures.push(`person request "${item.text}" → ${describe(outcome)}`);
        return;
      case 'complaint': {
        other.complaint++;
        const ok = (outcome.kind === 'handoff' || outcome.offeredPerson) && label === null;
        if (ok) other.complaintOk++;
        else failures.push(`complaint "${item.text}" → ${describe(outcome)}`);
        return;
      }
      case 'small_talk':
        other.small++;
        if (outcome.kind === 'small_talk') other.smallOk++;
        else failures.push(`small talk "${item.text}" → ${describe(outcome)}`);
        return;
      case 'language_handoff':
        other.lang++;
        if (outcome.kind === 'handoff') other.langOk++;
        else failures.push(`${item.lang} question "${item.text}" → ${describe(outcome)}`);
        return;
    }
  });
  const report: string[] = [];
  if (misses.size > 0) report.push('misses per article (expected → what the bot did):');
  for (const [key, list] of [...misses].sort(
    (a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]),
  )) {
    report.push(`  ${key} (${list.length})`);
    for (const line of list) report.push(`    ${line}`);
  }
  if (failures.length > 0) report.push('other failures:');
  for (const line of failures) report.push(`  ${line}`);
  return {
    figures: {
      n: cases.length,
      answerable,
      answer_rate: rate(correct, answerable) ?? 0,
      wrong_answer_rate: rate(wrong, answered) ?? 0,
      wrong_answers: wrong,
      clarify_rate: rate(clarified, answerable) ?? 0,
      clarify_hit_rate: rate(clarifyHits, clarified),
      off_topic_answered: rate(tally.offAnswered, tally.off),
      off_topic_handed_off: rate(tally.offHanded, tally.off),
      handoff_recall: rate(tally.humanHanded, tally.human),
      complaint_offer_rate: rate(other.complaintOk, other.complaint),
      small_talk_rate: rate(other.smallOk, other.small),
      language_handoff_rate: rate(other.langOk, other.lang),
    },
    report,
  };
}
