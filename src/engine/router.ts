import type { IntentResult, KbHit } from '../model/understanding.ts';
import type { Flow } from '../ports/flow.ts';
import { ENGINE_CHOICES } from './copy.ts';

/** Intents the engine answers itself, without the knowledge base. */
export const SMALL_TALK_INTENTS = ['greeting', 'thanks', 'goodbye'] as const;
export type SmallTalkIntent = (typeof SMALL_TALK_INTENTS)[number];

/** The intent that means "let me talk to a person". */
export const HUMAN_INTENT = 'talk_to_human';

export type Route =
  | { readonly type: 'handoff_choice' }
  | { readonly type: 'dismiss' }
  | { readonly type: 'article'; readonly articleId: string }
  | { readonly type: 'flow'; readonly flow: Flow }
  | { readonly type: 'small_talk'; readonly intent: SmallTalkIntent }
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
  if (choiceId === ENGINE_CHOICES.handoff.id) return { type: 'handoff_choice' };
  if (choiceId === ENGINE_CHOICES.dismiss.id) return { type: 'dismiss' };
  if (choiceId?.startsWith(ENGINE_CHOICES.articlePrefix)) {
    return { type: 'article', articleId: choiceId.slice(ENGINE_CHOICES.articlePrefix.length) };
  }
  const intent = understanding.intent;
  if (intent !== null && understanding.confidence >= input.minIntentConfidence) {
    const flow = input.flows.find((f) => f.triggers.includes(intent));
    if (flow) return { type: 'flow', flow };
    const smallTalk = SMALL_TALK_INTENTS.find((s) => s === intent);
    if (smallTalk) return { type: 'small_talk', intent: smallTalk };
  }
  return { type: 'knowledge' };
}

export type KnowledgeOutcome =
  | { readonly type: 'answer'; readonly hits: readonly KbHit[] }
  | { readonly type: 'clarify'; readonly articles: readonly KbHit[] }
  | { readonly type: 'unknown' };

/** Turns retrieval scores into answer / clarify / don't know, by the configured thresholds. */
export function judgeHits(
  hits: readonly KbHit[],
  thresholds: { readonly answer: number; readonly clarify: number },
  maxChoices: number,
): KnowledgeOutcome {
  const best = hits[0];
  if (!best || best.score < thresholds.clarify) return { type: 'unknown' };
  if (best.score >= thresholds.answer) return { type: 'answer', hits };
  const articles: KbHit[] = [];
  for (const hit of hits) {
    if (hit.score < thresholds.clarify) break;
    if (!articles.some((a) => a.id === hit.id)) articles.push(hit);
    if (articles.length >= maxChoices) break;
  }
  // One candidate is not a question worth asking: answer with it.
  return articles.length >= 2 ? { type: 'clarify', articles } : { type: 'answer', hits };
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
